/**
 * Batch statuses, after Exchange Online's migration batches (Get-MigrationBatch):
 * Created → Validating → Syncing → Synced | SyncedWithErrors → Completing → Completed
 * (CompletedWithErrors), plus Stopped, Failed and Removing.
 */
export const BATCH_STATUSES = [
  'Created',
  'Validating',
  'Syncing',
  'Synced',
  'SyncedWithErrors',
  'Completing',
  'Completed',
  'CompletedWithErrors',
  'Stopped',
  'Failed',
  'Removing',
] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

/** A batch that is done with its mailboxes (finished, failed or going away) lets a second batch take them. */
const RELEASING_STATUSES: readonly BatchStatus[] = ['Completed', 'CompletedWithErrors', 'Failed', 'Removing'];

/** A batch in any other status still owns its mailboxes: a second batch may not take them. */
const ACTIVE_STATUSES: ReadonlySet<BatchStatus> = new Set(BATCH_STATUSES.filter((status) => !RELEASING_STATUSES.includes(status)));

export function isActiveBatchStatus(status: BatchStatus): boolean {
  return ACTIVE_STATUSES.has(status);
}
