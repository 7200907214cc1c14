import type { BatchView } from '../apiTypes';
import { type CliCommand, writeJson, writeLines } from '../cliCommand';

export type BatchActionName = 'start' | 'stop' | 'resume' | 'complete' | 'retry';

const SUMMARIES: Record<BatchActionName, string> = {
  start: 'Start a batch created with --no-auto-start (allowed when Created).',
  stop: 'Stop a batch (allowed when Validating, Syncing, Synced or SyncedWithErrors).',
  resume: 'Resume a stopped or failed batch.',
  complete: 'Complete a synced batch: a last incremental sync, then the mailboxes are cut over.',
  retry: 'Retry the failed mailboxes of a batch SyncedWithErrors.',
};

/**
 * `batches start|stop|resume|complete|retry <id>`: `POST /api/batches/{id}/{action}`, printing the
 * status the batch has now. A refusal (409, the status does not allow it) is printed by `runCli`.
 */
export function batchesAction(action: BatchActionName): CliCommand {
  return {
    words: ['batches', action],
    summary: SUMMARIES[action],
    arguments: ['<id>'],
    options: {},
    async run(context) {
      const batch = await context.api.postJson<BatchView>(`/api/batches/${encodeURIComponent(context.args[0]!)}/${action}`);
      if (context.json) return writeJson(context, batch);
      writeLines(context, [`Batch ${batch.id}: ${action} accepted; status ${batch.status}${batch.statusDetail ? ` (${batch.statusDetail})` : ''}.`]);
    },
  };
}
