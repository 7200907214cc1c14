import type { CsvError } from './csvErrors';

/**
 * The two kinds of migration CSV this service accepts, as Exchange Online defines them
 * (https://learn.microsoft.com/exchange/csv-files-for-mailbox-migration-exchange-2013-help):
 * - `staged`: EmailAddress, optional Password and ForceChangePassword
 *   (https://learn.microsoft.com/exchange/mailbox-migration/what-to-know-about-a-staged-migration);
 * - `imap`: EmailAddress, UserName, Password, optional UserRoot
 *   (https://learn.microsoft.com/exchange/mailbox-migration/migrating-imap-mailboxes/migrating-imap-mailboxes).
 */
export type BatchCsvKind = 'staged' | 'imap';

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
