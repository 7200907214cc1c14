import { USAGE_LOCATION_PATTERN } from '../mailbox/usageLocation';
import type { BatchCsvColumn } from './batchCsvSchema';
import type { BatchCsvKind, BatchCsvRow } from './batchCsvTypes';
import type { RevealValue } from './createRevealValue';
import { csvErrors, MISSING_VALUE_REASONS, type CsvError } from './csvErrors';
import { hasWrongFieldCount, namedWidth } from './hasWrongFieldCount';
import { isValidEmailAddress } from './isValidEmailAddress';
import type { CsvRecord } from './readCsvTable';
import type { ResolvedBatchCsvHeader } from './resolveBatchCsvHeader';

export interface BatchCsvRowContext {
  header: ResolvedBatchCsvHeader;
  delimiter: string;
  /** Which values messages may quote (never a possible password). */
  reveal: RevealValue;
}

type Cells = Map<BatchCsvColumn, { name: string; value: string }>;

/** One record checked against the header: the row, or every error it has. */
export function toBatchCsvRow(record: CsvRecord, context: BatchCsvRowContext): { row?: BatchCsvRow; errors: CsvError[] } {
  const { header } = context;
  const names = header.slots.map((slot) => slot.name);
  if (hasWrongFieldCount(record.fields, names)) {
    return { errors: [csvErrors.wrongFieldCount(record.line, record.fields.length, header.line, namedWidth(names), context.delimiter)] };
  }
  const errors: CsvError[] = [];
  const cells: Cells = new Map();
  header.slots.forEach((slot, index) => {
    const value = record.fields[index] ?? '';
    if (slot.column !== undefined) cells.set(slot.column, { name: slot.name, value });
    else if (slot.name === '' && value !== '') errors.push(csvErrors.valueInUnnamedColumn(record.line, index + 1));
  });
  const row = buildRow(record.line, cells, header.kind, context.reveal, errors);
  return errors.length === 0 ? { row, errors } : { errors };
}

function buildRow(line: number, cells: Cells, kind: BatchCsvKind, shown: RevealValue, errors: CsvError[]): BatchCsvRow {
  const row: BatchCsvRow = { line, emailAddress: '' };
  const email = cells.get('EmailAddress');
  if (email !== undefined && email.value === '') errors.push(csvErrors.missingValue(line, email.name, MISSING_VALUE_REASONS.EmailAddress));
  else if (email !== undefined && !isValidEmailAddress(email.value)) errors.push(csvErrors.invalidEmailAddress(line, email.name, shown(email.value)));
  else if (email !== undefined) row.emailAddress = email.value;
  const password = cells.get('Password');
  if (password !== undefined && password.value !== '') row.password = password.value;
  else if (password !== undefined && kind === 'imap') errors.push(csvErrors.missingValue(line, password.name, MISSING_VALUE_REASONS.Password));
  const force = cells.get('ForceChangePassword');
  if (force !== undefined && /^(true|false|)$/i.test(force.value)) row.forceChangePassword = force.value.toLowerCase() === 'true';
  else if (force !== undefined) errors.push(csvErrors.invalidBoolean(line, force.name, shown(force.value)));
  const userName = cells.get('UserName');
  if (userName !== undefined && userName.value !== '') row.userName = userName.value;
  else if (userName !== undefined) errors.push(csvErrors.missingValue(line, userName.name, MISSING_VALUE_REASONS.UserName));
  const userRoot = cells.get('UserRoot');
  if (userRoot !== undefined && userRoot.value !== '') row.userRoot = userRoot.value;
  const usageLocation = cells.get('UsageLocation');
  if (usageLocation !== undefined && USAGE_LOCATION_PATTERN.test(usageLocation.value)) row.usageLocation = usageLocation.value.toUpperCase();
  else if (usageLocation !== undefined && usageLocation.value !== '')
    errors.push(csvErrors.invalidUsageLocation(line, usageLocation.name, shown(usageLocation.value)));
  return row;
}
