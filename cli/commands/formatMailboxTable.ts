import type { MailboxView } from '../apiTypes';
import { formatBytes } from '../formatBytes';
import { formatItemCounts, groupwareCounts, hasGroupwareCounts, mailCounts } from '../formatItemCounts';
import { formatTable } from '../formatTable';

/**
 * `batches show`'s table of mailboxes. ITEMS is mail synced of total; when some mailbox has
 * contacts or calendar figures (its endpoint moves groupware), the items are split by type into
 * MAIL, CONTACTS and EVENTS, each synced of total and how many were skipped, "-" where a mailbox
 * has no figures yet.
 */
export function formatMailboxTable(mailboxes: readonly MailboxView[]): string[] {
  const byType = mailboxes.some(hasGroupwareCounts);
  const items = (m: MailboxView): string[] => {
    if (!byType) return [`${m.syncedItemCount}/${m.totalItemsInSourceMailbox}`];
    return [mailCounts(m), groupwareCounts(m, 'contacts'), groupwareCounts(m, 'events')].map((counts) => (counts ? formatItemCounts(counts) : '-'));
  };
  return formatTable(
    ['MAILBOX', 'STATUS', 'PERCENT', ...(byType ? ['MAIL', 'CONTACTS', 'EVENTS'] : ['ITEMS']), 'BYTES', 'ERROR'],
    mailboxes.map((m) => [
      m.emailAddress,
      m.statusDetail ? `${m.status} (${m.statusDetail})` : m.status,
      `${m.percentageComplete}%`,
      ...items(m),
      formatBytes(m.bytesTransferred),
      m.error ?? '',
    ]),
  );
}
