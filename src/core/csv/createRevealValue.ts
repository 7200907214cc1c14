import { isValidEmailAddress } from './isValidEmailAddress';
import type { CsvRecord } from './readCsvTable';
import type { ResolvedBatchCsvHeader } from './resolveBatchCsvHeader';

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
