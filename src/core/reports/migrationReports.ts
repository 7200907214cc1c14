import type { MigrationBatch } from '../batch/migrationBatch';
import type { MigrationMailbox } from '../mailbox/migrationMailbox';
import { writeReportCsv } from './reportCsv';

/**
 * The two reports Exchange Online links from its status email: per-mailbox statistics
 * (MigrationStatistics.csv) and what went wrong (MigrationErrors.csv), with mailbox errors and
 * every skipped item. Every cell goes through writeReportCsv: subjects, folder names and server
 * messages come from outside and must not become spreadsheet formulas.
 */
export function toStatisticsCsv(mailboxes: MigrationMailbox[]): string {
  const header = [
    'EmailAddress',
    'Status',
    'StatusDetail',
    'ItemsSynced',
    'ItemsSkipped',
    'TotalItemsInSourceMailbox',
    // Contacts and calendar items by type, as Get-MigrationUserStatistics splits items; empty when only mail moves.
    'ContactsSynced',
    'ContactsSkipped',
    'ContactsTotal',
    'EventsSynced',
    'EventsSkipped',
    'EventsTotal',
    'BytesTransferred',
    'PercentComplete',
    'LastSuccessfulSync',
    'Error',
  ];
  const rows = [...mailboxes]
    .sort((a, b) => a.emailAddress.localeCompare(b.emailAddress))
    .map((m) => [
      m.emailAddress,
      m.status,
      m.statusDetail ?? '',
      String(m.syncedItemCount),
      String(m.skippedItemCount),
      String(m.totalItemsInSourceMailbox),
      ...[m.contactsSynced, m.contactsSkipped, m.contactsTotal, m.eventsSynced, m.eventsSkipped, m.eventsTotal].map((n) => (n === undefined ? '' : String(n))),
      String(m.bytesTransferred),
      String(m.percentageComplete),
      m.lastSuccessfulSyncTimestamp ?? '',
      m.error ?? '',
    ]);
  return writeReportCsv([header, ...rows]);
}

/** A message the copy skipped, or (reason FolderFailed, no subject) a whole folder it could not copy. */
export interface SkippedItemRow {
  emailAddress: string;
  sourcePath: string;
  subject: string;
  size: number;
  reason: string;
  detail: string;
}

/** A contact or event the groupware sync skipped, for MigrationErrors.csv. */
export interface SkippedGroupwareRow {
  emailAddress: string;
  kind: 'contact' | 'event';
  /** The address book or calendar, by its name at the source. */
  collection: string;
  title: string;
  reason: string;
  detail: string;
}

export function toErrorsReportCsv(mailboxes: MigrationMailbox[], skipped: SkippedItemRow[], skippedGroupware: SkippedGroupwareRow[] = []): string {
  const header = ['EmailAddress', 'Kind', 'Folder', 'Subject', 'Size', 'Reason', 'Detail'];
  const mailboxErrors = mailboxes
    .filter((m) => m.status === 'Failed' || m.error)
    .map((m) => [m.emailAddress, 'Mailbox', '', '', '', m.statusDetail ?? 'Failed', m.error ?? '']);
  const itemErrors = skipped.map((s) => [s.emailAddress, 'Item', s.sourcePath, s.subject, String(s.size), s.reason, s.detail]);
  // Address books and calendars the groupware sync could not copy.
  const collectionErrors = mailboxes.flatMap((m) =>
    groupwareProblemsOf(m).map((p) => [m.emailAddress, 'Collection', p.displayName, '', '', 'CollectionFailed', p.error]),
  );
  const renamedFolders = mailboxes.flatMap((m) =>
    folderRemapsOf(m).map((r) => [
      m.emailAddress,
      'Folder',
      r.sourcePath,
      '',
      '',
      r.reason === 'virtualFolder' ? 'NotCopied' : 'FolderRenamed',
      r.reason === 'virtualFolder'
        ? 'A virtual folder (\\All or \\Flagged): its messages are copied from their own folders.'
        : `Copied as "${r.targetPath}" (${r.reason}).`,
    ]),
  );
  const groupwareErrors = skippedGroupware.map((s) => [
    s.emailAddress,
    s.kind === 'contact' ? 'Contact' : 'Event',
    s.collection,
    s.title,
    '',
    s.reason,
    s.detail,
  ]);
  return writeReportCsv([header, ...mailboxErrors, ...renamedFolders, ...collectionErrors, ...itemErrors, ...groupwareErrors]);
}

function groupwareProblemsOf(mailbox: MigrationMailbox): { displayName: string; error: string }[] {
  if (!mailbox.groupwareProblemsJson) return [];
  try {
    return JSON.parse(mailbox.groupwareProblemsJson) as { displayName: string; error: string }[];
  } catch {
    return [];
  }
}

