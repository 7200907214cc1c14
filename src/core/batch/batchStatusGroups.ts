import type { BatchStatus } from './batchStatus';

/**
 * Groups of batch statuses that more than one place branches on: the API, the maintenance timer,
 * the dashboard (which imports this file as a browser module) and the CLI. Each group is named once
 * here, so they cannot drift apart. Which *action* a status allows is in batchTransitions.ts.
 *
 * Type-only imports: the dashboard loads this file in the browser, where a value import would need
 * a `.js` extension.
 */

/** The migration is running: the batch moves on by itself (the CLI's `status --watch` follows these). */
export const MIGRATING_BATCH_STATUSES: readonly BatchStatus[] = ['Validating', 'Syncing', 'Completing'];

/** The service is working on the batch, migrating or removing it (the dashboard polls it fast). */
export const BUSY_BATCH_STATUSES: readonly BatchStatus[] = [...MIGRATING_BATCH_STATUSES, 'Removing'];

/** The initial sync is over; the batch waits for Complete, with incremental syncs meanwhile. */
export const SYNCED_BATCH_STATUSES: readonly BatchStatus[] = ['Synced', 'SyncedWithErrors'];

/** Completed: final. Its mailboxes no longer change, so the counts stored with it are final too. */
export const COMPLETED_BATCH_STATUSES: readonly BatchStatus[] = ['Completed', 'CompletedWithErrors'];
