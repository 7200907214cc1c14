/**
 * The password-free copy of an accepted batch CSV that the service keeps after intake, and the
 * RFC 4180 writer it is written with.
 */

import { hasWrongFieldCount, namedWidth } from './batchCsvRules';
import { tryToBatchCsvColumn } from './batchCsvSchema';
import { CsvRejectedError, csvErrors, type CsvError } from './csvErrors';
import { readCsvTable } from './readCsvTable';

/**
 * The CSV without its Password column, for the copy the service keeps after intake: the other
 * columns as the administrator named and ordered them, values as parsed (trimmed), UTF-8 text with
 * comma delimiters and CRLF line breaks; blank lines dropped. Columns that are not batch columns
 * (none in a file `parseBatchCsv` accepted) are dropped too: a misspelt "Pasword" holds passwords.
 * Call it on an accepted file: for one it cannot read, or without a header, it throws
 * `CsvRejectedError`, as a row that does not line up with the header could carry a password.
 */
export function removePasswordColumn(bytes: Uint8Array): string {
  const table = readCsvTable(bytes);
  if (!table.ok) throw new CsvRejectedError(table.errors);
  if (table.header === undefined) throw new CsvRejectedError(table.errors.length > 0 ? table.errors : [csvErrors.emptyFile()]);
  const header = table.header;
  const misaligned: CsvError[] = table.rows
    .filter((row) => hasWrongFieldCount(row.fields, header.fields))
    .map((row) => csvErrors.wrongFieldCount(row.line, row.fields.length, header.line, namedWidth(header.fields), table.delimiter));
  const errors = [...table.errors, ...misaligned];
  if (errors.length > 0) throw new CsvRejectedError(errors.sort((a, b) => a.line - b.line));
  const keep = header.fields.flatMap((name, index) => {
    const column = tryToBatchCsvColumn(name);
    return column === undefined || column === 'Password' ? [] : [index];
  });
  if (keep.length === 0) throw new CsvRejectedError([csvErrors.missingHeader(header.line)]);
  const records = [header, ...table.rows].map((record) => keep.map((index) => record.fields[index] ?? ''));
  return writeCsv(records);
}

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