function folderRemapsOf(mailbox: MigrationMailbox): { sourcePath: string; targetPath: string; reason: string }[] {
  if (!mailbox.folderRemapsJson) return [];
  try {
    return JSON.parse(mailbox.folderRemapsJson) as { sourcePath: string; targetPath: string; reason: string }[];
  } catch {
    return [];
  }
}

/** Synced and skipped items of one type, summed over the batch. */
export interface ItemTypeTotals {
  synced: number;
  skipped: number;
}

export interface BatchSummary {
  total: number;
  migrated: number;
  failed: number;
  skippedItems: number;
  /** Items by type, as Get-MigrationUserStatistics splits them; contacts and events only when some mailbox moved them. */
  mail: ItemTypeTotals;
  contacts?: ItemTypeTotals;
  events?: ItemTypeTotals;
}

/** Mailboxes counted as migrated and failed, and items by type, for the status email. */
export function summarise(mailboxes: MigrationMailbox[]): BatchSummary {
  const sum = (synced: (m: MigrationMailbox) => number | undefined, skipped: (m: MigrationMailbox) => number | undefined): ItemTypeTotals | undefined =>
    mailboxes.some((m) => synced(m) !== undefined)
      ? { synced: mailboxes.reduce((n, m) => n + (synced(m) ?? 0), 0), skipped: mailboxes.reduce((n, m) => n + (skipped(m) ?? 0), 0) }
      : undefined;
  const contacts = sum(
    (m) => m.contactsSynced,
    (m) => m.contactsSkipped,
  );
  const events = sum(
    (m) => m.eventsSynced,
    (m) => m.eventsSkipped,
  );
  const mail = {
    synced: mailboxes.reduce((n, m) => n + m.syncedItemCount, 0),
    skipped: mailboxes.reduce((n, m) => n + m.skippedItemCount, 0),
  };
  return {
    total: mailboxes.length,
    migrated: mailboxes.filter((m) => m.status === 'Synced' || m.status === 'Completed').length,
    failed: mailboxes.filter((m) => m.status === 'Failed').length,
    skippedItems: mail.skipped + (contacts?.skipped ?? 0) + (events?.skipped ?? 0),
    mail,
    ...(contacts ? { contacts } : {}),
    ...(events ? { events } : {}),
  };
}

export type ReportPhase = 'initialSync' | 'completion';

/** The status email, as plain HTML: counts, and links to the two reports. */
export function toStatusEmail(
  batch: MigrationBatch,
  phase: ReportPhase,
  summary: BatchSummary,
  links: { statistics: string; errors: string },
): { subject: string; html: string } {
  const what = phase === 'initialSync' ? 'initial synchronisation finished' : 'completed';
  const subject = `Migration batch "${batch.name}" ${what}: ${summary.migrated} of ${summary.total} mailboxes migrated, ${summary.failed} failed`;
  const escape = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
  const html = [
    `<p>Migration batch <b>${escape(batch.name)}</b> ${what}.</p>`,
    '<table>',
    `<tr><td>Mailboxes in the batch</td><td data-count="total">${summary.total}</td></tr>`,
    `<tr><td>Mailboxes migrated</td><td data-count="migrated">${summary.migrated}</td></tr>`,
    `<tr><td>Mailboxes that could not be migrated</td><td data-count="failed">${summary.failed}</td></tr>`,
    `<tr><td>Items skipped</td><td data-count="skippedItems">${summary.skippedItems}</td></tr>`,
    '</table>',
    ...itemTypeTable(summary),
    `<p><a href="${escape(links.statistics)}">Migration statistics (MigrationStatistics.csv)</a><br>`,
    `<a href="${escape(links.errors)}">Migration errors (MigrationErrors.csv)</a></p>`,
    '<p>The links are valid for 7 days; the reports can also be downloaded from the API at any time.</p>',
  ].join('\n');
  return { subject, html };
}

/** Items synced and skipped by type (mail, contacts, events), when the batch moved more than mail. */
function itemTypeTable(summary: BatchSummary): string[] {
  if (!summary.contacts && !summary.events) return [];
  const row = (label: string, key: string, totals: ItemTypeTotals | undefined) =>
    totals ? [`<tr><td>${label}</td><td data-count="${key}Synced">${totals.synced}</td><td data-count="${key}Skipped">${totals.skipped}</td></tr>`] : [];
  return [
    '<table>',
    '<tr><th>Items</th><th>Synced</th><th>Skipped</th></tr>',
    ...row('Mail', 'mail', summary.mail),
    ...row('Contacts', 'contacts', summary.contacts),
    ...row('Calendar items', 'events', summary.events),
    '</table>',
  ];
}
