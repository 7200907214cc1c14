/**
 * What the migration's steps give back: small, JSON-safe summaries that cross between the services and
 * the Durable orchestrations (through the activity contract), never mail or CSV contents.
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

/** A pass's copy as prepared: how many containers (folders, address books, calendars) and items the source holds. */
export interface CopyPlan {
  containers: number;
  items: number;
}

/** One item type's share of a page, counted. */
export interface TypeCounts {
  /** Copies made by this page. */
  created: number;
  /** Copies found already made (by an interrupted run, another folder, or before the folder was renumbered). */
  matched: number;
  /** Copies brought up to date with a changed source item (a contact or event with a new ETag). */
  updated: number;
  /** Copies removed because their source item was deleted (contacts and events). */
  removed: number;
  skipped: number;
  /** Items skipped in an earlier pass that this page copied after all. */
  recovered: number;
  bytes: number;
}

/** One page of a mailbox's copy, counted. */
export interface CopyPageSummary {
  /** True when every folder, address book and calendar is up to date for this pass. */
  done: boolean;
  /** Mail, contacts and events, each counted apart (a type the page did not touch is absent). */
  byType: { mail?: TypeCounts; contact?: TypeCounts; event?: TypeCounts };
  /**
   * When the copy must wait (the target's budget is spent, some creates were not confirmed and must be looked
   * for once they have settled, the source asked to slow down, or another run holds the mailbox): the page
   * goes on at this time (ISO), not before.
   */
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
