/**
 * Writes records as RFC 4180 CSV: comma-separated, CRLF after every record, a field in double
 * quotes (inner quotes doubled) when it holds a comma, quote, line break or surrounding whitespace
 * (which a reader that trims, like ours, would otherwise drop). csv-stringify is not a dependency
 * and this is all the project needs.
 */
export function writeCsv(records: readonly (readonly string[])[]): string {
  return records.map((fields) => `${fields.map(quoteCsvField).join(',')}\r\n`).join('');
}

function quoteCsvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
