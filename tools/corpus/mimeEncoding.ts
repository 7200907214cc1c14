/** The encodings a generated message needs, written out so the bytes are fully predictable. */

const CRLF = '\r\n';

/** RFC 2047 encoded-words ("B" encoding, UTF-8) for a header value with non-ASCII characters. */
export function encodeHeaderWords(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  // An encoded-word is at most 75 characters (RFC 2047 section 2): 12 for the wrapper, so at
  // most 45 bytes of UTF-8 per word, never splitting a character.
  const words: string[] = [];
  let chunk = '';
  for (const char of value) {
    if (Buffer.byteLength(chunk + char) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join(`${CRLF} `);
}

/** Base64 body lines of at most 76 characters (RFC 2045 section 6.8). */
export function toBase64Lines(data: Buffer): string {
  const text = data.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += 76) lines.push(text.slice(i, i + 76));
  return lines.join(CRLF);
}

/** RFC 2231 parameter value for a non-ASCII file name: `filename*=UTF-8''Pr%C3%BCfung.pdf`. */
export function toFilenameParameter(name: string): string {
  if (/^[\x20-\x7e]*$/.test(name) && !name.includes('"')) return `filename="${name}"`;
  return `filename*=UTF-8''${encodeURIComponent(name)}`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 section 3.3 date-time, in UTC. */
export function toRfc5322Date(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    `${DAYS[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}
