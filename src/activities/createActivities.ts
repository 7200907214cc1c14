import { MigrationError } from '../core/errors/migrationError';
import type { StepOutcome } from '../contract/stepResults';
import type { ActivityInput, ActivityName, ActivityOutput } from '../contract/activities';
import type { BatchSteps } from '../services/migration/batchSteps';
import type { CopySteps } from '../services/migration/copySteps';
import type { ProvisioningSteps } from '../services/migration/provisioningSteps';

/** What the activities are built over: the steps, and the one setting a batch plan reads. */
export interface ActivityDependencies {
  batchSteps: Pick<BatchSteps, 'plan' | 'preflight' | 'setStatus' | 'mailboxKeys' | 'requeue' | 'report'>;
  provisioningSteps: Pick<ProvisioningSteps, 'start' | 'provision' | 'forward' | 'finish' | 'complete'>;
  copySteps: Pick<CopySteps, 'prepare' | 'copyPage'>;
  incrementalSyncMinutesOverride?: number;
}

export type ActivityHandlers = { [K in ActivityName]: (input: ActivityInput<K>) => Promise<ActivityOutput<K>> };

/**
 * Every activity, typed by the contract: each takes ids (never mail or CSV contents), calls one step of
 * the services and returns a small JSON summary. Every step is safe to run twice. `dependencies` is
 * asked for at each call, so the app's services are built once the host has its settings.
 */
export function createActivities(dependencies: () => ActivityDependencies): ActivityHandlers {
  const batch = () => dependencies().batchSteps;
  const mailbox = () => dependencies().provisioningSteps;
  const copy = () => dependencies().copySteps;
  return {
    loadBatchPlan: (input) => batch().plan(input.batchId, dependencies().incrementalSyncMinutesOverride),
    preflightBatch: (input) => batch().preflight(input.batchId, input.now),
    setBatchStatus: async (input) => {
      const updated = await batch().setStatus(input.batchId, input.status, input.now, input.detail);
      return { status: updated.status, counts: updated.counts };
    },
    listMailboxKeys: (input) => batch().mailboxKeys(input.batchId, input.statuses),
    requeueMailboxes: (input) => batch().requeue(input.batchId, input.statuses, input.now),
    writeBatchReports: (input) => batch().report(input.batchId, input.phase, input.now),
    startMailbox: (input) => outcomeOf(() => mailbox().start(input.ref, input.mode, input.now)),
    provisionMailbox: (input) => outcomeOf(() => mailbox().provision(input.ref, input.now)),
    forwardMailbox: (input) => outcomeOf(() => mailbox().forward(input.ref)),
    prepareMailboxCopy: (input) => outcomeOf(() => copy().prepare(input.ref, input.pass, input.now)),
    copyMailboxPage: (input) => outcomeOf(() => copy().copyPage(input.ref, input.pass, input.now)),
    finishMailbox: (input) => outcomeOf(() => mailbox().finish(input.ref, input.outcome, input.now)),
    completeMailbox: (input) => mailbox().complete(input.ref, input.now),
  };
}

/** Retry-After hints up to this long are left to the activity retry policy's own back-off (5 s and up). */
const RETRY_AFTER_WAITED_HERE_SECONDS = 5;

/**
 * Runs a mailbox step and answers its outcome: permanent failures and transient ones with a Retry-After
 * are returned with their code (see StepOutcome); anything else is thrown for the retry policy.
 */
async function outcomeOf<T>(work: () => Promise<T>): Promise<StepOutcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (!(error instanceof MigrationError)) throw error;
    if (error.errorClass === 'permanent') return { ok: false, code: error.code, message: error.message };
    if (error.retryAfterSeconds !== undefined && error.retryAfterSeconds > RETRY_AFTER_WAITED_HERE_SECONDS) {
      return { ok: false, code: error.code, message: error.message, retryAfterSeconds: error.retryAfterSeconds };
    }
    throw error;
  }
}
