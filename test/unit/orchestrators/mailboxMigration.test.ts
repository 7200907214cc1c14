import type { MailboxStep, MailboxStepInputs, MailboxStepValues } from '../../../src/contract/activities';
import { type MailboxMigrationInput, ORCHESTRATION } from '../../../src/contract/orchestrations';
import type { CopyPageSummary, CopyPlan, StepOutcome } from '../../../src/contract/stepResults';
import { mailboxMigration } from '../../../src/orchestrators/mailboxMigration';
import { HistoryBuilder, type Instant, type TaskRef } from '../../support/replay/historyBuilder';
import {
  ActionType,
  callActivityWithRetry,
  type CallActivityWithRetryAction,
  continueAsNew,
  createTimer,
  type OrchestratorAction,
  type RetryPolicy,
} from '../../support/replay/orchestratorActions';
import { replay } from '../../support/replay/replay';

/**
 * The mailbox orchestration, replayed through the durable-functions SDK: given a history, it schedules
 * exactly these actions. Each test writes the history up to one decision and checks that decision.
 *
 * A pass is named by its start: the clock startMailbox is given (T0 here). Every copy step of the pass
 * carries that name, whatever the clock of the call (`now`), and so does every continued generation.
 */

const T0 = '2026-01-05T09:00:00.000Z';
/** The pass of a mailbox started at T0. */
const PASS = T0;
const ref = { batchId: 'b1', mailboxKey: 'ann' };
const initialSync: MailboxMigrationInput = { ...ref, mode: 'initial' };
const incrementalSync: MailboxMigrationInput = { ...ref, mode: 'incremental' };
/** Every step's retry policy for thrown errors: 5 s, doubling, 4 attempts. */
const STEP_RETRY: RetryPolicy = { firstRetryIntervalInMilliseconds: 5_000, maxNumberOfAttempts: 4, backoffCoefficient: 2 };
/** What the source holds: 12 folders, an address book and a calendar. */
const PLAN: CopyPlan = { containers: 14, items: 1_200 };
const THROTTLED = { ok: false as const, code: 'Throttled', message: 'Too many requests' };

/** The action a mailbox step is scheduled with: the mailbox, the step's own input, the retry policy. */
function step<K extends MailboxStep>(name: K, input: MailboxStepInputs[K]): CallActivityWithRetryAction {
  return callActivityWithRetry(name, STEP_RETRY, { ref, ...input });
}

function ok<T>(value: T): StepOutcome<T> {
  return { ok: true, value };
}

/** A page of the copy: some mail and a contact copied, done or not, maybe paused until resumeAt. */
function page(done: boolean, resumeAt?: string): CopyPageSummary {
  return {
    done,
    byType: {
      mail: { created: 10, matched: 0, updated: 0, removed: 0, skipped: 0, recovered: 0, bytes: 40_960 },
      contact: { created: 1, matched: 0, updated: 0, removed: 0, skipped: 0, recovered: 0, bytes: 512 },
    },
    ...(resumeAt ? { resumeAt } : {}),
  };
}

function mailboxHistory(input: MailboxMigrationInput = initialSync, startedAt: Instant = T0): HistoryBuilder {
  return new HistoryBuilder(ORCHESTRATION.mailbox, input, startedAt);
}

/** The orchestrator called a step; it answered `outcome` in the next episode. */
function answer<K extends MailboxStep>(history: HistoryBuilder, name: K, outcome: StepOutcome<MailboxStepValues[K]>, at?: Instant): TaskRef {
  return history.activity(name, outcome, { at });
}

/** An initial sync up to its copy plan: started, provisioned at once, forwarding set, copy prepared. */
function upToCopy(history: HistoryBuilder): void {
  answer(history, 'startMailbox', ok(undefined));
  answer(history, 'provisionMailbox', ok({ state: 'ready' }));
  answer(history, 'forwardMailbox', ok(undefined));
  answer(history, 'prepareMailboxCopy', ok(PLAN));
}

/** The names of the steps and the kinds of the other actions, in order. */
function names(actions: readonly OrchestratorAction[]): (string | ActionType)[] {
  return actions.map((action) => (action.actionType === ActionType.CallActivityWithRetry ? action.functionName : action.actionType));
}

