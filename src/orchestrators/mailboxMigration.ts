import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import {
  ACTIVITY,
  type CopyPageOutput,
  type FolderPlanOutput,
  ORCHESTRATION,
  type ProvisionOutput,
  type StepOutcome,
  type SyncFlagsOutput,
} from '../activities/activityNames';
import { addMilliseconds } from '../core/time/addMilliseconds';
import { parseInstant } from '../core/time/parseInstant';

export interface MailboxMigrationInput {
  batchId: string;
  mailboxKey: string;
  mode: 'initial' | 'incremental';
  /**
   * Where a continued generation picks up: still waiting for the Exchange Online mailbox, or copying,
   * with the folder list and the folder it was in.
   */
  resume?: { provisioning: true } | { folders: FolderPlanOutput[]; folderIndex: number };
}

export interface MailboxMigrationOutput {
  status: string;
}

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
 * sync only), then copy every folder page by page, then apply read/flag changes. Any failure
 * ends as a Failed mailbox with its reason: the batch goes on with the others.
 */
const mailboxMigration: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = context.df.getInput<MailboxMigrationInput>();
  const ref = { batchId: input.batchId, mailboxKey: input.mailboxKey };
  const now = () => context.df.currentUtcDateTime.toISOString();
  const waitUntil = (at: Date) => context.df.createTimer(at);
  /** Calls a step: retried on thrown errors, waited on for a Retry-After, ended on a permanent failure. */
  function* step<T>(name: string, body: Record<string, unknown>): Generator<Task, T, unknown> {
    for (let waits = 0; ; waits += 1) {
      const outcome = (yield context.df.callActivityWithRetry(name, stepRetry, { ref, ...body })) as StepOutcome<T>;
      if (outcome.ok) return outcome.value;
      if (outcome.retryAfterSeconds === undefined || waits >= MAX_RETRY_AFTER_WAITS) throw new StepFailed(outcome.code, outcome.message);
      yield waitUntil(addMilliseconds(context.df.currentUtcDateTime, outcome.retryAfterSeconds * 1000));
    }
  }
  try {
    let folders = input.resume && 'folders' in input.resume ? input.resume.folders : undefined;
    if (!folders) {
      if (!input.resume) yield* step<void>(ACTIVITY.startMailbox, { mode: input.mode, now: now() });
      if (input.mode === 'initial') {
        // Exchange Online may take up to 24 hours to create the mailbox: wait on durable timers, not retries.
        for (let checks = 0; ; checks += 1) {
          const provisioned = yield* step<ProvisionOutput>(ACTIVITY.provisionMailbox, { now: now() });
          if (provisioned.state === 'ready') break;
          if (checks + 1 >= PROVISION_CHECKS_PER_GENERATION) {
            context.df.continueAsNew({ ...input, resume: { provisioning: true } } satisfies MailboxMigrationInput);
            return undefined;
          }
          yield waitUntil(addMilliseconds(context.df.currentUtcDateTime, provisioned.recheckAfterSeconds * 1000));
        }
        yield* step<void>(ACTIVITY.forwardMailbox, {});
      }
      folders = yield* step<FolderPlanOutput[]>(ACTIVITY.prepareMailboxFolders, { now: now() });
    }
    let pages = 0;
    const startIndex = input.resume && 'folderIndex' in input.resume ? input.resume.folderIndex : 0;
    for (let index = startIndex; index < folders.length; index += 1) {
      const sourcePath = folders[index]!.sourcePath;
      for (let done = false; !done; pages += 1) {
        if (pages >= PAGES_PER_GENERATION) {
          context.df.continueAsNew({ ...input, resume: { folders, folderIndex: index } } satisfies MailboxMigrationInput);
          return undefined;
        }
        const page = yield* step<CopyPageOutput>(ACTIVITY.copyMailboxPage, { sourcePath, now: now() });
        done = page.done;
        // The target's budget is spent, creates await confirmation, or another run still holds the mailbox: come back when told.
        if (page.resumeAt && parseInstant(page.resumeAt) > context.df.currentUtcDateTime) yield waitUntil(parseInstant(page.resumeAt));
      }
      for (let synced = false; !synced; pages += 1) {
        const flags = yield* step<SyncFlagsOutput>(ACTIVITY.syncMailboxFlags, { sourcePath, now: now() });
        synced = flags.resumeAt === undefined;
        if (flags.resumeAt && parseInstant(flags.resumeAt) > context.df.currentUtcDateTime) yield waitUntil(parseInstant(flags.resumeAt));
      }
    }
    const status = yield* step<string>(ACTIVITY.finishMailbox, { outcome: { ok: true }, now: now() });
    return { status } satisfies MailboxMigrationOutput;
  } catch (error) {
    const failure = error instanceof StepFailed ? { error: error.message, code: error.code } : { error: reasonOf(error), code: 'StepFailed' };
    const status = yield* step<string>(ACTIVITY.finishMailbox, { outcome: { ok: false, ...failure }, now: now() });
    return { status } satisfies MailboxMigrationOutput;
  }
};

/** The activity's own message, without the SDK's wrapping ("Activity function 'x' failed: ..."). */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^Activity function '[^']+' failed:\s*/, '').split('\n')[0] ?? message;
}

df.app.orchestration(ORCHESTRATION.mailbox, mailboxMigration);
