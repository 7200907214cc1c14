/**
 * CSV for people to open in a spreadsheet: the reports (MigrationStatistics.csv,
 * MigrationErrors.csv) and the intake's `<name>.errors.csv`. Their cells carry text from outside:
 * subjects and folder names chosen by whoever sent the mail, server messages, header names from an
 * uploaded file. A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula
 * (`=HYPERLINK(...)`, DDE), so, as OWASP's CSV Injection guidance says
 * (https://owasp.org/www-community/attacks/CSV_Injection):
 * - a cell starting with `=`, `+`, `-`, `@`, tab (0x09) or carriage return (0x0D) gets a leading
 *   single quote (and one starting with NUL too, as OWASP ASVS 5.0 requirement 1.2.10 adds), so it
 *   is shown as text;
 * - such a cell, and any cell holding a double quote, a field separator (`,`, or `;` and tab, which
 *   Excel uses as the separator in many locales) or a line break, is wrapped in double quotes with
 *   inner quotes doubled (RFC 4180), so no text can end its cell and start a new one that begins
 *   with a formula.
 * Plain cells (addresses, statuses, numbers) stay unquoted, as Exchange Online writes them.
 */
// eslint-disable-next-line no-control-regex -- tab, carriage return and NUL are exactly the characters OWASP names
const FORMULA_START = /^[=+\-@\t\r\u0000]/;
const NEEDS_QUOTES = /[",;\t\r\n]|^\s|\s$/;

/** The cell as text a spreadsheet will not run: a leading single quote when it would start a formula. */
export function neutraliseCsvCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** One cell, neutralised and quoted where needed. */
export function toReportCsvCell(value: string): string {
  const text = neutraliseCsvCell(value);
  return text !== value || NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Records as CSV lines, comma-separated, CRLF after each (RFC 4180), every cell through toReportCsvCell. */
export function writeReportCsv(records: readonly (readonly string[])[]): string {
  return records.map((fields) => `${fields.map(toReportCsvCell).join(',')}\r\n`).join('');
}
