import { BATCH_CSV_SCHEMAS, tryToBatchCsvColumn, type BatchCsvColumn } from './batchCsvSchema';
import type { BatchCsvKind } from './batchCsvTypes';
import { csvErrors, type CsvError } from './csvErrors';
import type { CsvRecord } from './readCsvTable';

/** What one column of the file holds. */
export interface HeaderSlot {
  /** The header name as the administrator wrote it (trimmed); '' for a column without a name. */
  name: string;
  /** The column it stands for; absent for an unknown, unnamed or repeated column. */
  column?: BatchCsvColumn;
}

export interface ResolvedBatchCsvHeader {
  kind: BatchCsvKind;
  line: number;
  slots: HeaderSlot[];
  errors: CsvError[];
}

/**
 * Reads the header: which kind of CSV it is (a UserName column means IMAP, as in Exchange Online),
 * which column each field is (names are case-insensitive), and every header error. Columns with no
 * name are allowed (Excel writes trailing delimiters after formatted empty columns) as long as the
 * rows leave them empty. On a kind mismatch the file is still checked as the kind it is, so the
 * administrator gets one clear `WrongCsvKind` instead of a list of missing columns.
 */
export function resolveBatchCsvHeader(header: CsvRecord, expectedKind?: BatchCsvKind): ResolvedBatchCsvHeader {
  const { line } = header;
  if (!header.fields.some((name) => tryToBatchCsvColumn(name) !== undefined)) {
    // Most likely the header was left out and this is a row: its values (a password among them)
    // must not be echoed as "unknown column" names.
    return { kind: expectedKind ?? 'staged', line, slots: header.fields.map((name) => ({ name })), errors: [csvErrors.missingHeader(line)] };
  }
  const kind: BatchCsvKind = header.fields.some((name) => tryToBatchCsvColumn(name) === 'UserName') ? 'imap' : 'staged';
  const schema = BATCH_CSV_SCHEMAS[kind];
  const errors: CsvError[] = [];
  if (expectedKind !== undefined && expectedKind !== kind) errors.push(csvErrors.wrongCsvKind(line, expectedKind));
  const positions = new Map<BatchCsvColumn, number>();
  const slots = header.fields.map((name, index): HeaderSlot => {
    const column = tryToBatchCsvColumn(name);
    if (name === '') return { name };
    if (column === undefined || !schema.columns.includes(column)) {
      errors.push(csvErrors.unknownColumn(line, name, kind));
      return { name };
    }
    const firstPosition = positions.get(column);
    if (firstPosition !== undefined) {
      errors.push(csvErrors.duplicateColumn(line, name, firstPosition, index + 1));
      return { name };
    }
    positions.set(column, index + 1);
    return { name, column };
  });
  for (const required of schema.required) {
    if (!positions.has(required)) errors.push(csvErrors.missingColumn(line, required, kind));
  }
  return { kind, line, slots, errors };
}
