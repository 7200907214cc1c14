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

export interface MailboxRefInput { batchId: string; mailboxKey: string }

export interface BatchPlan {
  maxConcurrentMigrations: number;
  maxConcurrentIncrementalSyncs: number;
  incrementalIntervalMs: number;
}

export interface CopyPageOutput {
  sourcePath: string; done: boolean; copied: number; matched: number; skipped: number; bytes: number; lastCopiedUid: number;
  /** The target paused the copy: the next page waits until this time (ISO), on a durable timer. */
  resumeAt?: string;
}

export type ProvisionOutput = { state: 'ready' } | { state: 'waiting'; recheckAfterSeconds: number };

export interface FolderPlanOutput { sourcePath: string; targetPath: string; messages: number }

export interface PreflightOutput { ok: boolean; reason?: string; eligible: string[]; failed: number }
