import type { ActivityInput, ActivityOutput, BatchActivityContract } from '../../../src/contract/activities';
import {
  type BatchMigrationInput,
  type BatchPass,
  type MailboxMigrationInput,
  type MailboxMigrationOutput,
  ORCHESTRATION,
} from '../../../src/contract/orchestrations';
import type { BatchStatus } from '../../../src/core/batch/batchStatus';
import { emptyStatusCounts } from '../../../src/core/mailbox/mailboxStatus';
import type { BatchPlan, PreflightResult } from '../../../src/contract/stepResults';
import { batchMigration } from '../../../src/orchestrators/batchMigration';
import { HistoryBuilder, type TaskRef } from '../../support/replay/historyBuilder';
import {
  callActivityWithRetry,
  type CallActivityWithRetryAction,
  callSubOrchestrator,
  type CallSubOrchestratorAction,
  continueAsNew,
  createTimer,
  isCompound,
  type RetryPolicy,
  waitForExternalEvent,
  whenAny,
} from '../../support/replay/orchestratorActions';
import { replay } from '../../support/replay/replay';

/**
 * The batch orchestration, replayed through the durable-functions SDK: given a history, it schedules
 * exactly these actions. Every phase is one generation that ends in continueAsNew (or completes), so
 * each test starts a generation at its phase and replays up to one decision.
 */

const T0 = '2026-01-06T08:00:00.000Z';
const batchId = 'b1';
const PLAN: BatchPlan = { maxConcurrentMigrations: 2, maxConcurrentIncrementalSyncs: 1, incrementalIntervalMs: 4 * 60 * 60 * 1000 };
/** Every batch step's retry policy for thrown errors: 5 s, doubling, 4 attempts. */
const ACTIVITY_RETRY: RetryPolicy = { firstRetryIntervalInMilliseconds: 5_000, maxNumberOfAttempts: 4, backoffCoefficient: 2 };

type BatchActivity = keyof BatchActivityContract;
type BatchStep = Exclude<BatchActivity, 'completeMailbox'>;

/** The action a batch step is scheduled with: the batch, the clock of the episode it was called in, its own input. */
function batchStep<K extends BatchStep>(name: K, now: string, body: Omit<ActivityInput<K>, 'batchId' | 'now'>): CallActivityWithRetryAction {
  return callActivityWithRetry(name, ACTIVITY_RETRY, { batchId, now, ...body });
}

function completeMailbox(mailboxKey: string, now: string): CallActivityWithRetryAction {
  return callActivityWithRetry('completeMailbox', ACTIVITY_RETRY, { ref: { batchId, mailboxKey }, now });
}

function mailboxRun(instanceId: string, mailboxKey: string, mode: MailboxMigrationInput['mode']): CallSubOrchestratorAction {
  return callSubOrchestrator(ORCHESTRATION.mailbox, instanceId, { batchId, mailboxKey, mode } satisfies MailboxMigrationInput);
}

function batchHistory(input: BatchMigrationInput): HistoryBuilder {
  return new HistoryBuilder(ORCHESTRATION.batch, input, T0);
}

/** The orchestrator called a batch activity, which answered `result` in the next episode; gives the time it was called. */
function answer<K extends BatchActivity>(history: HistoryBuilder, name: K, result: ActivityOutput<K>): string {
  const calledAt = history.now;
  history.activity(name, result);
  return calledAt;
}

const statusSet = (status: BatchStatus) => ({ status, counts: emptyStatusCounts() });
const passed = (eligible: string[]): PreflightResult => ({ ok: true, eligible, failed: 0 });
const synced: MailboxMigrationOutput = { status: 'Synced' };

function passInput(pass: Omit<BatchPass, 'offset'> & { offset?: number }, generation = 0): BatchMigrationInput {
  return { batchId, phase: 'pass', generation, pass: { offset: 0, ...pass } };
}

const runBatch = (history: HistoryBuilder) => replay(batchMigration, history.build(), { instanceId: `batch-${batchId}` });

