import type { MailboxStatus } from './mailboxStatus';

/**
 * Groups of mailbox statuses that more than one place branches on: the maintenance timer, the
 * dashboard (which imports this file as a browser module) and the CLI. Each group is named once here.
 *
 * Type-only imports: the dashboard loads this file in the browser, where a value import would need
 * a `.js` extension.
 */

/** A worker has the mailbox now: it is being provisioned, synced or completed. */
export const IN_FLIGHT_MAILBOX_STATUSES: readonly MailboxStatus[] = ['Provisioning', 'Syncing', 'Completing'];

/** Not settled yet: waiting for a worker, or in flight (the dashboard's "In progress" column). */
export const IN_PROGRESS_MAILBOX_STATUSES: readonly MailboxStatus[] = ['Queued', ...IN_FLIGHT_MAILBOX_STATUSES];
