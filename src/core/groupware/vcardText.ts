/**
 * vCard 2.1 → 3.0 text, so ical.js (which reads 3.0 and 4.0) can parse what Outlook's "Save as vCard"
 * and older phones write. vCard 2.1 (the Internet Mail Consortium's "vCard - The Electronic Business
 * Card, Version 2.1", 1996) differs from 3.0 (RFC 2426) where it matters here in three ways:
 *   - parameters may be bare values: `TEL;WORK;VOICE:` means `TEL;TYPE=WORK;TYPE=VOICE:` (RFC 2426 2.4);
 *   - values may be QUOTED-PRINTABLE, with soft line breaks (`=` at the end of a line) and a CHARSET;
 *   - BASE64 is spelled `ENCODING=BASE64` where 3.0 says `ENCODING=b`, and a blank line may end it.
 * Texts that are not 2.1 are returned with their line breaks normalised and nothing else changed.
 */
export function normalizeVCardText(text: string): string {
  const crlf = text.replace(/^\uFEFF/, '').replace(/\r\n|\r|\n/g, '\r\n');
  if (!/^VERSION:\s*2\.1\s*$/im.test(crlf)) return crlf;
  return logicalLines(crlf)
    .map(convertLine)
    .filter((line) => line !== '')
    .join('\r\n')
    .concat('\r\n');
}

/** Unfolds both kinds of continuation: QUOTED-PRINTABLE soft breaks and RFC 2425 folding (CRLF + white space). */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  for (const raw of text.split('\r\n')) {
    const last = lines.length - 1;
    if (last >= 0 && isQuotedPrintable(lines[last]!) && lines[last]!.endsWith('=')) {
      lines[last] = lines[last]!.slice(0, -1) + raw;
    } else if (last >= 0 && /^[ \t]/.test(raw)) {
      lines[last] += raw.slice(1);
    } else {
      lines.push(raw);
    }
  }
  return lines;
}

function isQuotedPrintable(line: string): boolean {
  const colon = line.indexOf(':');
  return colon > 0 && /;\s*(ENCODING=)?QUOTED-PRINTABLE\s*(;|$)/i.test(line.slice(0, colon) + ';');
}

function convertLine(line: string): string {
  if (line.trim() === '') return '';
  const colon = line.indexOf(':');
  if (colon < 0) return line;
  const [name, ...params] = line.slice(0, colon).split(';');
  let value = line.slice(colon + 1);
  if (/^VERSION$/i.test(name!)) return 'VERSION:3.0';
  let charset = 'utf-8';
  let quotedPrintable = false;
  const out: string[] = [];
  for (const param of params) {
    const equals = param.indexOf('=');
    const key = (equals < 0 ? '' : param.slice(0, equals)).trim().toUpperCase();
    const paramValue = (equals < 0 ? param : param.slice(equals + 1)).trim();
    if (paramValue === '') continue;
    if (key === 'CHARSET') charset = paramValue;
    else if ((key === 'ENCODING' || key === '') && /^QUOTED-PRINTABLE$/i.test(paramValue)) quotedPrintable = true;
    else if ((key === 'ENCODING' || key === '') && /^BASE64$/i.test(paramValue)) out.push('ENCODING=b');
    else if (key === '' && /^(8BIT|7BIT)$/i.test(paramValue)) continue;
    else if (key === '') out.push(`TYPE=${paramValue}`);
    else out.push(`${key}=${paramValue}`);
  }
  if (quotedPrintable) value = escapeText(decodeQuotedPrintable(value, charset));
  return [name, ...out].join(';') + ':' + value;
}

function decodeQuotedPrintable(value: string, charset: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const hex = value[i] === '=' ? value.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(value[i]!, 'utf8'));
    }
  }
  try {
    return new TextDecoder(charset).decode(Uint8Array.from(bytes));
  } catch {
    return new TextDecoder('utf-8').decode(Uint8Array.from(bytes));
  }
}

/** 2.1 text is literal; 3.0 escapes backslashes and line breaks (RFC 2426 4). Separators (`;`) stay as they are. */
function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\r\n|\r|\n/g, '\\n');
}
