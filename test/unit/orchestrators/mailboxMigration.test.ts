import type { MailboxStep, MailboxStepInputs, MailboxStepValues } from '../../../src/contract/activities';
import { type MailboxMigrationInput, ORCHESTRATION } from '../../../src/contract/orchestrations';
import type { CopyPageSummary, FolderPlan, StepOutcome } from '../../../src/core/migration/stepResults';
import { mailboxMigration } from '../../../src/orchestrators/mailboxMigration';
import { HistoryBuilder, type Instant, type TaskRef } from '../../support/replay/historyBuilder';
import {
  ActionType,
  callActivityWithRetry,
  type CallActivityWithRetryAction,
  continueAsNew,
  createTimer,
  type RetryPolicy,
} from '../../support/replay/orchestratorActions';
import { replay } from '../../support/replay/replay';

/**
 * The mailbox orchestration, replayed through the durable-functions SDK: given a history, it schedules
 * exactly these actions. Each test writes the history up to one decision and checks that decision.
 */

const T0 = '2026-01-05T09:00:00.000Z';
const ref = { batchId: 'b1', mailboxKey: 'ann' };
const initialSync: MailboxMigrationInput = { ...ref, mode: 'initial' };
const incrementalSync: MailboxMigrationInput = { ...ref, mode: 'incremental' };
/** Every step's retry policy for thrown errors: 5 s, doubling, 4 attempts. */
const STEP_RETRY: RetryPolicy = { firstRetryIntervalInMilliseconds: 5_000, maxNumberOfAttempts: 4, backoffCoefficient: 2 };
const INBOX: FolderPlan = { sourcePath: 'INBOX', targetPath: 'Inbox', messages: 120 };
const SENT: FolderPlan = { sourcePath: 'Sent', targetPath: 'Sent Items', messages: 40 };

/** The action a mailbox step is scheduled with: the mailbox, the step's own input, the retry policy. */
function step<K extends MailboxStep>(name: K, input: MailboxStepInputs[K]): CallActivityWithRetryAction {
  return callActivityWithRetry(name, STEP_RETRY, { ref, ...input });
}

function ok<T>(value: T): StepOutcome<T> {
  return { ok: true, value };
}

function page(sourcePath: string, done: boolean, resumeAt?: string): CopyPageSummary {
  return { sourcePath, done, copied: 10, matched: 0, skipped: 0, recovered: 0, bytes: 40_960, lastCopiedUid: 100, ...(resumeAt ? { resumeAt } : {}) };
}

function mailboxHistory(input: MailboxMigrationInput = initialSync): HistoryBuilder {
  return new HistoryBuilder(ORCHESTRATION.mailbox, input, T0);
}

/** The orchestrator called a step; it answered `outcome` in the next episode. */
function answer<K extends MailboxStep>(history: HistoryBuilder, name: K, outcome: StepOutcome<MailboxStepValues[K]>, at?: Instant): TaskRef {
  return history.activity(name, outcome, { at });
}

/** An initial sync up to its folder plan: started, provisioned at once, forwarding set. */
function upToFolders(history: HistoryBuilder, folders: FolderPlan[]): void {
  answer(history, 'startMailbox', ok(undefined));
  answer(history, 'provisionMailbox', ok({ state: 'ready' }));
  answer(history, 'forwardMailbox', ok(undefined));
  answer(history, 'prepareMailboxFolders', ok(folders));
}

const runMailbox = (history: HistoryBuilder) => replay(mailboxMigration, history.build(), { instanceId: 'mbx-b1-ann' });

