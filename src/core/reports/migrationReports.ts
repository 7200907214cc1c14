import type { SkippedItem } from '../copy/copyLimits';
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

export interface SkippedItemRow extends SkippedItem {
  emailAddress: string;
}

export function toErrorsReportCsv(mailboxes: MigrationMailbox[], skipped: SkippedItemRow[]): string {
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
  return writeReportCsv([header, ...mailboxErrors, ...renamedFolders, ...collectionErrors, ...itemErrors]);
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

/** Mailboxes counted as migrated and failed, for the status email. */
export function summarise(mailboxes: MigrationMailbox[]): { total: number; migrated: number; failed: number; skippedItems: number } {
  return {
    total: mailboxes.length,
    migrated: mailboxes.filter((m) => m.status === 'Synced' || m.status === 'Completed').length,
    failed: mailboxes.filter((m) => m.status === 'Failed').length,
    skippedItems: mailboxes.reduce((n, m) => n + m.skippedItemCount, 0),
  };
}

export type ReportPhase = 'initialSync' | 'completion';

/** The status email, as plain HTML: counts, and links to the two reports. */
export function toStatusEmail(
  batch: MigrationBatch,
  phase: ReportPhase,
  summary: ReturnType<typeof summarise>,
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
    `<p><a href="${escape(links.statistics)}">Migration statistics (MigrationStatistics.csv)</a><br>`,
    `<a href="${escape(links.errors)}">Migration errors (MigrationErrors.csv)</a></p>`,
    '<p>The links are valid for 7 days; the reports can also be downloaded from the API at any time.</p>',
  ].join('\n');
  return { subject, html };
}
