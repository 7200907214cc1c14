import * as df from 'durable-functions';
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { ACTIVITY, type CopyPageOutput, type FolderPlanOutput, ORCHESTRATION } from '../activities/activityNames';

export interface MailboxMigrationInput {
  batchId: string;
  mailboxKey: string;
  mode: 'initial' | 'incremental';
  /** Where a continued generation picks up: the folder list and the folder it was in. */
  resume?: { folders: FolderPlanOutput[]; folderIndex: number };
}

export interface MailboxMigrationOutput { status: string }

/** After this many pages the history starts afresh (continueAsNew), so a huge mailbox stays cheap to replay. */
const PAGES_PER_GENERATION = 50;

/** Transient failures of a step (a dropped connection, throttling) are retried with back-off. */
const stepRetry = new df.RetryOptions(5_000, 4);
stepRetry.backoffCoefficient = 2;
/** A new Exchange Online mailbox can take minutes to answer after its licence is assigned. */
const provisionRetry = new df.RetryOptions(10_000, 12);
provisionRetry.backoffCoefficient = 1.5;
provisionRetry.maxRetryIntervalInMilliseconds = 120_000;

/**
 * One mailbox of a batch: provision the cloud mailbox and forward on-premises mail to it (initial
 * sync only), then copy every folder page by page, then apply read/flag changes. Any failure
 * ends as a Failed mailbox with its reason: the batch goes on with the others.
 */
const mailboxMigration: OrchestrationHandler = function* (context: OrchestrationContext) {
  const input = context.df.getInput<MailboxMigrationInput>();
  const ref = { batchId: input.batchId, mailboxKey: input.mailboxKey };
  const now = () => context.df.currentUtcDateTime.toISOString();
  try {
    let folders = input.resume?.folders;
    if (!folders) {
      yield context.df.callActivity(ACTIVITY.startMailbox, { ref, mode: input.mode, now: now() });
      if (input.mode === 'initial') {
        yield context.df.callActivityWithRetry(ACTIVITY.provisionMailbox, provisionRetry, { ref });
        yield context.df.callActivityWithRetry(ACTIVITY.forwardMailbox, stepRetry, { ref });
      }
      folders = (yield context.df.callActivityWithRetry(ACTIVITY.prepareMailboxFolders, stepRetry, { ref, now: now() })) as FolderPlanOutput[];
    }
    let pages = 0;
    for (let index = input.resume?.folderIndex ?? 0; index < folders.length; index += 1) {
      const sourcePath = folders[index]!.sourcePath;
      for (let done = false; !done; pages += 1) {
        if (pages >= PAGES_PER_GENERATION) {
          context.df.continueAsNew({ ...input, resume: { folders, folderIndex: index } } satisfies MailboxMigrationInput);
          return undefined;
        }
        const page = (yield context.df.callActivityWithRetry(ACTIVITY.copyMailboxPage, stepRetry, { ref, sourcePath, now: now() })) as CopyPageOutput;
        done = page.done;
      }
      yield context.df.callActivityWithRetry(ACTIVITY.syncMailboxFlags, stepRetry, { ref, sourcePath });
    }
    const status = (yield context.df.callActivity(ACTIVITY.finishMailbox, { ref, outcome: { ok: true }, now: now() })) as string;
    return { status } satisfies MailboxMigrationOutput;
  } catch (error) {
    const status = (yield context.df.callActivity(ACTIVITY.finishMailbox, { ref, outcome: { ok: false, error: reasonOf(error) }, now: now() })) as string;
    return { status } satisfies MailboxMigrationOutput;
  }
};

/** The activity's own message, without the SDK's wrapping ("Activity function 'x' failed: ..."). */
function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^Activity function '[^']+' failed:\s*/, '').split('\n')[0] ?? message;
}

df.app.orchestration(ORCHESTRATION.mailbox, mailboxMigration);
