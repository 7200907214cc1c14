import type { BatchView } from '../apiTypes';

/** A batch's status and non-zero counts, as `Field: value` lines. */
export function formatBatch(batch: BatchView): string[] {
  const counts = Object.entries(batch.counts)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${status} ${n}`)
    .join(', ');
  const fields: [string, string | undefined][] = [
    ['Batch', `${batch.name} (${batch.id})`],
    ['Status', batch.statusDetail ? `${batch.status} (${batch.statusDetail})` : batch.status],
    ['Endpoint', batch.endpoint],
    ['Kind', batch.kind],
    ['Mailboxes', `${batch.mailboxCount}${counts ? `: ${counts}` : ''}`],
    ['Notify', batch.notificationEmails.length > 0 ? batch.notificationEmails.join(', ') : undefined],
    ['Incremental sync', `every ${batch.incrementalSyncIntervalHours} h`],
    ['Created', batch.createdAt],
    ['Started', batch.startedAt],
    ['Synced', batch.syncedAt],
    ['Completed', batch.completedAt],
  ];
  const shown = fields.filter((f): f is [string, string] => f[1] !== undefined);
  const width = Math.max(...shown.map(([label]) => label.length)) + 1;
  return shown.map(([label, value]) => `${`${label}:`.padEnd(width)} ${value}`);
}
