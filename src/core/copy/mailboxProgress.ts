import type { MigrationMailbox } from '../mailbox/migrationMailbox';
import { percentComplete } from './copyLimits';

/** What one copy page adds to a mailbox's statistics. */
export interface PageProgress {
  copied: number;
  matched: number;
  skipped: number;
  /** Items skipped in an earlier pass and copied now. */
  recovered?: number;
  bytes: number;
}

/**
 * The mailbox row after a page, with the statistics Get-MigrationUserStatistics shows. The size
 * estimate scales the bytes moved so far by the share of items settled, since IMAP servers do
 * not report a folder's size (STATUS=SIZE, RFC 8438, is rare on legacy servers).
 */
export function withPageProgress(mailbox: MigrationMailbox, page: PageProgress, now: string): MigrationMailbox {
  const synced = mailbox.syncedItemCount + page.copied + page.matched;
  const skipped = Math.max(0, mailbox.skippedItemCount + page.skipped - (page.recovered ?? 0));
  const bytes = mailbox.bytesTransferred + page.bytes;
  const total = Math.max(mailbox.totalItemsInSourceMailbox, synced + skipped);
  const settled = synced + skipped;
  return {
    ...mailbox,
    syncedItemCount: synced,
    skippedItemCount: skipped,
    bytesTransferred: bytes,
    totalItemsInSourceMailbox: total,
    estimatedTotalTransferSize: settled > 0 ? Math.round((bytes / Math.max(1, synced)) * total) : mailbox.estimatedTotalTransferSize,
    percentageComplete: percentComplete(settled, total),
    lastUpdatedTimestamp: now,
  };
}

/** The mailbox row once its folders are listed: how many items the source holds. */
export function withSourceTotals(mailbox: MigrationMailbox, totalItems: number, now: string): MigrationMailbox {
  const settled = mailbox.syncedItemCount + mailbox.skippedItemCount;
  const total = Math.max(totalItems, settled);
  return { ...mailbox, totalItemsInSourceMailbox: total, percentageComplete: percentComplete(settled, total), lastUpdatedTimestamp: now };
}
