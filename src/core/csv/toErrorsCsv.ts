import type { CsvError } from './csvErrors';

/** A CSV error, or an intake error about the file as a whole (no line; a field such as the endpoint). */
export type ErrorsCsvRow = Pick<CsvError, 'column' | 'message'> & { line?: number; field?: string; code: string };
import { writeCsv } from './writeCsv';

/** Excel opens a CSV without a byte order mark in the ANSI code page; with one, as UTF-8. */
const UTF8_BOM = '\uFEFF';

/**
 * The `<name>.errors.csv` an administrator downloads: columns Line, Column, Code, Message, one row
 * per error, starting with a BOM so Excel shows accented addresses correctly. Text cells that a
 * spreadsheet would run as a formula (=, +, -, @ first: OWASP "CSV injection") get a leading
 * apostrophe, since Column echoes a header name from the uploaded file.
 */
export function toErrorsCsv(errors: readonly ErrorsCsvRow[]): string {
  const records = errors.map((error) => [error.line === undefined ? '' : String(error.line), defuse(error.column ?? error.field ?? ''), error.code, defuse(error.message)]);
  return UTF8_BOM + writeCsv([['Line', 'Column', 'Code', 'Message'], ...records]);
}

function defuse(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
