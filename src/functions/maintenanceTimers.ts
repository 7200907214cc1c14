import { app, type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { getServices } from '../compositionRoot';
import { orchestrationControl } from './durable/orchestrationControl';
import { logEvent } from './logging/functionLog';

/** Every 5 minutes: mailboxes with no progress for MIGRATION_STALL_MINUTES are marked Stalled and logged. */
export async function stalledMailboxWatchdog(_timer: Timer, context: InvocationContext): Promise<void> {
  const services = getServices();
  const stalled = await services.maintenance.markStalled(new Date(), services.config.stallMinutes);
  for (const s of stalled) {
    logEvent(context, 'warn', `Batch ${s.batchId}: ${s.emailAddress} made no progress for ${services.config.stallMinutes} minutes (Stalled).`, {
      batchId: s.batchId,
      emailAddress: s.emailAddress,
    });
  }
}

/**
 * Every night: batches completed longer ago than MIGRATION_RETENTION_DAYS are removed with their
 * orchestration history, item maps, processed CSV and reports.
 */
export async function retentionCleanup(_timer: Timer, context: InvocationContext): Promise<void> {
  const services = getServices();
  const expired = await services.maintenance.expiredBatches(new Date(), services.config.retentionDays);
  for (const batchId of expired) {
    const result = await services.lifecycle.remove(batchId, orchestrationControl(context), new Date().toISOString());
    if (result.ok) logEvent(context, 'info', `Retention: batch ${batchId} removed after ${services.config.retentionDays} days.`, { batchId });
    else logEvent(context, 'warn', `Retention: batch ${batchId} not removed: ${result.message}`, { batchId });
  }
}

app.timer('stalledMailboxWatchdog', { schedule: '0 */5 * * * *', handler: stalledMailboxWatchdog });
app.timer('retentionCleanup', { schedule: '0 30 2 * * *', extraInputs: [df.input.durableClient()], handler: retentionCleanup });
