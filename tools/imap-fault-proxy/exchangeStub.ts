/**
 * The message Exchange's IMAP4 service returns, in place of the real one, for an item it cannot
 * convert to MIME: a short text/plain note from "Microsoft Exchange Server" whose subject is
 * "Retrieval using the IMAP4 protocol failed for the following message: <n>". A migration that
 * copies it silently loses the real item, so the copy must recognise it (issue 11, hole 3).
 *
 * The headers, the subject line and the first body line follow an Exchange 2010 answer captured in
 * https://github.com/OfflineIMAP/offlineimap/issues/62; the closing paragraph follows the stub an
 * Exchange Online user received (https://github.com/freescout-help-desk/freescout/issues/3203).
 * Everything the captures cut off or redacted (the sender's name for 2007, the format of the
 * original's From and Sent date lines) is a guess; see the README.
 */

export interface StubInput {
  /** The real message, whose Subject, From and Date the note quotes. */
  original: Buffer;
  /** The number the note names: the UID the client asked for. */
  uid: number;
  /** The login the connection uses, as the note's recipient. */
  user: string | undefined;
}

export function exchangeRetrievalFailedStub(input: StubInput): Buffer {
  const headers = headerFields(input.original);
  const subject = headers.get('subject') ?? '';
  const from = describeSender(headers.get('from') ?? '');
  const sent = headers.get('date') ?? '';
  const head = [
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset="us-ascii"',
    'From: Microsoft Exchange Server 2007',
    `To: ${input.user ?? 'undisclosed-recipients:;'}`,
    'Subject: Retrieval using the IMAP4 protocol failed for the following',
    ` message: ${input.uid}`,
    'Content-Transfer-Encoding: quoted-printable',
  ];
  const body = [
    "The server couldn't retrieve the following message:",
    '',
    `Subject: "${subject}"`,
    `From: ${from}`,
    `Sent date: ${sent}`,
    '',
    "The message hasn't been deleted. You might be able to view it using either Outlook or Outlook Web App. " +
      'You can also contact the sender to find out what the message says.',
  ].join('\r\n');
  return Buffer.concat([
    Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'),
    Buffer.from(quotedPrintable(Buffer.from(body, 'latin1')), 'latin1'),
    Buffer.from('\r\n', 'latin1'),
  ]);
}

/** The text a test looks for in a stub. */
export const STUB_SUBJECT_PREFIX = 'Retrieval using the IMAP4 protocol failed for the following';

/** Unfolded header fields of a message, by lower-case name (first occurrence), values as raw latin1. */
function headerFields(message: Buffer): Map<string, string> {
  const end = message.indexOf('\r\n\r\n');
  const block = message.subarray(0, end < 0 ? message.length : end).toString('latin1');
  const fields = new Map<string, string>();
  for (const field of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = field.indexOf(':');
    if (colon <= 0) continue;
    const name = field.slice(0, colon).trim().toLowerCase();
    if (!fields.has(name)) fields.set(name, field.slice(colon + 1).trim());
  }
  return fields;
}

/** `"Name" <a@b>` → `"Name" ("a@b")`, the shape of the captured stub's From line. */
function describeSender(from: string): string {
  const match = /^(.*?)<([^>]*)>/.exec(from);
  if (!match) return `"${from}"`;
  const name = match[1]!.trim().replace(/^"(.*)"$/, '$1');
  return `"${name || match[2]!}" ("${match[2]!}")`;
}

/** RFC 2045 section 6.7 quoted-printable, CRLF line breaks kept, soft breaks before 76 characters. */
function quotedPrintable(data: Buffer): string {
  const lines: string[] = [];
  for (const line of data.toString('latin1').split('\r\n')) {
    let encoded = '';
    for (const char of line) {
      const code = char.charCodeAt(0);
      encoded += (code >= 33 && code <= 126 && char !== '=') || char === ' ' || char === '\t' ? char : `=${code.toString(16).toUpperCase().padStart(2, '0')}`;
    }
    // Trailing white space would be lost in transport (rule 3), so encode it.
    encoded = encoded.replace(/[ \t]$/, (space) => `=${space.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
    lines.push(...softWrap(encoded));
  }
  return lines.join('\r\n');
}

function softWrap(encoded: string): string[] {
  const out: string[] = [];
  let rest = encoded;
  while (rest.length > 76) {
    // Break before 76 (75 characters and the "="), never inside an =XX escape.
    let cut = 75;
    const escape = rest.lastIndexOf('=', cut);
    if (escape > cut - 3) cut = escape;
    out.push(`${rest.slice(0, cut)}=`);
    rest = rest.slice(cut);
  }
  out.push(rest);
  return out;
}
