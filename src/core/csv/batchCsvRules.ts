/**
 * The rules of a batch CSV's header and rows, applied to the table readCsvTable reads: which kind
 * and columns the header names, whether a row lines up with it, what each cell must hold, which
 * addresses clash, and which values an error message may quote.
 */

import { USAGE_LOCATION_PATTERN } from '../mailbox/usageLocation';
import { BATCH_CSV_SCHEMAS, tryToBatchCsvColumn, type BatchCsvColumn, type BatchCsvKind, type BatchCsvRow } from './batchCsvSchema';
import { csvErrors, MISSING_VALUE_REASONS, type CsvError } from './csvErrors';
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

/**
 * Whether a row's fields do not line up with the header's columns. A row may leave out, or leave
 * empty, the columns after the last one with a name: Excel writes trailing delimiters for empty
 * formatted columns, and editors drop them again.
 */
export function hasWrongFieldCount(fields: readonly string[], headerNames: readonly string[]): boolean {
  return fields.length < namedWidth(headerNames) || fields.slice(headerNames.length).some((field) => field !== '');
}

/** How many columns the header has up to its last named one. */
export function namedWidth(headerNames: readonly string[]): number {
  return headerNames.reduce((width, name, index) => (name === '' ? width : index + 1), 0);
}

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

/** RFC 5322 section 3.2.3 "atext": the characters of an unquoted local part. */
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
/** RFC 5322 section 3.4.1 dot-atom local part: atoms joined by single dots. */
const LOCAL_PART = new RegExp(`^${ATOM}(?:\\.${ATOM})*$`);
/** A DNS label (RFC 1035 section 2.3.1, with leading digits per RFC 1123): no hyphen at either end. */
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
/** A top-level domain: letters, or an IDNA A-label (xn--...). */
const TOP_LEVEL = /^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

/** RFC 5321 section 4.5.3.1.1. */
const MAX_LOCAL_PART = 64;
/** RFC 5321 allows a 256-octet path including the angle brackets, so 254 for the address (RFC 3696 errata 1690). */
const MAX_ADDRESS = 254;

/**
 * Whether a value is an SMTP address a Microsoft 365 mailbox can have: `local@domain.tld` with a
 * dot-atom local part and a domain of at least two DNS labels. Deliberately narrower than RFC 5322:
 * no quoted local parts, IP literals, comments or non-ASCII characters, none of which Exchange
 * Online accepts in a mailbox's primary SMTP address.
 */
export function isValidEmailAddress(value: string): boolean {
  if (value.length > MAX_ADDRESS) return false;
  const at = value.lastIndexOf('@');
  if (at < 1) return false;
  const localPart = value.slice(0, at);
  const labels = value.slice(at + 1).split('.');
  const topLevel = labels[labels.length - 1] ?? '';
  return (
    localPart.length <= MAX_LOCAL_PART &&
    LOCAL_PART.test(localPart) &&
    labels.length >= 2 &&
    labels.every((label) => LABEL.test(label)) &&
    TOP_LEVEL.test(topLevel)
  );
}

/**
 * Addresses that may not be migrated by this batch: a second row for the same mailbox (addresses
 * compare case-insensitively, as SMTP domains and Exchange proxy addresses do), or a mailbox that
 * a batch still in progress is migrating (Exchange Online refuses a user in two active batches).
 */
export function findAddressConflicts(
  rows: readonly BatchCsvRow[],
  emailColumn: string,
  reveal: RevealValue,
  activeAddresses?: ReadonlyMap<string, string>,
): CsvError[] {
  const errors: CsvError[] = [];
  const firstLines = new Map<string, number>();
  for (const row of rows) {
    // No address: the EmailAddress column is missing, which the header already reports.
    if (row.emailAddress === '') continue;
    const key = row.emailAddress.toLowerCase();
    const shown = reveal(row.emailAddress);
    const firstLine = firstLines.get(key);
    if (firstLine === undefined) firstLines.set(key, row.line);
    else errors.push(csvErrors.duplicateEmailAddress(row.line, emailColumn, shown, firstLine));
    const activeBatch = activeAddresses?.get(key);
    if (activeBatch !== undefined) errors.push(csvErrors.addressInActiveBatch(row.line, emailColumn, shown, activeBatch));
  }
  return errors;
}

/** The value itself when a message may show it, undefined when it might be a password. */
export type RevealValue = (value: string) => string | undefined;

/**
 * Decides which cell values error messages may quote. Never one that appears in the Password
 * column or in an unknown or unnamed column (a misspelt "Pasword"), whichever column it is found
 * in. Nor one holding a delimiter: it is a whole row read as one value (rows split with
 * semicolons under a one-column header), password included. And none at all when those columns
 * hold email addresses: then the administrator has swapped the columns, and the EmailAddress
 * column is full of passwords.
 */
export function createRevealValue(header: ResolvedBatchCsvHeader, rows: readonly CsvRecord[]): RevealValue {
  const secretIndexes = header.slots.flatMap((slot, index) => (slot.column === undefined || slot.column === 'Password' ? [index] : []));
  const secrets = new Set<string>();
  for (const row of rows) {
    for (const index of secretIndexes) {
      const value = row.fields[index];
      if (value !== undefined && value !== '') secrets.add(value);
    }
  }
  const columnsSwapped = [...secrets].some(isValidEmailAddress);
  return (value) => (columnsSwapped || secrets.has(value) || /[,;\t]/.test(value) ? undefined : value);
}
