import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import type { ActivityInput, ActivityOutput, BatchActivityContract } from '../contract/activities';
import {
  BATCH_EVENT,
  type BatchMigrationInput,
  type BatchMigrationOutput,
  type BatchPass,
  mailboxInstanceId,
  type MailboxMigrationInput,
  ORCHESTRATION,
} from '../contract/orchestrations';
import type { BatchStatus } from '../core/batch/batchStatus';
import { addMilliseconds } from '../core/time/addMilliseconds';
import { activityTask, callActivity } from './callActivity';
import { slidingWindow } from './slidingWindow';

/** Mailboxes started per generation of the batch orchestration. */
const PASS_PAGE = 200;
const activityRetry = new df.RetryOptions(5_000, 4);
activityRetry.backoffCoefficient = 2;

/**
 * A staged migration batch, after Exchange Online's: check, migrate at most N mailboxes at a time,
 * report and email, then keep the mailboxes in sync every interval until the administrator
 * completes the batch; completing runs a last sync and converts the on-premises mailboxes.
 */
export function* batchMigration(context: OrchestrationContext): Generator<Task, BatchMigrationOutput | undefined, unknown> {
  const input = context.df.getInput<BatchMigrationInput>();
  const { batchId } = input;
  const now = () => context.df.currentUtcDateTime.toISOString();
  /** A batch step, given what it takes besides the batch and the clock. */
  function call<K extends BatchStep>(name: K, body: Omit<ActivityInput<K>, 'batchId' | 'now'>): Generator<Task, ActivityOutput<K>, unknown> {
    return callActivity(context, name, { batchId, now: now(), ...body }, activityRetry);
  }
  const setStatus = (status: BatchStatus, detail?: string) => call('setBatchStatus', { status, ...(detail ? { detail } : {}) });
  const next = (phase: BatchMigrationInput['phase'], extra: Partial<BatchMigrationInput> = {}): undefined => {
    context.df.continueAsNew({ batchId, phase, generation: input.generation, ...extra } satisfies BatchMigrationInput);
    return undefined;
  };
  const plan = yield* call('loadBatchPlan', {});

  switch (input.phase) {
    case 'start':
    case 'retry':
    case 'resume': {
      if (input.phase === 'retry') yield* call('requeueMailboxes', { statuses: ['Failed'] });
      if (input.phase === 'resume') yield* call('requeueMailboxes', { statuses: ['Stopped', 'Provisioning', 'Syncing'] });
      yield* setStatus('Validating');
      const preflight = yield* call('preflightBatch', {});
      if (!preflight.ok) {
        yield* setStatus('Failed', preflight.reason);
        return { status: 'Failed', ...(preflight.reason === undefined ? {} : { reason: preflight.reason }) };
      }
      yield* setStatus('Syncing');
      // A retried or resumed mailbox gets a new instance id: its earlier one has finished.
      const generation = input.phase === 'start' ? input.generation : input.generation + 1;
      return next('pass', { generation, pass: { kind: 'initial', keys: preflight.eligible, offset: 0, then: 'initialReport' } });
    }
    case 'pass': {
      const pass = input.pass!;
      const page = pass.keys.slice(pass.offset, pass.offset + PASS_PAGE);
      const limit = pass.kind === 'incremental' ? plan.maxConcurrentIncrementalSyncs : plan.maxConcurrentMigrations;
      context.df.setCustomStatus({ phase: pass.kind, done: pass.offset, total: pass.keys.length });
      yield* slidingWindow(context, page, limit, (key) => startMailboxWork(context, batchId, key, pass.kind, input.generation, now()));
      const offset = pass.offset + page.length;
      return offset < pass.keys.length ? next('pass', { pass: { ...pass, offset } }) : next(pass.then);
    }
    case 'initialReport': {
      const summary = yield* call('writeBatchReports', { phase: 'initialSync' });
      yield* setStatus(summary.failed > 0 ? 'SyncedWithErrors' : 'Synced');
      return next('waiting');
    }
    case 'waiting': {
      const due = addMilliseconds(context.df.currentUtcDateTime, plan.incrementalIntervalMs);
      const timer = context.df.createTimer(due);
      const complete = context.df.waitForExternalEvent(BATCH_EVENT.complete);
      const retry = context.df.waitForExternalEvent(BATCH_EVENT.retry);
      const winner = yield context.df.Task.any([timer, complete, retry]);
      if (winner !== timer) timer.cancel();
      if (winner === complete) return next('completing');
      if (winner === retry) return next('retry');
      return next('incremental');
    }
    case 'incremental': {
      const keys = yield* call('listMailboxKeys', { statuses: ['Synced'] });
      yield* setStatus('Syncing', 'IncrementalSync');
      return next('pass', { generation: input.generation + 1, pass: { kind: 'incremental', keys, offset: 0, then: 'incrementalDone' } });
    }
    case 'incrementalDone': {
      const failed = yield* call('listMailboxKeys', { statuses: ['Failed'] });
      yield* setStatus(failed.length > 0 ? 'SyncedWithErrors' : 'Synced');
      return next('waiting');
    }
    case 'completing': {
      yield* setStatus('Completing');
      const keys = yield* call('listMailboxKeys', { statuses: ['Synced'] });
      return next('pass', { generation: input.generation + 1, pass: { kind: 'incremental', keys, offset: 0, then: 'completeMailboxes' } });
    }
    case 'completeMailboxes': {
      const keys = yield* call('listMailboxKeys', { statuses: ['Synced'] });
      return next('pass', { pass: { kind: 'complete', keys, offset: 0, then: 'finalReport' } });
    }
    case 'finalReport': {
      const summary = yield* call('writeBatchReports', { phase: 'completion' });
      yield* setStatus(summary.failed > 0 ? 'CompletedWithErrors' : 'Completed');
      return { status: summary.failed > 0 ? 'CompletedWithErrors' : 'Completed' };
    }
  }
  return undefined;
}

/** The batch steps, called with the batch's id and the orchestration's clock. */
type BatchStep = Exclude<keyof BatchActivityContract, 'completeMailbox'>;

/** A mailbox's part of a pass: its own sub-orchestration to sync, one activity to complete. */
function startMailboxWork(context: OrchestrationContext, batchId: string, mailboxKey: string, kind: BatchPass['kind'], generation: number, now: string): Task {
  if (kind === 'complete') return activityTask(context, 'completeMailbox', { ref: { batchId, mailboxKey }, now }, activityRetry);
  const input: MailboxMigrationInput = { batchId, mailboxKey, mode: kind };
  return context.df.callSubOrchestrator(ORCHESTRATION.mailbox, input, mailboxInstanceId(batchId, mailboxKey, generation));
}
