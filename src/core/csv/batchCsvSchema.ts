/**
 * What a batch CSV is: its two kinds, their columns, the row limit and the row type. The bottom of
 * core/csv: it imports none of the other modules, which all build on it.
 */

/**
 * The two kinds of migration CSV this service accepts, as Exchange Online defines them
 * (https://learn.microsoft.com/exchange/csv-files-for-mailbox-migration-exchange-2013-help):
 * - `staged`: EmailAddress, optional Password and ForceChangePassword
 *   (https://learn.microsoft.com/exchange/mailbox-migration/what-to-know-about-a-staged-migration);
 * - `imap`: EmailAddress, UserName, Password, optional UserRoot
 *   (https://learn.microsoft.com/exchange/mailbox-migration/migrating-imap-mailboxes/migrating-imap-mailboxes).
 */
export type BatchCsvKind = 'staged' | 'imap';

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

/** One mailbox of a batch CSV, as the administrator wrote it (values trimmed, case preserved). */
export interface BatchCsvRow {
  /** 1-based physical line of the file where the row starts. */
  line: number;
  emailAddress: string;
  /** Absent when the file has no Password column, or (staged only) when the cell is empty. */
  password?: string;
  /** Present (empty cell = false) only when the file has a ForceChangePassword column. */
  forceChangePassword?: boolean;
  /** IMAP only: the account that signs in to the source server. */
  userName?: string;
  /** IMAP only: the folder under which the user's mailbox lives (UserRoot), when given. */
  userRoot?: string;
  /** The two-letter country for the user's licence (upper case), when the file has a UsageLocation column and the cell is not empty. */
  usageLocation?: string;
}