/** A groupware sync with nothing to do (the endpoint moves mail only). */
const GROUPWARE_DONE = { contacts: { synced: 0, skipped: 0, total: 0 }, events: { synced: 0, skipped: 0, total: 0 }, failedCollections: 0 };

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

  it('incremental sync: neither provisions nor forwards, goes straight to the folder plan', async () => {
    const history = mailboxHistory(incrementalSync);
    answer(history, 'startMailbox', ok(undefined));

    const result = await runMailbox(history);

    expect(result.actions).toEqual([step('startMailbox', { mode: 'incremental', now: T0 }), step('prepareMailboxFolders', { now: history.now })]);
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

  it('after 20 provisioning checks: waits out the 20th answer, then continues as new, still provisioning', async () => {
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

    expect(result.scheduled).toEqual([]);
    expect(result.continuedAsNew).toEqual({ input: { ...initialSync, resume: { provisioning: true } } });
    expect(result.actions.at(-1)).toEqual(continueAsNew({ ...initialSync, resume: { provisioning: true } }));
    expect(result.isDone).toBe(true);
    expect(result.output).toBeUndefined();
  });

  it('continued while provisioning: checks provisioning again without starting the mailbox again', async () => {
    const result = await runMailbox(mailboxHistory({ ...initialSync, resume: { provisioning: true } }));

    expect(result.actions).toEqual([step('provisionMailbox', { now: T0 })]);
  });
});

