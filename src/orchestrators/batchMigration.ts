import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import { ACTIVITY, BATCH_EVENT, type BatchPlan, mailboxInstanceId, ORCHESTRATION, type PreflightOutput } from '../activities/activityNames';
import { addMilliseconds } from '../core/time/addMilliseconds';
import type { MailboxMigrationInput } from './mailboxMigration';
import { slidingWindow } from './slidingWindow';

/** What the batch does next. Every phase ends in continueAsNew, so the history stays short. */
export type BatchPhase = 'start' | 'retry' | 'resume' | 'waiting' | 'incremental' | 'completing';

/** A pass over many mailboxes, a page of them per generation. */
interface Pass {
  kind: 'initial' | 'incremental' | 'complete';
  keys: string[];
  offset: number;
  /** Where the batch goes once every page is done. */
  then: 'initialReport' | 'incrementalDone' | 'completeMailboxes' | 'finalReport';
}

export interface BatchMigrationInput {
  batchId: string;
  phase: BatchPhase | 'pass' | 'initialReport' | 'incrementalDone' | 'completeMailboxes' | 'finalReport';
  pass?: Pass;
  /** Counts passes after the first, so each one gets fresh mailbox instance ids. */
  generation: number;
}

/** Mailboxes started per generation of the batch orchestration. */
const PASS_PAGE = 200;
const activityRetry = new df.RetryOptions(5_000, 4);
activityRetry.backoffCoefficient = 2;

/**
 * A staged migration batch, after Exchange Online's: check, migrate at most N mailboxes at a time,
 * report and email, then keep the mailboxes in sync every interval until the administrator
 * completes the batch; completing runs a last sync and converts the on-premises mailboxes.
 */
const batchMigration: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = context.df.getInput<BatchMigrationInput>();
  const { batchId } = input;
  const now = () => context.df.currentUtcDateTime.toISOString();
  const call = (name: string, body: Record<string, unknown>) => context.df.callActivityWithRetry(name, activityRetry, { batchId, now: now(), ...body });
  const setStatus = (status: string, detail?: string) => call(ACTIVITY.setBatchStatus, { status, ...(detail ? { detail } : {}) });
  const next = (phase: BatchMigrationInput['phase'], extra: Partial<BatchMigrationInput> = {}) => {
    context.df.continueAsNew({ batchId, phase, generation: input.generation, ...extra } satisfies BatchMigrationInput);
  };
  const plan = (yield call(ACTIVITY.loadBatchPlan, {})) as BatchPlan;

  switch (input.phase) {
    case 'start':
    case 'retry':
    case 'resume': {
      if (input.phase === 'retry') yield call(ACTIVITY.requeueMailboxes, { statuses: ['Failed'] });
      if (input.phase === 'resume') yield call(ACTIVITY.requeueMailboxes, { statuses: ['Stopped', 'Provisioning', 'Syncing'] });
      yield setStatus('Validating');
      const preflight = (yield call(ACTIVITY.preflightBatch, {})) as PreflightOutput;
      if (!preflight.ok) {
        yield setStatus('Failed', preflight.reason);
        return { status: 'Failed', reason: preflight.reason };
      }
      yield setStatus('Syncing');
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
      const summary = (yield call(ACTIVITY.writeBatchReports, { phase: 'initialSync' })) as { failed: number };
      yield setStatus(summary.failed > 0 ? 'SyncedWithErrors' : 'Synced');
      return next('waiting');
    }
    case 'waiting': {
      const due = addMilliseconds(context.df.currentUtcDateTime, plan.incrementalIntervalMs);
      const timer = context.df.createTimer(due);
      const complete = context.df.waitForExternalEvent(BATCH_EVENT.complete);
      const retry = context.df.waitForExternalEvent(BATCH_EVENT.retry);
      const winner = (yield context.df.Task.any([timer, complete, retry])) as Task;
      if (winner !== timer) timer.cancel();
      if (winner === complete) return next('completing');
      if (winner === retry) return next('retry');
      return next('incremental');
    }
    case 'incremental': {
      const keys = (yield call(ACTIVITY.listMailboxKeys, { statuses: ['Synced'] })) as string[];
      yield setStatus('Syncing', 'IncrementalSync');
      return next('pass', { generation: input.generation + 1, pass: { kind: 'incremental', keys, offset: 0, then: 'incrementalDone' } });
    }
    case 'incrementalDone': {
      const failed = (yield call(ACTIVITY.listMailboxKeys, { statuses: ['Failed'] })) as string[];
      yield setStatus(failed.length > 0 ? 'SyncedWithErrors' : 'Synced');
      return next('waiting');
    }
    case 'completing': {
      yield setStatus('Completing');
      const keys = (yield call(ACTIVITY.listMailboxKeys, { statuses: ['Synced'] })) as string[];
      return next('pass', { generation: input.generation + 1, pass: { kind: 'incremental', keys, offset: 0, then: 'completeMailboxes' } });
    }
    case 'completeMailboxes': {
      const keys = (yield call(ACTIVITY.listMailboxKeys, { statuses: ['Synced'] })) as string[];
      return next('pass', { pass: { kind: 'complete', keys, offset: 0, then: 'finalReport' } });
    }
    case 'finalReport': {
      const summary = (yield call(ACTIVITY.writeBatchReports, { phase: 'completion' })) as { failed: number };
      yield setStatus(summary.failed > 0 ? 'CompletedWithErrors' : 'Completed');
      return { status: summary.failed > 0 ? 'CompletedWithErrors' : 'Completed' };
    }
  }
  return undefined;
};

/** A mailbox's part of a pass: its own sub-orchestration to sync, one activity to complete. */
function startMailboxWork(context: OrchestrationContext, batchId: string, mailboxKey: string, kind: Pass['kind'], generation: number, now: string): Task {
  if (kind === 'complete') return context.df.callActivityWithRetry(ACTIVITY.completeMailbox, activityRetry, { ref: { batchId, mailboxKey }, now });
  const input: MailboxMigrationInput = { batchId, mailboxKey, mode: kind };
  return context.df.callSubOrchestrator(ORCHESTRATION.mailbox, input, mailboxInstanceId(batchId, mailboxKey, generation));
}

df.app.orchestration(ORCHESTRATION.batch, batchMigration);
