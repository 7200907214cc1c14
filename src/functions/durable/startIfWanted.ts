import type { InvocationContext } from '@azure/functions';
import { getServices } from '../../compositionRoot';
import type { MigrationBatch } from '../../core/batch/migrationBatch';
import { orchestrationControl } from './orchestrationControl';
import { logEvent } from '../logging/functionLog';

/**
 * Starts a new batch's orchestration unless it was created with autoStart=false (then the
 * administrator starts it with POST /api/batches/{id}/start).
 */
export async function startIfWanted(context: InvocationContext, batch: MigrationBatch): Promise<MigrationBatch> {
  if (!batch.autoStart || batch.status !== 'Created') return batch;
  const result = await getServices().lifecycle.act(batch.id, 'start', orchestrationControl(context), new Date().toISOString());
  if (!result.ok) throw new Error(`Batch ${batch.id} was created but could not be started: ${result.message}`);
  logEvent(context, 'info', `Batch ${batch.id} started.`, { batchId: batch.id });
  return result.batch;
}
