import * as df from 'durable-functions';
import type { ActivityHandler } from 'durable-functions';
import { getServices } from '../compositionRoot';
import type { BatchStatus } from '../core/batch/batchStatus';
import type { MailboxStatus } from '../core/mailbox/mailboxStatus';
import type { ReportPhase } from '../core/reports/migrationReports';
import type { SyncMode } from '../services/migration/mailboxSteps';
import { MigrationError } from '../core/errors/migrationError';
import { ACTIVITY, type MailboxRefInput, type StepOutcome } from './activityNames';

/**
 * The batch's activities: each takes ids (never mail or CSV contents), calls one step of the
 * services and returns a small JSON summary. Every step is safe to run twice.
 */
interface BatchInput {
  batchId: string;
  now: string;
}

const loadBatchPlan: ActivityHandler = (input: BatchInput) => {
  const services = getServices();
  return services.batchSteps.plan(input.batchId, services.config.incrementalSyncMinutesOverride);
};
const preflightBatch: ActivityHandler = (input: BatchInput) => getServices().batchSteps.preflight(input.batchId, input.now);
const setBatchStatus: ActivityHandler = async (input: BatchInput & { status: BatchStatus; detail?: string }) => {
  const batch = await getServices().batchSteps.setStatus(input.batchId, input.status, input.now, input.detail);
  return { status: batch.status, counts: batch.counts };
};
const listMailboxKeys: ActivityHandler = (input: BatchInput & { statuses: MailboxStatus[] }) =>
  getServices().batchSteps.mailboxKeys(input.batchId, input.statuses);
const requeueMailboxes: ActivityHandler = (input: BatchInput & { statuses: MailboxStatus[] }) =>
  getServices().batchSteps.requeue(input.batchId, input.statuses, input.now);
const writeBatchReports: ActivityHandler = (input: BatchInput & { phase: ReportPhase }) =>
  getServices().batchSteps.report(input.batchId, input.phase, input.now);

interface MailboxInput {
  ref: MailboxRefInput;
  now: string;
}

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

/** Retry-After hints up to this long are left to the activity retry policy's own back-off (5 s and up). */
const RETRY_AFTER_WAITED_HERE_SECONDS = 5;

const startMailbox: ActivityHandler = (input: MailboxInput & { mode: SyncMode }) =>
  outcomeOf(() => getServices().mailboxSteps.start(input.ref, input.mode, input.now));
const provisionMailbox: ActivityHandler = (input: MailboxInput) => outcomeOf(() => getServices().mailboxSteps.provision(input.ref, input.now));
const forwardMailbox: ActivityHandler = (input: MailboxInput) => outcomeOf(() => getServices().mailboxSteps.forward(input.ref));
const prepareMailboxFolders: ActivityHandler = (input: MailboxInput) => outcomeOf(() => getServices().mailboxSteps.prepareFolders(input.ref, input.now));
const copyMailboxPage: ActivityHandler = (input: MailboxInput & { sourcePath: string }) =>
  outcomeOf(() => getServices().mailboxSteps.copyPage(input.ref, input.sourcePath, input.now));
const syncMailboxFlags: ActivityHandler = (input: MailboxInput & { sourcePath: string }) =>
  outcomeOf(() => getServices().mailboxSteps.syncFlags(input.ref, input.sourcePath));
const finishMailbox: ActivityHandler = (input: MailboxInput & { outcome: { ok: true } | { ok: false; error: string; code?: string } }) =>
  outcomeOf(() => getServices().mailboxSteps.finish(input.ref, input.outcome, input.now));
const completeMailbox: ActivityHandler = (input: MailboxInput) => getServices().mailboxSteps.complete(input.ref, input.now);

const handlers: Record<keyof typeof ACTIVITY, ActivityHandler> = {
  loadBatchPlan,
  preflightBatch,
  setBatchStatus,
  listMailboxKeys,
  requeueMailboxes,
  writeBatchReports,
  startMailbox,
  provisionMailbox,
  forwardMailbox,
  prepareMailboxFolders,
  copyMailboxPage,
  syncMailboxFlags,
  finishMailbox,
  completeMailbox,
};

for (const [key, handler] of Object.entries(handlers)) {
  df.app.activity(ACTIVITY[key as keyof typeof ACTIVITY], { handler });
}
