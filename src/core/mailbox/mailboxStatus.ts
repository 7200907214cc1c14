/**
 * Mailbox statuses, after Exchange Online's Get-MigrationUserStatistics:
 * Queued → Provisioning → Syncing → Synced → Completing → Completed, plus Failed, Stopped, Skipped.
 */
export const MAILBOX_STATUSES = ['Queued', 'Provisioning', 'Syncing', 'Synced', 'Completing', 'Completed', 'Failed', 'Stopped', 'Skipped'] as const;
export type MailboxStatus = (typeof MAILBOX_STATUSES)[number];

export type MailboxStatusCounts = Record<MailboxStatus, number>;

export function emptyStatusCounts(): MailboxStatusCounts {
  return Object.fromEntries(MAILBOX_STATUSES.map((s) => [s, 0])) as MailboxStatusCounts;
}

export function countStatuses(statuses: Iterable<MailboxStatus>): MailboxStatusCounts {
  const counts = emptyStatusCounts();
  for (const status of statuses) counts[status] += 1;
  return counts;
}
