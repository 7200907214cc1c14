import * as df from 'durable-functions';
import type { OrchestrationContext, Task } from 'durable-functions';
import type { MailboxStep, MailboxStepInputs, MailboxStepValues } from '../contract/activities';
import type { MailboxMigrationInput, MailboxMigrationOutput } from '../contract/orchestrations';
import { addMilliseconds } from '../core/time/addMilliseconds';
import { parseInstant } from '../core/time/parseInstant';
import { callMailboxStep } from './callActivity';

/** After this many pages the history starts afresh (continueAsNew), so a huge mailbox stays cheap to replay. */
const PAGES_PER_GENERATION = 50;
/** Likewise after this many looks at a mailbox that Exchange Online has not provisioned yet (up to 24 hours of them). */
const PROVISION_CHECKS_PER_GENERATION = 20;

/** Transient failures of a step (a dropped connection, throttling) are retried with back-off. */
const stepRetry = new df.RetryOptions(5_000, 4);
stepRetry.backoffCoefficient = 2;
/** How many times one step waits out a server's Retry-After before the mailbox fails with its reason. */
const MAX_RETRY_AFTER_WAITS = 8;

/** A step that failed for good: its code and sentence become the mailbox's error. */
class StepFailed extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * One mailbox of a batch: provision the cloud mailbox and forward on-premises mail to it (initial
 * sync only), then copy its mail, contacts and calendars page by page through the one copy engine (each
 * page also brings read and flagged changes over). Any failure ends as a Failed mailbox with its reason:
 * the batch goes on with the others.
 */
export function* mailboxMigration(context: OrchestrationContext): Generator<Task, MailboxMigrationOutput | undefined, unknown> {
  const input = context.df.getInput<MailboxMigrationInput>();
  const ref = { batchId: input.batchId, mailboxKey: input.mailboxKey };
  const now = () => context.df.currentUtcDateTime.toISOString();
  const waitUntil = (at: Date) => context.df.createTimer(at);
  /** Calls a step: retried on thrown errors, waited on for a Retry-After, ended on a permanent failure. */
  function* step<K extends MailboxStep>(name: K, body: MailboxStepInputs[K]): Generator<Task, MailboxStepValues[K], unknown> {
    for (let waits = 0; ; waits += 1) {
      // A step called again after a Retry-After wait is told the clock of that call, not the first one's.
      const current = 'now' in body && waits > 0 ? { ...body, now: now() } : body;
      const outcome = yield* callMailboxStep(context, name, { ref, ...current }, stepRetry);
      if (outcome.ok) return outcome.value;
      if (outcome.retryAfterSeconds === undefined || waits >= MAX_RETRY_AFTER_WAITS) throw new StepFailed(outcome.code, outcome.message);
      yield waitUntil(addMilliseconds(context.df.currentUtcDateTime, outcome.retryAfterSeconds * 1000));
    }
  }
  try {
    // The pass is named by its start: the clock startMailbox records as the mailbox's passStartedAt.
    let pass = input.resume && 'copying' in input.resume ? input.resume.copying.pass : undefined;
    if (pass === undefined) {
      if (input.resume && 'provisioning' in input.resume) pass = input.resume.pass;
      if (!input.resume) {
        pass = now();
        yield* step('startMailbox', { mode: input.mode, now: pass });
      }
      if (input.mode === 'initial') {
        // Exchange Online may take up to 24 hours to create the mailbox: wait on durable timers, not retries.
        for (let checks = 0; ; checks += 1) {
          const provisioned = yield* step('provisionMailbox', { now: now() });
          if (provisioned.state === 'ready') break;
          yield waitUntil(addMilliseconds(context.df.currentUtcDateTime, provisioned.recheckAfterSeconds * 1000));
          if (checks + 1 >= PROVISION_CHECKS_PER_GENERATION) {
            // The wait is over: the next generation asks again at once.
            context.df.continueAsNew({ ...input, resume: { provisioning: true, ...(pass ? { pass } : {}) } } satisfies MailboxMigrationInput);
            return undefined;
          }
        }
        yield* step('forwardMailbox', {});
      }
      pass ??= now();
      yield* step('prepareMailboxCopy', { pass, now: now() });
    }
    // One page loop for mail, contacts and calendars: each page takes what fits (count, bytes, time) and says when it is done.
    for (let pages = 0; ; pages += 1) {
      if (pages >= PAGES_PER_GENERATION) {
        context.df.continueAsNew({ ...input, resume: { copying: { pass } } } satisfies MailboxMigrationInput);
        return undefined;
      }
      const page = yield* step('copyMailboxPage', { pass, now: now() });
      // The target's budget is spent, creates await confirmation, the source asked to wait, or another run holds the mailbox.
      if (page.resumeAt && parseInstant(page.resumeAt) > context.df.currentUtcDateTime) yield waitUntil(parseInstant(page.resumeAt));
      else if (page.done) break;
    }
    const status = yield* step('finishMailbox', { outcome: { ok: true }, now: now() });
    return { status };
  } catch (error) {
    const failure = error instanceof StepFailed ? { error: error.message, code: error.code } : { error: reasonOf(error), code: 'StepFailed' };
    const status = yield* step('finishMailbox', { outcome: { ok: false, ...failure }, now: now() });
    return { status };
  }
}

/** The activity's own message, without the SDK's wrapping ("Activity function 'x' failed: ..."). */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const text = message.replace(/^Activity function '[^']+' failed:\s*/, '');
  // The Functions host may report a worker's failure as "Result: Failure\nException: <message>\nStack: ...".
  const exception = /^Exception:\s*(.*)$/m.exec(text)?.[1];
  return (exception ?? text.split('\n')[0] ?? text).trim();
}
