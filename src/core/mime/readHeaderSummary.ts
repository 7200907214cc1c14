import libmime from 'libmime';

export interface HeaderSummary {
  subject: string;
  messageId?: string;
}

/** Headers end at the first empty line (RFC 5322 section 2.1); only that much is looked at. */
const MAX_HEADER_BYTES = 64 * 1024;

/**
 * Subject and Message-ID of a raw message, for reports and logs, without parsing the body:
 * unfolds header lines and decodes RFC 2047 encoded words. Never throws: a header it cannot read
 * gives an empty subject.
 */
export function readHeaderSummary(raw: Buffer): HeaderSummary {
  const head = raw.subarray(0, MAX_HEADER_BYTES).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const unfolded = (end >= 0 ? head.slice(0, end) : head).replace(/\r?\n[ \t]+/g, ' ');
  const header = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(unfolded)?.[1]?.trim();
  let subject = header('Subject') ?? '';
  try {
    subject = libmime.decodeWords(Buffer.from(subject, 'latin1').toString('utf8'));
  } catch {
    // Keep the undecoded text: better than nothing in a report.
  }
  const messageId = header('Message-ID');
  return { subject, ...(messageId ? { messageId } : {}) };
}
