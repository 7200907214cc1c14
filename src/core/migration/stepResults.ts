/**
 * What the migration's steps take and give back: small, JSON-safe summaries that cross between the
 * services and the Durable orchestrations (through the activity contract), never mail or CSV contents.
 */

/** A mailbox of a batch, by ids. */
export interface MailboxRef {
  batchId: string;
  mailboxKey: string;
}

/** The first copy of a mailbox, or a later pass that brings over what changed. */
export type SyncMode = 'initial' | 'incremental';

/** How a batch runs: its concurrency and how often it syncs again. */
export interface BatchPlan {
  maxConcurrentMigrations: number;
  maxConcurrentIncrementalSyncs: number;
  incrementalIntervalMs: number;
}

export interface PreflightResult {
  ok: boolean;
  /** Why the whole batch cannot start (directory synchronisation off). */
  reason?: string;
  /** Mailboxes that passed, to be migrated. */
  eligible: string[];
  failed: number;
}

/** What a batch report counted. */
export interface ReportSummary {
  migrated: number;
  failed: number;
}

/** Whether provisioning is done, or when to ask again. */
export type ProvisionOutcome = { state: 'ready' } | { state: 'waiting'; recheckAfterSeconds: number };

/** A folder to copy, as the orchestration sees it: ids and counts, no content. */
export interface FolderPlan {
  sourcePath: string;
  targetPath: string;
  messages: number;
}

/** One page of a folder's copy, counted. */
export interface CopyPageSummary {
  sourcePath: string;
  /** True when the folder has nothing more to copy right now. */
  done: boolean;
  /** Copies created by this page. */
  copied: number;
  /** Copies found already made (by an interrupted run, another folder, or before the folder was renumbered). */
  matched: number;
  skipped: number;
  /** Items skipped in an earlier pass that this page copied after all. */
  recovered: number;
  bytes: number;
  lastCopiedUid: number;
  /**
   * When the target paused the copy (its budget is spent, some creates were not confirmed and must be
   * looked for once they have settled, or another run holds the mailbox): the folder goes on at this
   * time (ISO), not before.
   */
  resumeAt?: string;
}

/** One item type's count after a groupware sync, as Get-MigrationUserStatistics reports items. */
export interface ItemTypeCount {
  synced: number;
  skipped: number;
  total: number;
}

/** A mailbox's contacts and calendars after a sync; `resumeAt` when another run holds the mailbox. */
export interface GroupwareSyncSummary {
  contacts: ItemTypeCount;
  events: ItemTypeCount;
  /** Address books or calendars that could not be copied (reported on the mailbox). */
  failedCollections: number;
  resumeAt?: string;
}

/** Read/flag changes applied; `resumeAt` when the target's budget ran out before all were. */
export interface FlagSyncResult {
  updated: number;
  resumeAt?: string;
}

/** How a mailbox's pass ended, as its orchestration tells the last step. */
export type MailboxPassOutcome = { ok: true } | { ok: false; error: string; code?: string };

/**
 * What a mailbox step answers. Failures that retrying cannot fix come back as `ok: false` with their code
 * (the orchestration ends the mailbox at once instead of spending retries on them); so do transient ones
 * the server said when to retry (`retryAfterSeconds`), which the orchestration waits out on a durable
 * timer. Any other error is thrown, for the activity retry policy.
 */
export type StepOutcome<T> = { ok: true; value: T } | { ok: false; code: string; message: string; retryAfterSeconds?: number };
