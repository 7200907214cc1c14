/**
 * The entry of core/csv: an uploaded batch CSV checked end to end (read the table, apply the header
 * and row rules, find clashing addresses), its options and its result.
 */

import { createRevealValue, findAddressConflicts, resolveBatchCsvHeader, toBatchCsvRow } from './batchCsvRules';
import { MAX_BATCH_CSV_ROWS, type BatchCsvKind, type BatchCsvRow } from './batchCsvSchema';
import { csvErrors, type CsvError } from './csvErrors';
import { readCsvTable, type CsvRecord } from './readCsvTable';

export interface ParseBatchCsvOptions {
  /** The kind the batch was created for; a file of the other kind is then a `WrongCsvKind` error. */
  expectedKind?: BatchCsvKind;
  /**
   * Addresses already in another batch that is still active: lower-cased address -> batch name.
   * Each row whose address is in it gets an `AddressInActiveBatch` error naming that batch.
   */
  activeAddresses?: ReadonlyMap<string, string>;
}

export type ParseBatchCsvResult =
  | {
      ok: true;
      kind: BatchCsvKind;
      rows: BatchCsvRow[];
      /** Canonical column names (`EmailAddress`, `Password`...) in the order of the file. */
      columns: string[];
    }
  | { ok: false; errors: CsvError[] };

/**
 * Checks an uploaded batch CSV (raw bytes, as saved by Excel or an editor) against Exchange
 * Online's migration CSV rules and returns its rows, or every error at once with the line each is
 * on. Pure: no I/O; never throws for any input.
 */
export function parseBatchCsv(bytes: Uint8Array, options: ParseBatchCsvOptions = {}): ParseBatchCsvResult {
  const table = readCsvTable(bytes);
  if (!table.ok) return { ok: false, errors: table.errors };
  if (table.header === undefined) return { ok: false, errors: table.errors.length > 0 ? table.errors : [csvErrors.emptyFile()] };
  const header = resolveBatchCsvHeader(table.header, options.expectedKind);
  const limitError = checkRowCount(table.header.line, table.rows, table.errors);
  if (limitError !== undefined) return { ok: false, errors: [...header.errors, limitError] };

  const reveal = createRevealValue(header, table.rows);
  const errors: CsvError[] = [...header.errors, ...table.errors];
  const rows: BatchCsvRow[] = [];
  for (const record of table.rows) {
    const checked = toBatchCsvRow(record, { header, delimiter: table.delimiter, reveal });
    if (checked.row !== undefined) rows.push(checked.row);
    errors.push(...checked.errors);
  }
  const emailColumn = header.slots.find((slot) => slot.column === 'EmailAddress')?.name ?? 'EmailAddress';
  errors.push(...findAddressConflicts(rows, emailColumn, reveal, options.activeAddresses));
  if (errors.length > 0) return { ok: false, errors: errors.sort((a, b) => a.line - b.line) };
  const columns = header.slots.flatMap((slot) => (slot.column === undefined ? [] : [slot.column]));
  return { ok: true, kind: header.kind, rows, columns };
}

/** At least one row and at most 2,000; rows that could not be read still count. */
function checkRowCount(headerLine: number, rows: readonly CsvRecord[], unreadable: readonly CsvError[]): CsvError | undefined {
  const lines = [...rows.map((row) => row.line), ...unreadable.map((error) => error.line)].sort((a, b) => a - b);
  if (lines.length === 0) return csvErrors.noRows(headerLine);
  const firstOverLimit = lines[MAX_BATCH_CSV_ROWS];
  return firstOverLimit === undefined ? undefined : csvErrors.tooManyRows(firstOverLimit, lines.length);
}
