import type { MailboxView } from '../apiTypes';
import { formatItemCounts, groupwareCounts, mailCounts } from '../formatItemCounts';
import { renderProgressBar } from '../renderProgressBar';
import type { BatchProgress } from './readBatchProgress';

/**
 * `status` as a terminal shows it: a bar for the batch, one per mailbox in flight. Without a
 * terminal (`plain`), the same facts as plain lines, stamped with the time, for logs. A mailbox
 * whose contacts and calendars are counted (its endpoint moves groupware) shows them beside its mail.
 */
export function renderBatchProgress(progress: BatchProgress, rate: number, plain: boolean): string[] {
  const { batch } = progress;
  const status = batch.statusDetail ? `${batch.status} (${batch.statusDetail})` : batch.status;
  const summary = `${progress.done}/${batch.mailboxCount} mailboxes  ${rate.toFixed(1)} msg/s`;
  const mailboxLines = progress.inFlight.map((m) => {
    const items = formatMailboxItems(m);
    return plain
      ? `  ${m.emailAddress} ${m.status} ${Math.floor(m.percentageComplete)}% ${items}`
      : `  ${renderProgressBar(m.percentageComplete)}  ${m.emailAddress}  ${m.status}  ${items}`;
  });
  if (plain) return [`${new Date(progress.at).toISOString()} ${batch.id} ${status} ${Math.floor(progress.percent)}% ${summary}`, ...mailboxLines];
  return [`${renderProgressBar(progress.percent)}  ${batch.id}  ${status}  ${summary}`, ...mailboxLines];
}

/** "3/6 items"; with contacts or events counted, "3/6 mail items, 2/2 contacts, 0/1 events (1 skipped)". */
export function formatMailboxItems(m: MailboxView): string {
  const contacts = groupwareCounts(m, 'contacts');
  const events = groupwareCounts(m, 'events');
  if (!contacts && !events) return `${m.syncedItemCount}/${m.totalItemsInSourceMailbox} items`;
  return [
    formatItemCounts(mailCounts(m), 'mail items'),
    ...(contacts ? [formatItemCounts(contacts, 'contacts')] : []),
    ...(events ? [formatItemCounts(events, 'events')] : []),
  ].join(', ');
}

/** What plain output compares to decide whether a poll changed anything worth a new line. */
export function progressKey(progress: BatchProgress): string {
  return JSON.stringify([
    progress.batch.status,
    progress.batch.statusDetail,
    progress.done,
    Math.floor(progress.percent),
    progress.inFlight.map((m) => [m.emailAddress, m.status, m.syncedItemCount, m.contactsSynced, m.eventsSynced]),
  ]);
}
