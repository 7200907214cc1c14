import type { BatchStatus } from './batchStatus';

export type BatchAction = 'start' | 'stop' | 'resume' | 'complete' | 'retry' | 'remove';

/**
 * Which administrator actions each batch status allows, after Exchange Online's Start-, Stop-,
 * Complete- and Remove-MigrationBatch: a batch is removed only when nothing runs in it. The API
 * checks every action here, and the dashboard (which loads this file as a browser module, so its
 * imports stay type-only) enables its buttons and explains a refusal from the same table.
 */
const ALLOWED: Record<BatchAction, readonly BatchStatus[]> = {
  start: ['Created'],
  stop: ['Validating', 'Syncing', 'Synced', 'SyncedWithErrors'],
  resume: ['Stopped', 'Failed'],
  complete: ['Synced', 'SyncedWithErrors'],
  retry: ['SyncedWithErrors'],
  remove: ['Created', 'Stopped', 'Failed', 'Synced', 'SyncedWithErrors', 'Completed', 'CompletedWithErrors', 'Removing'],
};

/** The statuses from which the action is allowed. */
export function statusesAllowing(action: BatchAction): readonly BatchStatus[] {
  return ALLOWED[action];
}

export function isActionAllowed(action: BatchAction, status: BatchStatus): boolean {
  return ALLOWED[action].includes(status);
}

export function actionRefusal(action: BatchAction, status: BatchStatus, batchName: string): string {
  const allowed = ALLOWED[action].join(', ');
  return `The batch "${batchName}" is ${status}; ${action} is possible only when it is ${allowed}.`;
}
