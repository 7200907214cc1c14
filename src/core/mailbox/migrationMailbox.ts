import type { MailboxStatus } from './mailboxStatus';

/**
 * One mailbox of a batch, with the fields of Exchange Online's Get-MigrationUserStatistics.
 * The CSV password is not here: it is kept encrypted apart and erased once used.
 */
export interface MigrationMailbox {
  batchId: string;
  mailboxKey: string;
  emailAddress: string;
  /** The IMAP login name from an IMAP migration CSV. */
  userName?: string;
  userRoot?: string;
  forceChangePassword?: boolean;
  /** The usage location from the CSV, set on the Microsoft 365 user before its licence when it has none. */
  usageLocation?: string;
  /** True while an encrypted CSV password waits to be used (staged: at provisioning; IMAP: every sync, until completion). */
  hasPendingPassword: boolean;
  /** The Microsoft 365 user's id, found at preflight. */
  targetUserId?: string;
  /** When provisioning first found the Exchange Online mailbox missing (ISO); cleared once it answers. */
  mailboxWaitStartedAt?: string;
  /** Where on-premises mail is forwarded (the on-premises targetAddress). */
  cloudAddress?: string;
  /** Folders whose names the target could not take as they were (JSON list of FolderRemap), for the errors report. */
  folderRemapsJson?: string;
  csvLine: number;
  status: MailboxStatus;
  statusDetail?: string;
  syncedItemCount: number;
  skippedItemCount: number;
  totalItemsInSourceMailbox: number;
  bytesTransferred: number;
  estimatedTotalTransferSize: number;
  percentageComplete: number;
  lastSuccessfulSyncTimestamp?: string;
  startTimestamp?: string;
  lastUpdatedTimestamp: string;
  error?: string;
  /** The code of `error` (a MigrationError code), for callers and reports to branch on. */
  errorCode?: string;
  /** When the current sync pass began (ISO): bad items are counted per pass, as Exchange counts them. */
  passStartedAt?: string;
  /** This mailbox's own BadItemLimit, raised by the administrator (Set-MigrationUser -BadItemLimit); else the batch's. */
  badItemLimit?: number;
  /** Contacts and calendar items, by type, after the last groupware sync (absent when the endpoint moves mail only). */
  contactsSynced?: number;
  contactsSkipped?: number;
  contactsTotal?: number;
  eventsSynced?: number;
  eventsSkipped?: number;
  eventsTotal?: number;
  /** Address books or calendars the last sync could not copy, with why (JSON list of { displayName, error }). */
  groupwareProblemsJson?: string;
  /** Mail folders the last sync could not copy, with why (JSON list of { displayName, error }). */
  folderProblemsJson?: string;
}

export function newQueuedMailbox(fields: {
  batchId: string;
  mailboxKey: string;
  emailAddress: string;
  csvLine: number;
  now: string;
  userName?: string;
  userRoot?: string;
  forceChangePassword?: boolean;
  usageLocation?: string;
  hasPendingPassword: boolean;
}): MigrationMailbox {
  const { now, ...identity } = fields;
  return {
    ...identity,
    status: 'Queued',
    syncedItemCount: 0,
    skippedItemCount: 0,
    totalItemsInSourceMailbox: 0,
    bytesTransferred: 0,
    estimatedTotalTransferSize: 0,
    percentageComplete: 0,
    lastUpdatedTimestamp: now,
  };
}