const runMailbox = (history: HistoryBuilder) => replay(mailboxMigration, history.build(), { instanceId: 'mbx-b1-ann' });

describe('mailboxMigration: starting and provisioning', () => {
  it('first episode: schedules startMailbox with the mailbox, the mode and the orchestration clock', async () => {
    const result = await runMailbox(mailboxHistory());

    expect(result.actions).toEqual([step('startMailbox', { mode: 'initial', now: T0 })]);
    expect(result.scheduled).toEqual(result.actions);
    expect(result.isDone).toBe(false);
  });

  it('initial sync: once started, asks whether the cloud mailbox is provisioned, at the new episode time', async () => {
    const history = mailboxHistory();
    answer(history, 'startMailbox', ok(undefined), '2026-01-05T09:00:02.000Z');

    const result = await runMailbox(history);

    expect(result.scheduled).toEqual([step('provisionMailbox', { now: '2026-01-05T09:00:02.000Z' })]);
    expect(result.isDone).toBe(false);
  });

  it('incremental sync: neither provisions nor forwards, goes straight to preparing the copy of the pass it started', async () => {
    const history = mailboxHistory(incrementalSync);
    answer(history, 'startMailbox', ok(undefined));

    const result = await runMailbox(history);

    expect(result.actions).toEqual([step('startMailbox', { mode: 'incremental', now: T0 }), step('prepareMailboxCopy', { pass: PASS, now: history.now })]);
  });

  it('mailbox not provisioned yet: waits on a durable timer at now + recheckAfterSeconds', async () => {
    const history = mailboxHistory();
    answer(history, 'startMailbox', ok(undefined));
    answer(history, 'provisionMailbox', ok({ state: 'waiting', recheckAfterSeconds: 600 }), '2026-01-05T09:01:00.000Z');

    const result = await runMailbox(history);

    expect(result.scheduled).toEqual([createTimer('2026-01-05T09:11:00.000Z')]);
    expect(result.isDone).toBe(false);
  });

  it('provisioning timer fired: asks again, with the clock of the episode the timer fired in', async () => {
    const history = mailboxHistory();
    answer(history, 'startMailbox', ok(undefined));
    answer(history, 'provisionMailbox', ok({ state: 'waiting', recheckAfterSeconds: 600 }));
    history.timer(history.later(600_000));

    const result = await runMailbox(history);

    expect(result.scheduled).toEqual([step('provisionMailbox', { now: '2026-01-05T09:10:02.000Z' })]);
  });

  it('provisioned: forwards on-premises mail to the cloud mailbox (the step takes only the mailbox)', async () => {
    const history = mailboxHistory();
    answer(history, 'startMailbox', ok(undefined));
    answer(history, 'provisionMailbox', ok({ state: 'ready' }));

    const result = await runMailbox(history);

    expect(result.scheduled).toEqual([step('forwardMailbox', {})]);
    expect(result.scheduled[0]).toEqual({
      actionType: ActionType.CallActivityWithRetry,
      functionName: 'forwardMailbox',
      retryOptions: STEP_RETRY,
      input: { ref },
    });
  });

  it('forwarded: prepares the copy named by the clock the mailbox started with, told the clock of this call', async () => {
    const history = mailboxHistory();
    answer(history, 'startMailbox', ok(undefined));
    answer(history, 'provisionMailbox', ok({ state: 'waiting', recheckAfterSeconds: 600 }));
    history.timer(history.later(600_000));
    answer(history, 'provisionMailbox', ok({ state: 'ready' }));
    answer(history, 'forwardMailbox', ok(undefined));

    const result = await runMailbox(history);

    expect(history.now).not.toBe(T0);
    expect(result.scheduled).toEqual([step('prepareMailboxCopy', { pass: PASS, now: history.now })]);
  });

  it('after 20 provisioning checks: waits out the 20th answer, then continues as new, still provisioning the same pass', async () => {
    const history = mailboxHistory();
    answer(history, 'startMailbox', ok(undefined));
    for (let check = 1; check < 20; check += 1) {
      answer(history, 'provisionMailbox', ok({ state: 'waiting', recheckAfterSeconds: 900 }));
      history.timer(history.later(900_000));
    }
    answer(history, 'provisionMailbox', ok({ state: 'waiting', recheckAfterSeconds: 900 }));
    const waiting = await runMailbox(history);
    expect(waiting.scheduled).toEqual([createTimer(history.later(900_000))]);
    expect(waiting.continuedAsNew).toBeUndefined();

    history.timer(history.later(900_000));
    const result = await runMailbox(history);

    const continued: MailboxMigrationInput = { ...initialSync, resume: { provisioning: true, pass: PASS } };
    expect(result.scheduled).toEqual([]);
    expect(result.continuedAsNew).toEqual({ input: continued });
    expect(result.actions.at(-1)).toEqual(continueAsNew(continued));
    expect(result.isDone).toBe(true);
    expect(result.output).toBeUndefined();
  });

  it('continued while provisioning: checks provisioning again without starting the mailbox again', async () => {
    const later = '2026-01-05T14:00:00.000Z';

    const result = await runMailbox(mailboxHistory({ ...initialSync, resume: { provisioning: true, pass: PASS } }, later));

    expect(result.actions).toEqual([step('provisionMailbox', { now: later })]);
  });

  it('continued while provisioning: once provisioned and forwarded, prepares the pass the first generation started', async () => {
    const history = mailboxHistory({ ...initialSync, resume: { provisioning: true, pass: PASS } }, '2026-01-05T14:00:00.000Z');
    answer(history, 'provisionMailbox', ok({ state: 'ready' }));
    answer(history, 'forwardMailbox', ok(undefined));

    const result = await runMailbox(history);

    expect(names(result.actions)).toEqual(['provisionMailbox', 'forwardMailbox', 'prepareMailboxCopy']);
    expect(result.scheduled).toEqual([step('prepareMailboxCopy', { pass: PASS, now: history.now })]);
  });

  it('continued while provisioning by a generation that carried no pass: the pass is named when the copy is prepared', async () => {
    const history = mailboxHistory({ ...initialSync, resume: { provisioning: true } }, '2026-01-05T14:00:00.000Z');
    answer(history, 'provisionMailbox', ok({ state: 'ready' }));
    answer(history, 'forwardMailbox', ok(undefined));

    const result = await runMailbox(history);

    expect(result.scheduled).toEqual([step('prepareMailboxCopy', { pass: history.now, now: history.now })]);
  });
});