describe('mailboxMigration: step outcomes', () => {
  it('Retry-After: waits on a durable timer for the seconds the server asked', async () => {
    const history = mailboxHistory(incrementalSync);
    answer(history, 'startMailbox', ok(undefined));
    answer(
      history,
      'prepareMailboxFolders',
      { ok: false, code: 'Throttled', message: 'Too many requests', retryAfterSeconds: 120 },
      '2026-01-05T09:05:00.000Z',
    );

    const result = await runMailbox(history);

    expect(result.scheduled).toEqual([createTimer('2026-01-05T09:07:00.000Z')]);
  });

  it('Retry-After timer fired: the same step again, told the clock of this call', async () => {
    const history = mailboxHistory(incrementalSync);
    answer(history, 'startMailbox', ok(undefined));
    const firstCallAt = history.now;
    answer(history, 'prepareMailboxFolders', { ok: false, code: 'Throttled', message: 'Too many requests', retryAfterSeconds: 120 });
    history.timer(history.later(120_000));

    const result = await runMailbox(history);

    expect(firstCallAt).toBe('2026-01-05T09:00:01.000Z');
    expect(history.now).toBe('2026-01-05T09:02:02.000Z');
    expect(result.scheduled).toEqual([step('prepareMailboxFolders', { now: history.now })]);
  });

  it('Retry-After: the 8th answer still waits', async () => {
    const history = mailboxHistory(incrementalSync);
    answer(history, 'startMailbox', ok(undefined));
    for (let wait = 1; wait < 8; wait += 1) {
      answer(history, 'prepareMailboxFolders', { ok: false, code: 'Throttled', message: 'Too many requests', retryAfterSeconds: 30 });
      history.timer(history.later(30_000));
    }
    answer(history, 'prepareMailboxFolders', { ok: false, code: 'Throttled', message: 'Too many requests', retryAfterSeconds: 30 });

    const result = await runMailbox(history);

    expect(result.scheduled).toEqual([createTimer(history.later(30_000))]);
  });

  it("Retry-After: after 8 waits the next answer finishes the mailbox as failed with the step's code and message", async () => {
    const history = mailboxHistory(incrementalSync);
    answer(history, 'startMailbox', ok(undefined));
    for (let wait = 1; wait <= 8; wait += 1) {
      answer(history, 'prepareMailboxFolders', { ok: false, code: 'Throttled', message: 'Too many requests', retryAfterSeconds: 30 });
      history.timer(history.later(30_000));
    }
    answer(history, 'prepareMailboxFolders', { ok: false, code: 'Throttled', message: 'Too many requests', retryAfterSeconds: 30 });

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
    history.activityFailingEveryAttempt('prepareMailboxFolders', STEP_RETRY, 'IMAP connection dropped');

    const result = await runMailbox(history);

    // The retries are the SDK's: the step's own action appears once, the failure only after the 4th attempt.
    expect(result.actions.filter((action) => 'functionName' in action && action.functionName === 'prepareMailboxFolders')).toHaveLength(1);
    // The SDK joins a failure as `${Reason} \n ${Details}`: the mailbox's error is the reason, trimmed.
    expect(result.scheduled).toEqual([
      step('finishMailbox', { outcome: { ok: false, error: 'IMAP connection dropped', code: 'StepFailed' }, now: history.now }),
    ]);
  });

  it('a failure the host reports as "Result: Failure / Exception: ..." keeps only the exception\'s message', async () => {
    const history = mailboxHistory();
    answer(history, 'startMailbox', ok(undefined));
    answer(history, 'provisionMailbox', ok({ state: 'ready' }));
    answer(history, 'forwardMailbox', ok(undefined));
    history.activityFailingEveryAttempt(
      'prepareMailboxFolders',
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
    history.activityWithRetries('prepareMailboxFolders', STEP_RETRY, ['socket hang up'], ok([INBOX]));

    const result = await runMailbox(history);

    expect(result.scheduled).toEqual([step('copyMailboxPage', { sourcePath: 'INBOX', now: history.now })]);
  });
});

describe('mailboxMigration: copying pages', () => {
  it("copies the first folder's first page once the folders are planned", async () => {
    const history = mailboxHistory();
    upToFolders(history, [INBOX, SENT]);

    const result = await runMailbox(history);

    expect(result.scheduled).toEqual([step('copyMailboxPage', { sourcePath: 'INBOX', now: history.now })]);
  });

  it("a page that is not the folder's last asks for the next page of the same folder", async () => {
    const history = mailboxHistory();
    upToFolders(history, [INBOX, SENT]);
    answer(history, 'copyMailboxPage', ok(page('INBOX', false)));

    const result = await runMailbox(history);

    expect(result.scheduled).toEqual([step('copyMailboxPage', { sourcePath: 'INBOX', now: history.now })]);
  });

  it("a folder's last page: syncs the folder's flags, then copies the next folder", async () => {
    const history = mailboxHistory();
    upToFolders(history, [INBOX, SENT]);
    answer(history, 'copyMailboxPage', ok(page('INBOX', true)));
    const flagsAt = history.now;
    answer(history, 'syncMailboxFlags', ok({ updated: 3 }));

    const result = await runMailbox(history);

    expect(result.actions.slice(-2)).toEqual([
      step('syncMailboxFlags', { sourcePath: 'INBOX', now: flagsAt }),
      step('copyMailboxPage', { sourcePath: 'Sent', now: history.now }),
    ]);
    expect(result.scheduled).toEqual([step('copyMailboxPage', { sourcePath: 'Sent', now: history.now })]);
  });

  it('a page paused until a future resumeAt: a durable timer until then', async () => {
    const history = mailboxHistory();
    upToFolders(history, [INBOX]);
    answer(history, 'copyMailboxPage', ok(page('INBOX', false, '2026-01-05T10:30:00.000Z')));

    const result = await runMailbox(history);

    expect(result.scheduled).toEqual([createTimer('2026-01-05T10:30:00.000Z')]);
  });

  it('the resumeAt timer fired: the next page, at the time the timer fired', async () => {
    const history = mailboxHistory();
    upToFolders(history, [INBOX]);
    answer(history, 'copyMailboxPage', ok(page('INBOX', false, '2026-01-05T10:30:00.000Z')));
    history.timer('2026-01-05T10:30:00.000Z');

    const result = await runMailbox(history);

    expect(result.scheduled).toEqual([step('copyMailboxPage', { sourcePath: 'INBOX', now: '2026-01-05T10:30:00.000Z' })]);
  });

  it('a resumeAt already past makes no timer: the next page at once', async () => {
    const history = mailboxHistory();
    upToFolders(history, [INBOX]);
    answer(history, 'copyMailboxPage', ok(page('INBOX', false, T0)));

    const result = await runMailbox(history);

    expect(result.scheduled).toEqual([step('copyMailboxPage', { sourcePath: 'INBOX', now: history.now })]);
  });

  it("flags paused until a future resumeAt: waits, then syncs the same folder's flags again", async () => {
    const history = mailboxHistory();
    upToFolders(history, [INBOX]);
    answer(history, 'copyMailboxPage', ok(page('INBOX', true)));
    answer(history, 'syncMailboxFlags', ok({ updated: 500, resumeAt: '2026-01-05T11:00:00.000Z' }));
    history.timer('2026-01-05T11:00:00.000Z');

    const result = await runMailbox(history);

    expect(result.actions.slice(-2)).toEqual([
      createTimer('2026-01-05T11:00:00.000Z'),
      step('syncMailboxFlags', { sourcePath: 'INBOX', now: '2026-01-05T11:00:00.000Z' }),
    ]);
  });

  it('after 50 pages (flag syncs count too): continues as new with the folders and the folder it is in', async () => {
    const history = mailboxHistory();
    upToFolders(history, [INBOX, SENT]);
    answer(history, 'copyMailboxPage', ok(page('INBOX', true)));
    answer(history, 'syncMailboxFlags', ok({ updated: 0 }));
    for (let n = 0; n < 48; n += 1) answer(history, 'copyMailboxPage', ok(page('Sent', false)));

    const result = await runMailbox(history);

    const resumed: MailboxMigrationInput = { ...initialSync, resume: { folders: [INBOX, SENT], folderIndex: 1 } };
    expect(result.scheduled).toEqual([]);
    expect(result.continuedAsNew).toEqual({ input: resumed });
    expect(result.isDone).toBe(true);
  });

  it('49 pages do not continue as new yet', async () => {
    const history = mailboxHistory();
    upToFolders(history, [INBOX]);
    for (let n = 0; n < 49; n += 1) answer(history, 'copyMailboxPage', ok(page('INBOX', false)));

    const result = await runMailbox(history);

    expect(result.continuedAsNew).toBeUndefined();
    expect(result.scheduled).toEqual([step('copyMailboxPage', { sourcePath: 'INBOX', now: history.now })]);
  });

  it('continued while copying: picks up at the folder it was in, without starting, provisioning or planning again', async () => {
    const resumed: MailboxMigrationInput = { ...initialSync, resume: { folders: [INBOX, SENT], folderIndex: 1 } };

    const result = await runMailbox(mailboxHistory(resumed));

    expect(result.actions).toEqual([step('copyMailboxPage', { sourcePath: 'Sent', now: T0 })]);
  });

  it('contacts and calendars come after the flags; another run holding the mailbox makes the step wait and come back', async () => {
    const history = mailboxHistory(incrementalSync);
    answer(history, 'startMailbox', ok(undefined));
    answer(history, 'prepareMailboxFolders', ok([INBOX]));
    answer(history, 'copyMailboxPage', ok(page('INBOX', true)));
    answer(history, 'syncMailboxFlags', ok({ updated: 0 }));
    const busyUntil = new Date(Date.parse(history.now) + 60_000).toISOString();
    answer(history, 'syncMailboxGroupware', ok({ ...GROUPWARE_DONE, resumeAt: busyUntil }));
    const waiting = await runMailbox(history);
    expect(waiting.scheduled).toEqual([createTimer(busyUntil)]);

    history.timer(busyUntil);
    const again = await runMailbox(history);
    expect(again.scheduled).toEqual([step('syncMailboxGroupware', { now: history.now })]);
  });

  it('a whole initial sync: every step in order, each with the retry policy, ending with the status finishMailbox gives', async () => {
    const history = mailboxHistory();
    upToFolders(history, [INBOX]);
    answer(history, 'copyMailboxPage', ok(page('INBOX', true)));
    answer(history, 'syncMailboxFlags', ok({ updated: 0 }));
    answer(history, 'syncMailboxGroupware', ok(GROUPWARE_DONE));
    const finishAt = history.now;
    answer(history, 'finishMailbox', ok('Synced'));

    const result = await runMailbox(history);

    expect(result.isDone).toBe(true);
    expect(result.output).toEqual({ status: 'Synced' });
    expect(result.scheduled).toEqual([]);
    expect(result.actions.map((action) => (action.actionType === ActionType.CallActivityWithRetry ? action.functionName : action.actionType))).toEqual([
      'startMailbox',
      'provisionMailbox',
      'forwardMailbox',
      'prepareMailboxFolders',
      'copyMailboxPage',
      'syncMailboxFlags',
      'syncMailboxGroupware',
      'finishMailbox',
    ]);
    for (const action of result.actions) expect(action).toMatchObject({ actionType: ActionType.CallActivityWithRetry, retryOptions: STEP_RETRY });
    expect(result.actions.at(-1)).toEqual(step('finishMailbox', { outcome: { ok: true }, now: finishAt }));
  });
});
