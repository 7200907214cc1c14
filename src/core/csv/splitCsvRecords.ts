/** One record of a CSV file as text, before its fields are parsed. */
export interface RawCsvRecord {
  /** 1-based physical line where the record starts. */
  line: number;
  /** The record without its line break; may span lines inside quoted values. */
  text: string;
}

export interface SplitCsvRecordsResult {
  records: RawCsvRecord[];
  /** Lines where a quoted value opens and is never closed. */
  unterminatedQuoteLines: number[];
}

/** After this many unclosed quotes the rest of the file is not read: each one costs a rescan. */
const MAX_UNTERMINATED_QUOTES = 10;

interface RecordEnd {
  /** Index just past the record's text. */
  end: number;
  /** Index where the next record starts (past the line break). */
  next: number;
  /** Line breaks inside the record (within quoted values) plus the one that ends it. */
  lines: number;
}

/**
 * Splits CSV text into records, counting physical lines so every record and every error can name
 * the line an administrator sees in an editor. CRLF, LF and a lone CR all end a line (files edited
 * on several systems mix them); inside a quoted value they are part of the value. A quote opens a
 * quoted value only at the start of a field, as RFC 4180 section 2 says; elsewhere it is a literal
 * character (csv-parse's `relax_quotes`). Splitting before parsing keeps one bad record from
 * hiding the ones after it: csv-parse stops at its first error.
 */
export function splitCsvRecords(text: string, delimiter: string): SplitCsvRecordsResult {
  const records: RawCsvRecord[] = [];
  const unterminatedQuoteLines: number[] = [];
  let position = 0;
  let line = 1;
  while (position < text.length) {
    const found = findRecordEnd(text, position, delimiter);
    if (found !== undefined) {
      records.push({ line, text: text.slice(position, found.end) });
      line += found.lines;
      position = found.next;
      continue;
    }
    // The quote never closes: report it, then read on from the next line as if it were not there.
    unterminatedQuoteLines.push(line);
    const lineEnd = findLineBreak(text, position);
    if (lineEnd === undefined || unterminatedQuoteLines.length >= MAX_UNTERMINATED_QUOTES) break;
    position = lineEnd;
    line += 1;
  }
  return { records, unterminatedQuoteLines };
}

/** Where the record starting at `start` ends, or undefined when a quoted value runs to the end. */
function findRecordEnd(text: string, start: number, delimiter: string): RecordEnd | undefined {
  let inQuotes = false;
  let atFieldStart = true;
  let lines = 0;
  let i = start;
  while (i < text.length) {
    const char = text[i];
    const breakLength = char === '\r' && text[i + 1] === '\n' ? 2 : 1;
    if (inQuotes) {
      if (char === '"') {
        // A doubled quote is an escaped quote; a single one closes the value.
        inQuotes = text[i + 1] === '"';
        i += inQuotes ? 2 : 1;
      } else if (char === '\r' || char === '\n') {
        lines += 1;
        i += breakLength;
      } else {
        i += 1;
      }
      continue;
    }
    if (char === '\r' || char === '\n') return { end: i, next: i + breakLength, lines: lines + 1 };
    if (char === delimiter) {
      atFieldStart = true;
    } else if (!/\s/.test(char ?? '')) {
      // Whitespace before a quote is allowed, as csv-parse's `trim` allows it.
      inQuotes = char === '"' && atFieldStart;
      atFieldStart = false;
    }
    i += 1;
  }
  return inQuotes ? undefined : { end: text.length, next: text.length, lines: 0 };
}

/** Index just past the first line break at or after `start`. */
function findLineBreak(text: string, start: number): number | undefined {
  const match = /\r\n|\r|\n/g;
  match.lastIndex = start;
  const found = match.exec(text);
  return found === null ? undefined : found.index + found[0].length;
}
