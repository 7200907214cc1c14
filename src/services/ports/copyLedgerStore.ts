import type { ContainerState } from '../../core/ledger/containerState';
import type { Stored } from '../../core/ledger/ledgerRows';

/**
 * One write to a mailbox's ledger partition. `insert` fails when the row exists (409), `replace` and
 * `delete` when it changed since it was read with `etag` (412) or is gone (404); `upsert` never fails.
 * Containers and the lease have writes of their own, so their rows keep one shape (storage maps them).
 */
export type LedgerWrite =
  | { op: 'insert'; key: string; row: object }
  | { op: 'replace'; key: string; row: object; etag: string }
  | { op: 'upsert'; key: string; row: object }
  | { op: 'delete'; key: string; etag: string }
  | { op: 'container'; container: ContainerState; etag?: string }
  | { op: 'lease'; lease: LeaseRow | 'release'; etag?: string };

/**
 * How a group of writes went: each write's new ETag (a delete has none), or which write was refused and
 * why; `untried` groups were not sent because an earlier one was refused (`stopAtRefusal`).
 */
export type GroupResult = { kind: 'written'; etags: (string | undefined)[] } | { kind: 'refused'; status: number; index: number } | { kind: 'untried' };

export type TransactResult =
  | { kind: 'written'; groups: (string | undefined)[][]; shared: (string | undefined)[] }
  | { kind: 'refused'; group: number; status: number }
  | { kind: 'sharedRefused' };

/** The mailbox's copy lease: which run may copy it, and until when (the holder renews it while it works). */
export interface LeaseRow {
  holder: string;
  expiresAt: string;
}

/** A mailbox's containers and its copy lease, read in one query. */
export interface MailboxContainers {
  containers: Map<string, Stored<ContainerState>>;
  lease?: Stored<LeaseRow>;
  /**
   * The mailbox's copy state was forgotten once (its batch completed and was removed): its copies are in
   * the target, and the ledger does not know them. Copies are looked for by marker until each container's
   * first pass ends.
   */
  forgotten?: boolean;
}

/**
 * A mailbox's copy state (storage/copyLedgerRepository.ts): one partition per mailbox holding its items
 * (one row each, keyed by stable source identity), its mail positions and skipped items, its containers
 * (one row per folder or collection, with the checkpoint: the UID checkpoint for IMAP, the sync token for
 * DAV) and its copy lease. Being one partition, a page's settlements, the counts and checkpoints of the
 * containers they change, and the lease's release go in the same entity-group transactions (up to 100
 * writes, https://learn.microsoft.com/rest/api/storageservices/performing-entity-group-transactions): no
 * count or checkpoint can say more or less than the rows, whatever point a run dies at.
 */
export interface CopyLedgerStore {
  /** The rows with these keys (absent keys are left out), a page's worth in a few queries. */
  read<T>(mailboxKey: string, keys: readonly string[]): Promise<Map<string, Stored<T>>>;
  /** The rows whose keys start with any of these prefixes. */
  readPrefixes<T>(mailboxKey: string, prefixes: readonly string[]): Promise<Map<string, Stored<T>>>;
  /** The rows with keys in [low, high], optionally only those whose `field` equals `value`. */
  readRange<T>(mailboxKey: string, low: string, high: string, where?: { field: string; value: string | boolean }): Promise<Map<string, Stored<T>>>;
  /** Every container of the mailbox and its lease. */
  loadContainers(mailboxKey: string): Promise<MailboxContainers>;
  /**
   * Writes groups of writes, each group whole or not at all, as many to a transaction as fit: a refused
   * group is answered, and the others are sent again without it; with `stopAtRefusal`, the groups not yet
   * written are answered `untried` instead (a caller that expects more refusals reads them first).
   */
  write(mailboxKey: string, groups: readonly (readonly LedgerWrite[])[], options?: { stopAtRefusal?: boolean }): Promise<GroupResult[]>;
  /**
   * One transaction: the groups and the `shared` writes (the containers' counts and checkpoints, the lease)
   * together, at most 100 writes. `refused` names the first group refused; `sharedRefused` says a shared
   * write was (another run changed a container, or took the lease). Either way nothing was applied.
   */
  transact(mailboxKey: string, groups: readonly (readonly LedgerWrite[])[], shared: readonly LedgerWrite[]): Promise<TransactResult>;
  /** Deletes the mailbox's copy state, leaving only the note that it was forgotten (MailboxContainers.forgotten). */
  forgetMailbox(mailboxKey: string): Promise<void>;
}

/** Table Storage runs at most 100 writes in one entity-group transaction. */
export const MAX_TRANSACTION_WRITES = 100;
