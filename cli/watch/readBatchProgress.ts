import type { ApiClient } from '../apiClient';
import { type BatchView, IN_FLIGHT_MAILBOX_STATUSES, type MailboxView } from '../apiTypes';
import { listBatchMailboxes } from '../listBatchMailboxes';

/** One poll of a batch: what `status` shows and what the next poll's rate is measured against. */
export interface BatchProgress {
  batch: BatchView;
  /** Mailboxes being provisioned, synced or completed now. */
  inFlight: MailboxView[];
  /** Mailboxes that reached the end of the current phase (or failed). */
  done: number;
  percent: number;
  syncedItems: number;
  /** `Date.now()` of the poll. */
  at: number;
}

const SETTLED_WHILE_SYNCING: readonly string[] = ['Synced', 'Completed', 'Failed', 'Skipped', 'Stopped'];
const SETTLED_WHILE_COMPLETING: readonly string[] = ['Completed', 'Failed', 'Skipped', 'Stopped'];

export async function readBatchProgress(api: ApiClient, batchId: string): Promise<BatchProgress> {
  const batch = await api.getJson<BatchView>(`/api/batches/${encodeURIComponent(batchId)}`);
  const mailboxes = await listBatchMailboxes(api, batchId, 1000);
  return toBatchProgress(batch, mailboxes, Date.now());
}

/**
 * The batch's percentage: while it completes, the share of mailboxes cut over; otherwise the mean of
 * the mailboxes' own percentages, a settled mailbox (synced, failed, skipped) counting as 100.
 */
export function toBatchProgress(batch: BatchView, mailboxes: MailboxView[], at: number): BatchProgress {
  const settled = batch.status === 'Completing' ? SETTLED_WHILE_COMPLETING : SETTLED_WHILE_SYNCING;
  const done = mailboxes.filter((m) => settled.includes(m.status)).length;
  const percent =
    mailboxes.length === 0
      ? 0
      : batch.status === 'Completing'
        ? (100 * done) / mailboxes.length
        : mailboxes.reduce((sum, m) => sum + (settled.includes(m.status) ? 100 : m.percentageComplete), 0) / mailboxes.length;
  return {
    batch,
    inFlight: mailboxes.filter((m) => IN_FLIGHT_MAILBOX_STATUSES.includes(m.status)),
    done,
    percent,
    syncedItems: mailboxes.reduce((sum, m) => sum + m.syncedItemCount, 0),
    at,
  };
}

/** Messages per second between two polls; 0 for the first, and never negative (a retry resets counts). */
export function messagesPerSecond(previous: BatchProgress | undefined, current: BatchProgress): number {
  if (!previous || current.at <= previous.at) return 0;
  return Math.max(0, current.syncedItems - previous.syncedItems) / ((current.at - previous.at) / 1000);
}
