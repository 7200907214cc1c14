import type { CsvError } from './csvErrors';

/** A CSV error, or an intake error about the file as a whole (no line; a field such as the endpoint). */
export type ErrorsCsvRow = Pick<CsvError, 'column' | 'message'> & { line?: number; field?: string; code: string };
import { writeReportCsv } from '../reports/reportCsv';

/** Excel opens a CSV without a byte order mark in the ANSI code page; with one, as UTF-8. */
const UTF8_BOM = '\uFEFF';

/**
 * The `<name>.errors.csv` an administrator downloads: columns Line, Column, Code, Message, one row
 * per error, starting with a BOM so Excel shows accented addresses correctly. Cells are written by
 * writeReportCsv, which defuses spreadsheet formulas (OWASP "CSV injection"), since Column and
 * Message echo header names and values from the uploaded file.
 */
export function toErrorsCsv(errors: readonly ErrorsCsvRow[]): string {
  const records = errors.map((error) => [error.line === undefined ? '' : String(error.line), error.column ?? error.field ?? '', error.code, error.message]);
  return UTF8_BOM + writeReportCsv([['Line', 'Column', 'Code', 'Message'], ...records]);
}