describe('mailboxMigration: step outcomes', () => {
  it('Retry-After: waits on a durable timer for the seconds the server asked', async () => {
    const history = mailboxHistory(incrementalSync);
    answer(history, 'startMailbox', ok(undefined));
    answer(history, 'prepareMailboxCopy', { ...THROTTLED, retryAfterSeconds: 120 }, '2026-01-05T09:05:00.000Z');

    const result = await runMailbox(history);

    expect(result.scheduled).toEqual([createTimer('2026-01-05T09:07:00.000Z')]);
  });

  it('Retry-After timer fired: the same step again, for the same pass, told the clock of this call', async () => {
    const history = mailboxHistory(incrementalSync);
    answer(history, 'startMailbox', ok(undefined));
    const firstCallAt = history.now;
    answer(history, 'prepareMailboxCopy', { ...THROTTLED, retryAfterSeconds: 120 });
    history.timer(history.later(120_000));

    const result = await runMailbox(history);

    expect(firstCallAt).toBe('2026-01-05T09:00:01.000Z');
    expect(history.now).toBe('2026-01-05T09:02:02.000Z');
    expect(result.actions[1]).toEqual(step('prepareMailboxCopy', { pass: PASS, now: firstCallAt }));
    expect(result.scheduled).toEqual([step('prepareMailboxCopy', { pass: PASS, now: history.now })]);
  });

  it('Retry-After on a page: waits, then asks for the page again with the same pass and a fresh clock', async () => {
    const history = mailboxHistory();
    upToCopy(history);
    answer(history, 'copyMailboxPage', { ...THROTTLED, retryAfterSeconds: 45 });
    const waiting = await runMailbox(history);
    expect(waiting.scheduled).toEqual([createTimer(history.later(45_000))]);

    history.timer(history.later(45_000));
    const result = await runMailbox(history);

    expect(result.scheduled).toEqual([step('copyMailboxPage', { pass: PASS, now: history.now })]);
  });

  it('Retry-After: the 8th answer still waits', async () => {
    const history = mailboxHistory(incrementalSync);
    answer(history, 'startMailbox', ok(undefined));
    for (let wait = 1; wait < 8; wait += 1) {
      answer(history, 'prepareMailboxCopy', { ...THROTTLED, retryAfterSeconds: 30 });
      history.timer(history.later(30_000));
    }
    answer(history, 'prepareMailboxCopy', { ...THROTTLED, retryAfterSeconds: 30 });

    const result = await runMailbox(history);

    expect(result.scheduled).toEqual([createTimer(history.later(30_000))]);
  });

  it("Retry-After: after 8 waits the next answer finishes the mailbox as failed with the step's code and message", async () => {
    const history = mailboxHistory(incrementalSync);
    answer(history, 'startMailbox', ok(undefined));
    for (let wait = 1; wait <= 8; wait += 1) {
      answer(history, 'prepareMailboxCopy', { ...THROTTLED, retryAfterSeconds: 30 });
      history.timer(history.later(30_000));
    }
    answer(history, 'prepareMailboxCopy', { ...THROTTLED, retryAfterSeconds: 30 });

    const result = await runMailbox(history);

    expect(result.scheduled).toEqual([step('finishMailbox', { outcome: { ok: false, error: 'Too many requests', code: 'Throttled' }, now: history.now })]);
  });

  it('a permanent failure (no retryAfterSeconds) goes straight to finishMailbox with its error and code', async () => {
    const history = mailboxHistory();
    answer(history, 'startMailbox', ok(undefined));
    answer(history, 'provisionMailbox', { ok: false, code: 'NoLicence', message: 'ann@contoso.com has no Exchange Online licence.' });

    const result = await runMailbox(history);

    expect(result.scheduled).toEqual([
      step('finishMailbox', { outcome: { ok: false, error: 'ann@contoso.com has no Exchange Online licence.', code: 'NoLicence' }, now: history.now }),
    ]);
  });

  it('a page that fails for good ends the page loop: finishMailbox with its error and code, no further page', async () => {
    const history = mailboxHistory();
    upToCopy(history);
    answer(history, 'copyMailboxPage', ok(page(false)));
    answer(history, 'copyMailboxPage', { ok: false, code: 'SourceLoginFailed', message: 'The IMAP server refused the login for ann.' });

    const result = await runMailbox(history);

    expect(result.scheduled).toEqual([
      step('finishMailbox', { outcome: { ok: false, error: 'The IMAP server refused the login for ann.', code: 'SourceLoginFailed' }, now: history.now }),
    ]);
  });

  it('finishing a failed mailbox ends the orchestration with the status finishMailbox gives', async () => {
    const history = mailboxHistory();
    answer(history, 'startMailbox', ok(undefined));
    answer(history, 'provisionMailbox', { ok: false, code: 'NoLicence', message: 'No licence.' });
    answer(history, 'finishMailbox', ok('Failed'));

    const result = await runMailbox(history);

    expect(result.scheduled).toEqual([]);
    expect(result.isDone).toBe(true);
    expect(result.output).toEqual({ status: 'Failed' });
  });

  it("an activity that throws on all 4 attempts finishes the mailbox as StepFailed with the activity's own message", async () => {
    const history = mailboxHistory();
    answer(history, 'startMailbox', ok(undefined));
    answer(history, 'provisionMailbox', ok({ state: 'ready' }));
    answer(history, 'forwardMailbox', ok(undefined));
    history.activityFailingEveryAttempt('prepareMailboxCopy', STEP_RETRY, 'IMAP connection dropped');

    const result = await runMailbox(history);

    // The retries are the SDK's: the step's own action appears once, the failure only after the 4th attempt.
    expect(result.actions.filter((action) => 'functionName' in action && action.functionName === 'prepareMailboxCopy')).toHaveLength(1);
    // The SDK joins a failure as `${Reason} \n ${Details}`: the mailbox's error is the reason, trimmed.
    expect(result.scheduled).toEqual([
      step('finishMailbox', { outcome: { ok: false, error: 'IMAP connection dropped', code: 'StepFailed' }, now: history.now }),
    ]);
  });

  it('a failure the host reports as "Result: Failure / Exception: ..." keeps only the exception\'s message', async () => {
    const history = mailboxHistory();
    upToCopy(history);
    history.activityFailingEveryAttempt(
      'copyMailboxPage',
      STEP_RETRY,
      'Result: Failure\nException: The IMAP server closed the connection.\nStack: at x (y.js:1:1)',
    );

    const result = await runMailbox(history);

    expect(result.scheduled).toEqual([
      step('finishMailbox', { outcome: { ok: false, error: 'The IMAP server closed the connection.', code: 'StepFailed' }, now: history.now }),
    ]);
  });

  it('an activity that throws once and then succeeds goes on with its result', async () => {
    const history = mailboxHistory(incrementalSync);
    answer(history, 'startMailbox', ok(undefined));
    history.activityWithRetries('prepareMailboxCopy', STEP_RETRY, ['socket hang up'], ok(PLAN));

    const result = await runMailbox(history);

    expect(result.scheduled).toEqual([step('copyMailboxPage', { pass: PASS, now: history.now })]);
  });
});