describe('batchMigration: start, retry and resume', () => {
  const start: BatchMigrationInput = { batchId, phase: 'start', generation: 0 };

  it('first episode: loads the batch plan with the batch and the orchestration clock', async () => {
    const result = await runBatch(batchHistory(start));

    expect(result.actions).toEqual([batchStep('loadBatchPlan', T0, {})]);
    expect(result.isDone).toBe(false);
  });

  it('plan loaded: sets the batch Validating', async () => {
    const history = batchHistory(start);
    answer(history, 'loadBatchPlan', PLAN);

    const result = await runBatch(history);

    expect(result.scheduled).toEqual([batchStep('setBatchStatus', history.now, { status: 'Validating' })]);
  });

  it('Validating: runs the preflight', async () => {
    const history = batchHistory(start);
    answer(history, 'loadBatchPlan', PLAN);
    answer(history, 'setBatchStatus', statusSet('Validating'));

    const result = await runBatch(history);

    expect(result.scheduled).toEqual([batchStep('preflightBatch', history.now, {})]);
  });

  it("failed preflight: sets the batch Failed with the preflight's reason", async () => {
    const history = batchHistory(start);
    answer(history, 'loadBatchPlan', PLAN);
    answer(history, 'setBatchStatus', statusSet('Validating'));
    answer(history, 'preflightBatch', { ok: false, reason: 'Directory synchronisation is off.', eligible: [], failed: 3 });

    const result = await runBatch(history);

    expect(result.scheduled).toEqual([batchStep('setBatchStatus', history.now, { status: 'Failed', detail: 'Directory synchronisation is off.' })]);
  });

  it('failed preflight, batch set Failed: the orchestration completes with the reason and does not continue', async () => {
    const history = batchHistory(start);
    answer(history, 'loadBatchPlan', PLAN);
    answer(history, 'setBatchStatus', statusSet('Validating'));
    answer(history, 'preflightBatch', { ok: false, reason: 'Directory synchronisation is off.', eligible: [], failed: 3 });
    answer(history, 'setBatchStatus', statusSet('Failed'));

    const result = await runBatch(history);

    expect(result.isDone).toBe(true);
    expect(result.output).toEqual({ status: 'Failed', reason: 'Directory synchronisation is off.' });
    expect(result.continuedAsNew).toBeUndefined();
    expect(result.scheduled).toEqual([]);
  });

  it('passed preflight: sets the batch Syncing, then continues as new into the initial pass over the eligible mailboxes', async () => {
    const history = batchHistory(start);
    const planAt = answer(history, 'loadBatchPlan', PLAN);
    const validatingAt = answer(history, 'setBatchStatus', statusSet('Validating'));
    const preflightAt = answer(history, 'preflightBatch', passed(['ann', 'bob', 'carol']));
    const syncingAt = answer(history, 'setBatchStatus', statusSet('Syncing'));

    const result = await runBatch(history);

    const next: BatchMigrationInput = {
      batchId,
      phase: 'pass',
      generation: 0,
      pass: { kind: 'initial', keys: ['ann', 'bob', 'carol'], offset: 0, then: 'initialReport' },
    };
    expect(result.actions).toEqual([
      batchStep('loadBatchPlan', planAt, {}),
      batchStep('setBatchStatus', validatingAt, { status: 'Validating' }),
      batchStep('preflightBatch', preflightAt, {}),
      batchStep('setBatchStatus', syncingAt, { status: 'Syncing' }),
      continueAsNew(next),
    ]);
    expect(result.continuedAsNew).toEqual({ input: next });
    expect(result.isDone).toBe(true);
  });

  it('retry: requeues the Failed mailboxes, validates again, and passes with the next generation', async () => {
    const history = batchHistory({ batchId, phase: 'retry', generation: 1 });
    answer(history, 'loadBatchPlan', PLAN);
    const requeueAt = answer(history, 'requeueMailboxes', 2);
    answer(history, 'setBatchStatus', statusSet('Validating'));
    answer(history, 'preflightBatch', passed(['bob', 'dave']));
    answer(history, 'setBatchStatus', statusSet('Syncing'));

    const result = await runBatch(history);

    expect(result.actions[1]).toEqual(batchStep('requeueMailboxes', requeueAt, { statuses: ['Failed'] }));
    expect(result.continuedAsNew).toEqual({
      input: { batchId, phase: 'pass', generation: 2, pass: { kind: 'initial', keys: ['bob', 'dave'], offset: 0, then: 'initialReport' } },
    });
  });

  it('resume after a stop: requeues the Stopped, Provisioning and Syncing mailboxes before validating', async () => {
    const history = batchHistory({ batchId, phase: 'resume', generation: 0 });
    answer(history, 'loadBatchPlan', PLAN);

    const result = await runBatch(history);

    expect(result.scheduled).toEqual([batchStep('requeueMailboxes', history.now, { statuses: ['Stopped', 'Provisioning', 'Syncing'] })]);
  });
});

