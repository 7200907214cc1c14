import type { MigrationMailbox } from '../mailbox/migrationMailbox';
import { type ContainerState, totalsOf } from '../ledger/containerState';
import { percentComplete } from './copyLimits';

/** The statistics fields of a mailbox's row that its copy keeps (Get-MigrationUserStatistics). */
export type CopyProgress = Pick<
  MigrationMailbox,
  | 'syncedItemCount'
  | 'skippedItemCount'
  | 'totalItemsInSourceMailbox'
  | 'bytesTransferred'
  | 'estimatedTotalTransferSize'
  | 'percentageComplete'
  | 'lastUpdatedTimestamp'
  | 'contactsSynced'
  | 'contactsSkipped'
  | 'contactsTotal'
  | 'eventsSynced'
  | 'eventsSkipped'
  | 'eventsTotal'
  | 'groupwareProblemsJson'
  | 'folderProblemsJson'
>;

/**
 * A mailbox's statistics, from its containers' counts: the counts follow the ledger's rows (each settle
 * transaction writes them), so statistics computed from them are never more or less than what is settled.
 * Items are mail, as Get-MigrationUserStatistics reports them; contacts and events have their own fields
 * once the mailbox has address books or calendars. IMAP servers do not report a folder's size (STATUS=SIZE,
 * RFC 8438, is rare on legacy servers), so the size estimate scales the bytes moved by the items settled.
 */
export function progressOf(containers: readonly ContainerState[], now: string): CopyProgress {
  const mail = totalsOf(containers, 'mail');
  const contacts = totalsOf(containers, 'contact');
  const events = totalsOf(containers, 'event');
  const bytes = mail.bytes + contacts.bytes + events.bytes;
  const settled = mail.synced + mail.skipped + contacts.synced + contacts.skipped + events.synced + events.skipped;
  const total = mail.total + contacts.total + events.total;
  const hasType = (type: 'contact' | 'event') => containers.some((c) => c.type === type);
  const problems = (mail: boolean) =>
    containers.filter((c) => (c.type === 'mail') === mail && c.failed).map((c) => ({ displayName: c.displayName, error: c.failed!.detail }));
  const json = (list: unknown[]) => (list.length > 0 ? JSON.stringify(list) : undefined);
  return {
    syncedItemCount: mail.synced,
    skippedItemCount: mail.skipped,
    totalItemsInSourceMailbox: mail.total,
    bytesTransferred: bytes,
    estimatedTotalTransferSize: mail.synced > 0 ? Math.round((mail.bytes / mail.synced) * mail.total) + contacts.bytes + events.bytes : bytes,
    percentageComplete: percentComplete(settled, total),
    lastUpdatedTimestamp: now,
    ...(hasType('contact') ? { contactsSynced: contacts.synced, contactsSkipped: contacts.skipped, contactsTotal: contacts.total } : {}),
    ...(hasType('event') ? { eventsSynced: events.synced, eventsSkipped: events.skipped, eventsTotal: events.total } : {}),
    groupwareProblemsJson: json(problems(false)),
    folderProblemsJson: json(problems(true)),
  };
}