describe('mailboxMigration: the page loop', () => {
  it('copies the first page once the copy is prepared, for the pass the mailbox started', async () => {
    const history = mailboxHistory();
    upToCopy(history);

    const result = await runMailbox(history);

    expect(result.scheduled).toEqual([step('copyMailboxPage', { pass: PASS, now: history.now })]);
  });

  it('a page that is not done asks for the next page, with the same pass and the clock of this call', async () => {
    const history = mailboxHistory();
    upToCopy(history);
    const firstPageAt = history.now;
    answer(history, 'copyMailboxPage', ok(page(false)));

    const result = await runMailbox(history);

    expect(history.now).not.toBe(firstPageAt);
    expect(result.scheduled).toEqual([step('copyMailboxPage', { pass: PASS, now: history.now })]);
  });

  it('a page answering done ends the loop: the mailbox is finished as a success, no page more', async () => {
    const history = mailboxHistory();
    upToCopy(history);
    answer(history, 'copyMailboxPage', ok(page(false)));
    answer(history, 'copyMailboxPage', ok(page(true)));

    const result = await runMailbox(history);

    expect(result.scheduled).toEqual([step('finishMailbox', { outcome: { ok: true }, now: history.now })]);
    expect(result.actions.filter((action) => 'functionName' in action && action.functionName === 'copyMailboxPage')).toHaveLength(2);
  });

  it('a page paused until a future resumeAt: a durable timer until then, not another page', async () => {
    const history = mailboxHistory();
    upToCopy(history);
    answer(history, 'copyMailboxPage', ok(page(false, '2026-01-05T10:30:00.000Z')));

    const result = await runMailbox(history);

    expect(result.scheduled).toEqual([createTimer('2026-01-05T10:30:00.000Z')]);
  });

  it('the resumeAt timer fired: the page is asked again, with the same pass and the time the timer fired', async () => {
    const history = mailboxHistory();
    upToCopy(history);
    answer(history, 'copyMailboxPage', ok(page(false, '2026-01-05T10:30:00.000Z')));
    history.timer('2026-01-05T10:30:00.000Z');

    const result = await runMailbox(history);

    expect(result.scheduled).toEqual([step('copyMailboxPage', { pass: PASS, now: '2026-01-05T10:30:00.000Z' })]);
  });

  it('another run holding the mailbox: the page waits until the lease ends, then comes back and goes on to the end', async () => {
    const history = mailboxHistory(incrementalSync);
    answer(history, 'startMailbox', ok(undefined));
    answer(history, 'prepareMailboxCopy', ok(PLAN));
    const busyUntil = history.later(60_000);
    answer(history, 'copyMailboxPage', ok({ done: false, byType: {}, resumeAt: busyUntil }));
    history.timer(busyUntil);
    answer(history, 'copyMailboxPage', ok(page(true)));
    answer(history, 'finishMailbox', ok('Synced'));

    const result = await runMailbox(history);

    expect(names(result.actions)).toEqual([
      'startMailbox',
      'prepareMailboxCopy',
      'copyMailboxPage',
      ActionType.CreateTimer,
      'copyMailboxPage',
      'finishMailbox',
    ]);
    expect(result.actions[3]).toEqual(createTimer(busyUntil));
    expect(result.actions[4]).toEqual(step('copyMailboxPage', { pass: PASS, now: busyUntil }));
    expect(result.output).toEqual({ status: 'Synced' });
  });

  it('a resumeAt already past makes no timer: the next page at once', async () => {
    const history = mailboxHistory();
    upToCopy(history);
    answer(history, 'copyMailboxPage', ok(page(false, T0)));

    const result = await runMailbox(history);

    expect(result.scheduled).toEqual([step('copyMailboxPage', { pass: PASS, now: history.now })]);
  });

  it('49 pages do not continue as new yet: the 50th page is asked for', async () => {
    const history = mailboxHistory();
    upToCopy(history);
    for (let n = 0; n < 49; n += 1) answer(history, 'copyMailboxPage', ok(page(false)));

    const result = await runMailbox(history);

    expect(result.continuedAsNew).toBeUndefined();
    expect(result.scheduled).toEqual([step('copyMailboxPage', { pass: PASS, now: history.now })]);
  });

  it('after 50 pages (paused ones count too): continues as new, copying the same pass', async () => {
    const history = mailboxHistory();
    upToCopy(history);
    const resumeAt = history.later(30_000);
    answer(history, 'copyMailboxPage', ok(page(false, resumeAt)));
    history.timer(resumeAt);
    for (let n = 1; n < 50; n += 1) answer(history, 'copyMailboxPage', ok(page(false)));

    const result = await runMailbox(history);

    const continued: MailboxMigrationInput = { ...initialSync, resume: { copying: { pass: PASS } } };
    expect(result.scheduled).toEqual([]);
    expect(result.continuedAsNew).toEqual({ input: continued });
    expect(result.actions.at(-1)).toEqual(continueAsNew(continued));
    expect(result.isDone).toBe(true);
    expect(result.output).toBeUndefined();
  });

  it('continued while copying: asks for the next page of the same pass, without starting, provisioning or preparing again', async () => {
    const later = '2026-01-05T13:00:00.000Z';
    const resumed: MailboxMigrationInput = { ...initialSync, resume: { copying: { pass: PASS } } };

    const result = await runMailbox(mailboxHistory(resumed, later));

    expect(result.actions).toEqual([step('copyMailboxPage', { pass: PASS, now: later })]);
  });

  it('continued while copying: a page answering done finishes the mailbox', async () => {
    const history = mailboxHistory({ ...incrementalSync, resume: { copying: { pass: PASS } } }, '2026-01-05T13:00:00.000Z');
    answer(history, 'copyMailboxPage', ok(page(true)));
    answer(history, 'finishMailbox', ok('Synced'));

    const result = await runMailbox(history);

    expect(names(result.actions)).toEqual(['copyMailboxPage', 'finishMailbox']);
    expect(result.output).toEqual({ status: 'Synced' });
  });

  it('a whole initial sync: every step in order, each with the retry policy, ending with the status finishMailbox gives', async () => {
    const history = mailboxHistory();
    upToCopy(history);
    answer(history, 'copyMailboxPage', ok(page(false)));
    answer(history, 'copyMailboxPage', ok(page(true)));
    const finishAt = history.now;
    answer(history, 'finishMailbox', ok('Synced'));

    const result = await runMailbox(history);

    expect(result.isDone).toBe(true);
    expect(result.output).toEqual({ status: 'Synced' });
    expect(result.scheduled).toEqual([]);
    expect(names(result.actions)).toEqual([
      'startMailbox',
      'provisionMailbox',
      'forwardMailbox',
      'prepareMailboxCopy',
      'copyMailboxPage',
      'copyMailboxPage',
      'finishMailbox',
    ]);
    for (const action of result.actions) expect(action).toMatchObject({ actionType: ActionType.CallActivityWithRetry, retryOptions: STEP_RETRY });
    expect(result.actions.at(-1)).toEqual(step('finishMailbox', { outcome: { ok: true }, now: finishAt }));
  });
});
