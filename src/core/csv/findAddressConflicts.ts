import type { BatchCsvRow } from './batchCsvTypes';
import type { RevealValue } from './createRevealValue';
import { csvErrors, type CsvError } from './csvErrors';

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
