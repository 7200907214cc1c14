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

/** A batch in one of these still owns its mailboxes: a second batch may not take them. */
const ACTIVE_STATUSES: ReadonlySet<BatchStatus> = new Set<BatchStatus>([
  'Created',
  'Validating',
  'Syncing',
  'Synced',
  'SyncedWithErrors',
  'Completing',
  'Stopped',
]);

export function isActiveBatchStatus(status: BatchStatus): boolean {
  return ACTIVE_STATUSES.has(status);
}