describe('batchMigration: a pass through the sliding window', () => {
  it('starts no more mailbox orchestrations than maxConcurrentMigrations, with the mailbox instance ids', async () => {
    const history = batchHistory(passInput({ kind: 'initial', keys: ['ann', 'bob', 'carol'], then: 'initialReport' }));
    const planAt = answer(history, 'loadBatchPlan', PLAN);

    const result = await runBatch(history);

    const ann = mailboxRun('mbx-b1-ann', 'ann', 'initial');
    const bob = mailboxRun('mbx-b1-bob', 'bob', 'initial');
    expect(result.actions).toEqual([batchStep('loadBatchPlan', planAt, {}), whenAny(ann, bob)]);
    expect(result.scheduled).toEqual([ann, bob]);
    expect(result.customStatus).toEqual({ phase: 'initial', done: 0, total: 3 });
  });

  it('a new mailbox starts only when one finishes: bob finishes first, carol takes his place', async () => {
    const history = batchHistory(passInput({ kind: 'initial', keys: ['ann', 'bob', 'carol'], then: 'initialReport' }));
    answer(history, 'loadBatchPlan', PLAN);
    history.createSubOrchestration(ORCHESTRATION.mailbox, 'mbx-b1-ann');
    const bob = history.createSubOrchestration(ORCHESTRATION.mailbox, 'mbx-b1-bob');
    history.nextEpisode().completeSubOrchestration(bob, synced);

    const result = await runBatch(history);

    const carol = mailboxRun('mbx-b1-carol', 'carol', 'initial');
    expect(result.scheduled).toEqual([carol]);
    expect(result.actions.at(-1)).toEqual(whenAny(mailboxRun('mbx-b1-ann', 'ann', 'initial'), carol));
    expect(result.isDone).toBe(false);
  });

  it('two finishing in one episode make room for two', async () => {
    const history = batchHistory(passInput({ kind: 'initial', keys: ['ann', 'bob', 'carol', 'dave', 'erin'], then: 'initialReport' }));
    answer(history, 'loadBatchPlan', PLAN);
    const ann = history.createSubOrchestration(ORCHESTRATION.mailbox, 'mbx-b1-ann');
    const bob = history.createSubOrchestration(ORCHESTRATION.mailbox, 'mbx-b1-bob');
    history.nextEpisode().completeSubOrchestration(ann, synced).completeSubOrchestration(bob, synced);

    const result = await runBatch(history);

    expect(result.scheduled).toEqual([mailboxRun('mbx-b1-carol', 'carol', 'initial'), mailboxRun('mbx-b1-dave', 'dave', 'initial')]);
  });

  it('a mailbox orchestration that failed frees its place like one that finished', async () => {
    const history = batchHistory(passInput({ kind: 'initial', keys: ['ann', 'bob', 'carol'], then: 'initialReport' }));
    answer(history, 'loadBatchPlan', PLAN);
    const ann = history.createSubOrchestration(ORCHESTRATION.mailbox, 'mbx-b1-ann');
    history.createSubOrchestration(ORCHESTRATION.mailbox, 'mbx-b1-bob');
    history.nextEpisode().failSubOrchestration(ann, 'Table storage unavailable');

    const result = await runBatch(history);

    expect(result.scheduled).toEqual([mailboxRun('mbx-b1-carol', 'carol', 'initial')]);
  });

  it('a later pass: -p<generation> instance ids, incremental mode, and the incremental limit', async () => {
    const history = batchHistory(passInput({ kind: 'incremental', keys: ['ann', 'bob'], then: 'incrementalDone' }, 3));
    answer(history, 'loadBatchPlan', PLAN);

    const result = await runBatch(history);

    expect(result.scheduled).toEqual([mailboxRun('mbx-b1-ann-p3', 'ann', 'incremental')]);
    expect(result.customStatus).toEqual({ phase: 'incremental', done: 0, total: 2 });
  });

  it('every mailbox finished: continues as new into the phase the pass names, same generation', async () => {
    const history = batchHistory(passInput({ kind: 'initial', keys: ['ann', 'bob', 'carol'], then: 'initialReport' }));
    answer(history, 'loadBatchPlan', PLAN);
    const ann = history.createSubOrchestration(ORCHESTRATION.mailbox, 'mbx-b1-ann');
    const bob = history.createSubOrchestration(ORCHESTRATION.mailbox, 'mbx-b1-bob');
    history.nextEpisode().completeSubOrchestration(ann, synced);
    const carol = history.createSubOrchestration(ORCHESTRATION.mailbox, 'mbx-b1-carol');
    history.nextEpisode().completeSubOrchestration(carol, { status: 'Failed' });
    history.nextEpisode().completeSubOrchestration(bob, synced);

    const result = await runBatch(history);

    expect(result.scheduled).toEqual([]);
    expect(result.continuedAsNew).toEqual({ input: { batchId, phase: 'initialReport', generation: 0 } });
  });

  it('more than 200 mailboxes: 200 in this generation, then continues as new at offset 200', async () => {
    const keys = Array.from({ length: 201 }, (_, n) => `m${String(n).padStart(3, '0')}`);
    const history = batchHistory(passInput({ kind: 'initial', keys, then: 'initialReport' }));
    answer(history, 'loadBatchPlan', PLAN);
    const started: TaskRef[] = keys.slice(0, 2).map((key) => history.createSubOrchestration(ORCHESTRATION.mailbox, `mbx-b1-${key}`));
    for (let done = 0; done < 200; done += 1) {
      history.nextEpisode().completeSubOrchestration(started[done]!, synced);
      const next = keys[done + 2];
      if (done + 2 < 200 && next) started.push(history.createSubOrchestration(ORCHESTRATION.mailbox, `mbx-b1-${next}`));
    }

    const result = await runBatch(history);

    expect(result.scheduled).toEqual([]);
    expect(result.continuedAsNew).toEqual({
      input: { batchId, phase: 'pass', generation: 0, pass: { kind: 'initial', keys, offset: 200, then: 'initialReport' } },
    });
    // One Task.any per finished mailbox, two in flight each time (the limit), one for the last of the page.
    const inFlight = result.actions.filter(isCompound).map((window) => window.compoundActions.length);
    expect(inFlight).toEqual([...Array.from({ length: 199 }, () => 2), 1]);
  });

  it('the next page of a long pass starts at its offset and counts what is done', async () => {
    const keys = Array.from({ length: 201 }, (_, n) => `m${String(n).padStart(3, '0')}`);
    const history = batchHistory(passInput({ kind: 'initial', keys, offset: 200, then: 'initialReport' }));
    answer(history, 'loadBatchPlan', PLAN);

    const result = await runBatch(history);

    expect(result.scheduled).toEqual([mailboxRun('mbx-b1-m200', 'm200', 'initial')]);
    expect(result.customStatus).toEqual({ phase: 'initial', done: 200, total: 201 });
  });

  it('a pass with no mailboxes goes straight on to its next phase', async () => {
    const history = batchHistory(passInput({ kind: 'incremental', keys: [], then: 'incrementalDone' }, 4));
    const planAt = answer(history, 'loadBatchPlan', PLAN);

    const result = await runBatch(history);

    expect(result.actions).toEqual([batchStep('loadBatchPlan', planAt, {}), continueAsNew({ batchId, phase: 'incrementalDone', generation: 4 })]);
  });

  it('the completion pass runs completeMailbox activities through the same window, with the retry policy', async () => {
    const history = batchHistory(passInput({ kind: 'complete', keys: ['ann', 'bob', 'carol'], then: 'finalReport' }, 2));
    answer(history, 'loadBatchPlan', PLAN);
    const windowAt = history.now;
    history.scheduleActivity('completeMailbox');
    const bob = history.scheduleActivity('completeMailbox');
    history.nextEpisode().completeActivity(bob, 'Completed');

    const result = await runBatch(history);

    expect(result.actions.slice(1)).toEqual([
      whenAny(completeMailbox('ann', windowAt), completeMailbox('bob', windowAt)),
      whenAny(completeMailbox('ann', windowAt), completeMailbox('carol', history.now)),
    ]);
    expect(result.scheduled).toEqual([completeMailbox('carol', history.now)]);
  });
});

