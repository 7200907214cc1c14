import type { BatchStatus } from '../core/batch/batchStatus';
import type { MigrationBatch } from '../core/batch/migrationBatch';
import type { MailboxStatus } from '../core/mailbox/mailboxStatus';
import type {
  BatchPlan,
  CopyPageSummary,
  CopyPlan,
  MailboxPassOutcome,
  MailboxRef,
  PreflightResult,
  ProvisionOutcome,
  ReportSummary,
  StepOutcome,
  SyncMode,
} from './stepResults';
import type { ReportPhase } from '../core/reports/migrationReports';

/**
 * The one contract between the orchestrations and the activities: each activity's name, what it takes
 * and what it gives back. Orchestrators call activities only through `callActivity`
 * (orchestrators/callActivity.ts), which is typed by this map; the activities are built against it
 * (activities/createActivities.ts). Inputs carry ids and the orchestration's clock (`now`), never contents.
 */
export interface BatchActivityContract {
  loadBatchPlan: { input: BatchStepInput; output: BatchPlan };
  preflightBatch: { input: BatchStepInput; output: PreflightResult };
  setBatchStatus: { input: BatchStepInput & { status: BatchStatus; detail?: string }; output: Pick<MigrationBatch, 'status' | 'counts'> };
  listMailboxKeys: { input: BatchStepInput & { statuses: MailboxStatus[] }; output: string[] };
  requeueMailboxes: { input: BatchStepInput & { statuses: MailboxStatus[] }; output: number };
  writeBatchReports: { input: BatchStepInput & { phase: ReportPhase }; output: ReportSummary };
  completeMailbox: { input: MailboxStepInput; output: MailboxStatus };
}

/** The steps of a mailbox's pass: what each takes besides the mailbox (`ref`). */
export interface MailboxStepInputs {
  startMailbox: { mode: SyncMode; now: string };
  provisionMailbox: { now: string };
  forwardMailbox: Record<string, never>;
  /** `pass`: the pass's start time, its name in the ledger (bad items and retries are counted per pass). */
  prepareMailboxCopy: { pass: string; now: string };
  copyMailboxPage: { pass: string; now: string };
  finishMailbox: { outcome: MailboxPassOutcome; now: string };
}

/** The steps of a mailbox's pass: the value each gives back inside its StepOutcome. */
export interface MailboxStepValues {
  startMailbox: void;
  provisionMailbox: ProvisionOutcome;
  forwardMailbox: void;
  prepareMailboxCopy: CopyPlan;
  copyMailboxPage: CopyPageSummary;
  finishMailbox: MailboxStatus;
}

export type MailboxStep = keyof MailboxStepValues;

/** Each mailbox step takes the mailbox and its own input, and answers a StepOutcome of its value. */
export type MailboxStepContract = { [K in MailboxStep]: { input: { ref: MailboxRef } & MailboxStepInputs[K]; output: StepOutcome<MailboxStepValues[K]> } };

export type ActivityContract = BatchActivityContract & MailboxStepContract;

export type ActivityName = keyof ActivityContract;
export type ActivityInput<K extends ActivityName> = ActivityContract[K]['input'];
export type ActivityOutput<K extends ActivityName> = ActivityContract[K]['output'];

/** A batch step's input: the batch and the orchestration's clock. */
export interface BatchStepInput {
  batchId: string;
  now: string;
}

/** A mailbox step's input: the mailbox and the orchestration's clock. */
export interface MailboxStepInput {
  ref: MailboxRef;
  now: string;
}

/** Every activity's name, as registered with the Functions host (the names are the contract's keys). */
export const ACTIVITY_NAMES: readonly ActivityName[] = [
  'loadBatchPlan',
  'preflightBatch',
  'setBatchStatus',
  'listMailboxKeys',
  'requeueMailboxes',
  'writeBatchReports',
  'startMailbox',
  'provisionMailbox',
  'forwardMailbox',
  'prepareMailboxCopy',
  'copyMailboxPage',
  'finishMailbox',
  'completeMailbox',
] satisfies readonly ActivityName[];
