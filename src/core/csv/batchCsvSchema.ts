import type { BatchCsvKind } from './batchCsvTypes';

/** Most rows a batch CSV may hold: Exchange Online's limit for a staged migration batch. */
export const MAX_BATCH_CSV_ROWS = 2000;

export type BatchCsvColumn = 'EmailAddress' | 'Password' | 'ForceChangePassword' | 'UserName' | 'UserRoot' | 'UsageLocation';

interface BatchCsvSchema {
  /** Every column the kind allows, in the order Microsoft documents them. */
  readonly columns: readonly BatchCsvColumn[];
  readonly required: readonly BatchCsvColumn[];
}

/**
 * The columns of each kind of CSV, as Exchange Online's migration CSV format defines them, plus one of
 * this service's own: `UsageLocation`, the two-letter country a user's licence needs when directory
 * synchronisation left the user without one (https://learn.microsoft.com/graph/api/resources/user).
 */
export const BATCH_CSV_SCHEMAS: Readonly<Record<BatchCsvKind, BatchCsvSchema>> = {
  staged: { columns: ['EmailAddress', 'Password', 'ForceChangePassword', 'UsageLocation'], required: ['EmailAddress'] },
  imap: { columns: ['EmailAddress', 'UserName', 'Password', 'UserRoot', 'UsageLocation'], required: ['EmailAddress', 'UserName', 'Password'] },
};

const ALL_COLUMNS: readonly BatchCsvColumn[] = ['EmailAddress', 'Password', 'ForceChangePassword', 'UserName', 'UserRoot', 'UsageLocation'];

/** The canonical column a header name stands for (header names are case-insensitive), if any. */
export function tryToBatchCsvColumn(headerName: string): BatchCsvColumn | undefined {
  const wanted = headerName.trim().toLowerCase();
  return ALL_COLUMNS.find((column) => column.toLowerCase() === wanted);
}