describe('batchMigration: waiting between syncs', () => {
  const waiting: BatchMigrationInput = { batchId, phase: 'waiting', generation: 2 };

  it('waits on a timer at now + incrementalIntervalMs, and for the complete and retry events', async () => {
    const history = batchHistory(waiting);
    const planAt = answer(history, 'loadBatchPlan', PLAN);

    const result = await runBatch(history);

    expect(result.actions).toEqual([
      batchStep('loadBatchPlan', planAt, {}),
      whenAny(createTimer('2026-01-06T12:00:01.000Z'), waitForExternalEvent('complete'), waitForExternalEvent('retry')),
    ]);
    expect(result.scheduled).toEqual([createTimer('2026-01-06T12:00:01.000Z')]);
    expect(result.isDone).toBe(false);
  });

  it('the timer fires first: continues as new into an incremental sync, the timer left as it was', async () => {
    const history = batchHistory(waiting);
    answer(history, 'loadBatchPlan', PLAN);
    history.timer('2026-01-06T12:00:01.000Z');

    const result = await runBatch(history);

    expect(result.actions.slice(1)).toEqual([
      whenAny(createTimer('2026-01-06T12:00:01.000Z'), waitForExternalEvent('complete'), waitForExternalEvent('retry')),
      continueAsNew({ batchId, phase: 'incremental', generation: 2 }),
    ]);
  });

  it('complete is raised first: cancels the timer and continues as new into completing', async () => {
    const history = batchHistory(waiting);
    answer(history, 'loadBatchPlan', PLAN);
    history.createTimer('2026-01-06T12:00:01.000Z');
    history.nextEpisode('2026-01-06T09:30:00.000Z').raiseEvent('complete');

    const result = await runBatch(history);

    expect(result.actions.slice(1)).toEqual([
      whenAny(createTimer('2026-01-06T12:00:01.000Z', true), waitForExternalEvent('complete'), waitForExternalEvent('retry')),
      continueAsNew({ batchId, phase: 'completing', generation: 2 }),
    ]);
    expect(result.scheduled).toEqual([]);
  });

  it('retry is raised first: cancels the timer and continues as new into retry', async () => {
    const history = batchHistory(waiting);
    answer(history, 'loadBatchPlan', PLAN);
    history.createTimer('2026-01-06T12:00:01.000Z');
    history.nextEpisode('2026-01-06T09:30:00.000Z').raiseEvent('retry');

    const result = await runBatch(history);

    expect(result.actions.slice(1)).toEqual([
      whenAny(createTimer('2026-01-06T12:00:01.000Z', true), waitForExternalEvent('complete'), waitForExternalEvent('retry')),
      continueAsNew({ batchId, phase: 'retry', generation: 2 }),
    ]);
  });
});

