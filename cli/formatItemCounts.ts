import type { MailboxView } from './apiTypes';

/** One item type's figures, as Get-MigrationUserStatistics reports items. */
export interface ItemCounts {
  synced: number;
  skipped: number;
  total: number;
}

export function mailCounts(m: MailboxView): ItemCounts {
  return { synced: m.syncedItemCount, skipped: m.skippedItemCount, total: m.totalItemsInSourceMailbox };
}

/**
 * A mailbox's contacts or events figures; undefined until a groupware sync has counted them, and
 * always when the endpoint moves mail only (it has no davUrl).
 */
export function groupwareCounts(m: MailboxView, type: 'contacts' | 'events'): ItemCounts | undefined {
  const [synced, skipped, total] =
    type === 'contacts' ? [m.contactsSynced, m.contactsSkipped, m.contactsTotal] : [m.eventsSynced, m.eventsSkipped, m.eventsTotal];
  if (synced === undefined && skipped === undefined && total === undefined) return undefined;
  return { synced: synced ?? 0, skipped: skipped ?? 0, total: total ?? 0 };
}

/** Whether the mailbox has contacts or events figures. */
export function hasGroupwareCounts(m: MailboxView): boolean {
  return groupwareCounts(m, 'contacts') !== undefined || groupwareCounts(m, 'events') !== undefined;
}

/**
 * Synced of total, then what they are (`noun`) if given, then the skipped ones when there are:
 * "12/12", "11/12 (1 skipped)", "2/2 contacts", "0/1 events (1 skipped)".
 */
export function formatItemCounts(counts: ItemCounts, noun?: string): string {
  return `${counts.synced}/${counts.total}${noun ? ` ${noun}` : ''}${counts.skipped > 0 ? ` (${counts.skipped} skipped)` : ''}`;
}
