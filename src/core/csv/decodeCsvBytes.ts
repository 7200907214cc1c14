import { csvErrors, type CsvError } from './csvErrors';

export type CsvEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

export type DecodeCsvBytesResult = { ok: true; text: string; encoding: CsvEncoding } | { ok: false; errors: CsvError[] };

const CR = 0x0d;
const LF = 0x0a;

/**
 * Turns the bytes an administrator uploaded into text. Excel saves "CSV UTF-8" with a BOM, plain
 * "CSV" in the machine's ANSI code page and "Unicode text" as UTF-16 LE with a BOM. Without a
 * UTF-16 BOM the file must be UTF-8: an ANSI file with accented letters is refused line by line
 * (naming each line) rather than decoded into mojibake. NUL characters are refused too: they mean
 * UTF-16 without a BOM or a binary file.
 */
export function decodeCsvBytes(bytes: Uint8Array): DecodeCsvBytesResult {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decodeUnits(bytes.subarray(2), 'utf-16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decodeUnits(swapBytePairs(bytes.subarray(2)), 'utf-16be');
  const hasBom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return decodeUnits(hasBom ? bytes.subarray(3) : bytes, 'utf-8');
}

function decodeUnits(bytes: Uint8Array, encoding: CsvEncoding): DecodeCsvBytesResult {
  const label = encoding === 'utf-8' ? 'utf-8' : 'utf-16le';
  let text: string;
  try {
    // ignoreBOM: a BOM was already consumed above; a second one is content, not a marker.
    text = new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return { ok: false, errors: findUndecodableLines(bytes, encoding) };
  }
  const nulLines = findNulLines(text);
  return nulLines.length > 0 ? { ok: false, errors: nulLines.map((line) => csvErrors.nulCharacter(line)) } : { ok: true, text, encoding };
}

/** UTF-16 BE as LE, so one decoder serves both (an odd last byte stays, and fails decoding). */
function swapBytePairs(bytes: Uint8Array): Uint8Array {
  const swapped = Uint8Array.from(bytes);
  for (let i = 0; i + 1 < swapped.length; i += 2) {
    swapped[i] = bytes[i + 1] ?? 0;
    swapped[i + 1] = bytes[i] ?? 0;
  }
  return swapped;
}

/**
 * Decodes line by line to name the lines that are not valid text. CR and LF can never be part of
 * a multi-byte UTF-8 sequence or of a UTF-16 surrogate pair, so splitting on them is safe.
 */
function findUndecodableLines(bytes: Uint8Array, encoding: CsvEncoding): CsvError[] {
  const unit = encoding === 'utf-8' ? 1 : 2;
  const decoder = new TextDecoder(encoding === 'utf-8' ? 'utf-8' : 'utf-16le', { fatal: true, ignoreBOM: true });
  const name = unit === 1 ? 'UTF-8' : 'UTF-16';
  const errors: CsvError[] = [];
  let line = 1;
  let start = 0;
  let i = 0;
  for (; i + unit <= bytes.length; i += unit) {
    const value = unit === 1 ? bytes[i] : (bytes[i] ?? 0) | ((bytes[i + 1] ?? 0) << 8);
    if (value !== CR && value !== LF) continue;
    if (!canDecode(decoder, bytes.subarray(start, i))) errors.push(csvErrors.invalidEncoding(line, name));
    const next = unit === 1 ? bytes[i + 1] : (bytes[i + 2] ?? 0) | ((bytes[i + 3] ?? 0) << 8);
    if (value === CR && next === LF && i + unit < bytes.length) i += unit;
    start = i + unit;
    line += 1;
  }
  // An odd trailing byte of UTF-16 stays in this last segment, so it fails here.
  if (!canDecode(decoder, bytes.subarray(start)) || errors.length === 0) errors.push(csvErrors.invalidEncoding(line, name));
  return errors;
}

function canDecode(decoder: InstanceType<typeof TextDecoder>, bytes: Uint8Array): boolean {
  try {
    decoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function findNulLines(text: string): number[] {
  if (!text.includes('\u0000')) return [];
  const lines: number[] = [];
  text.split(/\r\n|\r|\n/).forEach((content, index) => {
    if (content.includes('\u0000')) lines.push(index + 1);
  });
  return lines;
}