describe('batchMigration: reports, incremental syncs and completion', () => {
  it.each([
    [0, 'Synced'],
    [2, 'SyncedWithErrors'],
  ] as const)('initialReport with %i failed: writes the initial-sync reports, sets %s, then waits', async (failed, status) => {
    const history = batchHistory({ batchId, phase: 'initialReport', generation: 0 });
    const planAt = answer(history, 'loadBatchPlan', PLAN);
    const reportAt = answer(history, 'writeBatchReports', { migrated: 5, failed });
    const statusAt = answer(history, 'setBatchStatus', statusSet(status));

    const result = await runBatch(history);

    expect(result.actions).toEqual([
      batchStep('loadBatchPlan', planAt, {}),
      batchStep('writeBatchReports', reportAt, { phase: 'initialSync' }),
      batchStep('setBatchStatus', statusAt, { status }),
      continueAsNew({ batchId, phase: 'waiting', generation: 0 }),
    ]);
  });

  it('incremental: lists the Synced mailboxes, sets Syncing (IncrementalSync), passes over them with the next generation', async () => {
    const history = batchHistory({ batchId, phase: 'incremental', generation: 2 });
    const planAt = answer(history, 'loadBatchPlan', PLAN);
    const listAt = answer(history, 'listMailboxKeys', ['ann', 'carol']);
    const statusAt = answer(history, 'setBatchStatus', statusSet('Syncing'));

    const result = await runBatch(history);

    expect(result.actions).toEqual([
      batchStep('loadBatchPlan', planAt, {}),
      batchStep('listMailboxKeys', listAt, { statuses: ['Synced'] }),
      batchStep('setBatchStatus', statusAt, { status: 'Syncing', detail: 'IncrementalSync' }),
      continueAsNew({ batchId, phase: 'pass', generation: 3, pass: { kind: 'incremental', keys: ['ann', 'carol'], offset: 0, then: 'incrementalDone' } }),
    ]);
  });

  it.each([
    [[], 'Synced'],
    [['bob'], 'SyncedWithErrors'],
  ] as const)('incrementalDone with Failed mailboxes %j: sets %s, then waits again', async (failedKeys, status) => {
    const history = batchHistory({ batchId, phase: 'incrementalDone', generation: 3 });
    answer(history, 'loadBatchPlan', PLAN);
    const listAt = answer(history, 'listMailboxKeys', [...failedKeys]);
    const statusAt = answer(history, 'setBatchStatus', statusSet(status));

    const result = await runBatch(history);

    expect(result.actions.slice(1)).toEqual([
      batchStep('listMailboxKeys', listAt, { statuses: ['Failed'] }),
      batchStep('setBatchStatus', statusAt, { status }),
      continueAsNew({ batchId, phase: 'waiting', generation: 3 }),
    ]);
  });

  it('completing: sets Completing, lists the Synced mailboxes, and runs a last incremental pass that ends in completeMailboxes', async () => {
    const history = batchHistory({ batchId, phase: 'completing', generation: 3 });
    answer(history, 'loadBatchPlan', PLAN);
    const statusAt = answer(history, 'setBatchStatus', statusSet('Completing'));
    const listAt = answer(history, 'listMailboxKeys', ['ann', 'carol']);

    const result = await runBatch(history);

    expect(result.actions.slice(1)).toEqual([
      batchStep('setBatchStatus', statusAt, { status: 'Completing' }),
      batchStep('listMailboxKeys', listAt, { statuses: ['Synced'] }),
      continueAsNew({ batchId, phase: 'pass', generation: 4, pass: { kind: 'incremental', keys: ['ann', 'carol'], offset: 0, then: 'completeMailboxes' } }),
    ]);
  });

  it('completeMailboxes: lists the Synced mailboxes and passes over them with completeMailbox, same generation, then finalReport', async () => {
    const history = batchHistory({ batchId, phase: 'completeMailboxes', generation: 4 });
    answer(history, 'loadBatchPlan', PLAN);
    const listAt = answer(history, 'listMailboxKeys', ['ann']);

    const result = await runBatch(history);

    expect(result.actions.slice(1)).toEqual([
      batchStep('listMailboxKeys', listAt, { statuses: ['Synced'] }),
      continueAsNew({ batchId, phase: 'pass', generation: 4, pass: { kind: 'complete', keys: ['ann'], offset: 0, then: 'finalReport' } }),
    ]);
  });

  it.each([
    [1, 'CompletedWithErrors'],
    [0, 'Completed'],
  ] as const)('finalReport with %i failed: writes the completion reports, sets %s and completes with it', async (failed, status) => {
    const history = batchHistory({ batchId, phase: 'finalReport', generation: 4 });
    answer(history, 'loadBatchPlan', PLAN);
    const reportAt = answer(history, 'writeBatchReports', { migrated: 4, failed });
    const statusAt = answer(history, 'setBatchStatus', statusSet(status));

    const result = await runBatch(history);

    expect(result.actions.slice(1)).toEqual([
      batchStep('writeBatchReports', reportAt, { phase: 'completion' }),
      batchStep('setBatchStatus', statusAt, { status }),
    ]);
    expect(result.isDone).toBe(true);
    expect(result.output).toEqual({ status });
    expect(result.continuedAsNew).toBeUndefined();
  });
});
