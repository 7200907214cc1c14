import type { MailboxStatus } from '../core/mailbox/mailboxStatus';
import type { SyncMode } from './stepResults';

/** The orchestrations' names as registered with the Functions host. */
export const ORCHESTRATION = {
  batch: 'batchMigration',
  mailbox: 'mailboxMigration',
} as const;

/** Events the administrator's actions raise on a waiting batch orchestration. */
export const BATCH_EVENT = { complete: 'complete', retry: 'retry' } as const;

export function batchInstanceId(batchId: string): string {
  return `batch-${batchId}`;
}

/** One instance per mailbox and pass (`-p<n>` after the first), so every pass starts a fresh history. */
export function mailboxInstanceId(batchId: string, mailboxKey: string, pass: number): string {
  return pass === 0 ? `mbx-${batchId}-${mailboxKey}` : `mbx-${batchId}-${mailboxKey}-p${pass}`;
}

/** What the batch does next. Every phase ends in continueAsNew, so the history stays short. */
export type BatchPhase = 'start' | 'retry' | 'resume' | 'waiting' | 'incremental' | 'completing';

/** A pass over many mailboxes, a page of them per generation. */
export interface BatchPass {
  kind: 'initial' | 'incremental' | 'complete';
  keys: string[];
  offset: number;
  /** Where the batch goes once every page is done. */
  then: 'initialReport' | 'incrementalDone' | 'completeMailboxes' | 'finalReport';
}

export interface BatchMigrationInput {
  batchId: string;
  phase: BatchPhase | 'pass' | BatchPass['then'];
  pass?: BatchPass;
  /** Counts passes after the first, so each one gets fresh mailbox instance ids. */
  generation: number;
}

export interface BatchMigrationOutput {
  status: 'Failed' | 'Completed' | 'CompletedWithErrors';
  reason?: string;
}

export interface MailboxMigrationInput {
  batchId: string;
  mailboxKey: string;
  mode: SyncMode;
  /**
   * Where a continued generation picks up: still waiting for the Exchange Online mailbox, or copying the
   * pass that started at `pass` (the ledger's containers know how far each folder and collection has come).
   */
  resume?: { provisioning: true; pass?: string } | { copying: { pass: string } };
}

export interface MailboxMigrationOutput {
  status: MailboxStatus;
}
