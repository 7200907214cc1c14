/**
 * Names of the activities and orchestrations, and the shapes they exchange. Orchestrators import
 * this module only: never the activities themselves, which reach storage and the network.
 */
export const ACTIVITY = {
  loadBatchPlan: 'loadBatchPlan',
  preflightBatch: 'preflightBatch',
  setBatchStatus: 'setBatchStatus',
  listMailboxKeys: 'listMailboxKeys',
  requeueMailboxes: 'requeueMailboxes',
  writeBatchReports: 'writeBatchReports',
  startMailbox: 'startMailbox',
  provisionMailbox: 'provisionMailbox',
  forwardMailbox: 'forwardMailbox',
  prepareMailboxFolders: 'prepareMailboxFolders',
  copyMailboxPage: 'copyMailboxPage',
  syncMailboxFlags: 'syncMailboxFlags',
  finishMailbox: 'finishMailbox',
  completeMailbox: 'completeMailbox',
} as const;

export const ORCHESTRATION = {
  batch: 'batchMigration',
  mailbox: 'mailboxMigration',
} as const;

export const BATCH_EVENT = { complete: 'complete', retry: 'retry' } as const;

export function batchInstanceId(batchId: string): string {
  return `batch-${batchId}`;
}

/** One instance per mailbox and pass (`-p<n>` after the first), so every pass starts a fresh history. */
export function mailboxInstanceId(batchId: string, mailboxKey: string, pass: number): string {
  return pass === 0 ? `mbx-${batchId}-${mailboxKey}` : `mbx-${batchId}-${mailboxKey}-p${pass}`;
}

export interface MailboxRefInput {
  batchId: string;
  mailboxKey: string;
}

export interface BatchPlan {
  maxConcurrentMigrations: number;
  maxConcurrentIncrementalSyncs: number;
  incrementalIntervalMs: number;
}

/**
 * What a mailbox step answers. Failures that retrying cannot fix come back as `ok: false` with their code
 * (the orchestration ends the mailbox at once instead of spending retries on them); so do transient ones
 * the server said when to retry (`retryAfterSeconds`), which the orchestration waits out on a durable
 * timer. Any other error is thrown, for the activity retry policy.
 */
export type StepOutcome<T> = { ok: true; value: T } | { ok: false; code: string; message: string; retryAfterSeconds?: number };

export interface CopyPageOutput {
  sourcePath: string;
  done: boolean;
  copied: number;
  matched: number;
  skipped: number;
  recovered?: number;
  bytes: number;
  lastCopiedUid: number;
  /** The target paused the copy: the next page waits until this time (ISO), on a durable timer. */
  resumeAt?: string;
}

export interface SyncFlagsOutput {
  updated: number;
  resumeAt?: string;
}

export type ProvisionOutput = { state: 'ready' } | { state: 'waiting'; recheckAfterSeconds: number };

export interface FolderPlanOutput {
  sourcePath: string;
  targetPath: string;
  messages: number;
}

export interface PreflightOutput {
  ok: boolean;
  reason?: string;
  eligible: string[];
  failed: number;
}
