import type { MailboxStatusCounts } from '../mailbox/mailboxStatus';
import type { BatchStatus } from './batchStatus';

/** A migration batch, as listed by `GET /api/batches` (after Get-MigrationBatch). */
export interface MigrationBatch {
  id: string;
  name: string;
  endpoint: string;
  kind: 'staged' | 'imap';
  status: BatchStatus;
  statusDetail?: string;
  mailboxCount: number;
  counts: MailboxStatusCounts;
  notificationEmails: string[];
  /** Hours between incremental syncs (Exchange Online: every 24 hours). */
  incrementalSyncIntervalHours: number;
  autoStart: boolean;
  /** Usage location for users who have none and no UsageLocation column value (two letters). */
  usageLocation?: string;
  /** Where the CSV came from: `http` or the intake blob's name. */
  source: string;
  createdAt: string;
  startedAt?: string;
  syncedAt?: string;
  completedAt?: string;
  reports?: { statistics?: string; errors?: string };
}

export const DEFAULT_INCREMENTAL_SYNC_INTERVAL_HOURS = 24;
