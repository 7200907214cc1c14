import type { FolderCheckpoint } from '../../core/copy/folderCheckpoint';
import type { Occurrence } from '../../core/copy/itemClaims';
import type { SkippedItem } from '../../core/copy/copyLimits';

export interface StoredCheckpoint {
  checkpoint: FolderCheckpoint;
  etag: string;
}

/** What the services need of the FolderStateRepository (storage/folderStateRepository.ts). */
export interface FolderStateStore {
  get(mailboxKey: string, sourcePath: string): Promise<StoredCheckpoint | undefined>;
  list(mailboxKey: string): Promise<FolderCheckpoint[]>;
  /** Inserts a folder's first checkpoint; false when one exists already (another run made it). */
  create(mailboxKey: string, checkpoint: FolderCheckpoint): Promise<boolean>;
  /** Replaces the checkpoint read with `etag`; a ConcurrencyError when another run wrote it since. Returns the new ETag. */
  save(mailboxKey: string, checkpoint: FolderCheckpoint, etag: string): Promise<string>;
  deleteMailbox(mailboxKey: string): Promise<void>;
}

/**
 * One source message (folder, UIDVALIDITY, UID) and what became of it, written once it is settled.
 * Which copy it owns is in the mailbox's item claims (itemClaimRepository.ts); this map lets a page
 * skip what is settled and lets flag sync find the copy of a UID.
 */
export interface ItemMapEntry {
  uidValidity: string;
  uid: number;
  /** `gone`: its copy existed and the user deleted it in the target; it is not made again. */
  state: 'copied' | 'skipped' | 'gone';
  targetId?: string;
  /** Hash of the message bytes: the item's identity in the claims. */
  contentKey: string;
  /** Which of the mailbox's byte-identical items it is (its claim occurrence). */
  occurrence: number;
  size: number;
  /** Source flags last applied to the target (JSON list), for incremental flag sync. */
  flagsJson: string;
  /** A skip the next pass tries again (the target caused it, or the source could not give the item). */
  retryable?: boolean;
  /** The pass (its start time) that last tried the item. */
  pass?: string;
}

/** What the services need of the ItemMapRepository (storage/itemMapRepository.ts). */
export interface ItemMapStore {
  scope(mailboxKey: string, sourcePath: string): string;
  /** Entries of one UIDVALIDITY with UIDs in [fromUid, toUid]. */
  listRange(scope: string, uidValidity: string, fromUid: number, toUid: number): Promise<ItemMapEntry[]>;
  listGeneration(scope: string, uidValidity: string): Promise<ItemMapEntry[]>;
  /** Skipped entries of a generation that a later pass tries again. */
  listRetryable(scope: string, uidValidity: string): Promise<ItemMapEntry[]>;
  /** Deletes the item maps of every folder of a mailbox (the folders' checkpoints name them). */
  deleteMailbox(
    mailboxKey: string,
    folders: {
      sourcePath: string;
    }[],
  ): Promise<void>;
  /** Writes entries in transactions of at most 100 (one partition per folder). */
  putAll(scope: string, entries: ItemMapEntry[]): Promise<void>;
}

export interface StoredClaim {
  occurrences: Occurrence[];
  etag: string;
}

/** What the services need of the ItemClaimRepository (storage/itemClaimRepository.ts). */
export interface ItemClaimStore {
  getMany(mailboxKey: string, contentKeys: string[]): Promise<Map<string, StoredClaim>>;
  /** Inserts a claim; undefined when one exists already (another run claimed the content first). Returns the ETag. */
  insert(mailboxKey: string, contentKey: string, occurrences: Occurrence[]): Promise<string | undefined>;
  /** Replaces a claim read with `etag`; undefined when it changed since (read it again). Returns the new ETag. */
  replace(mailboxKey: string, contentKey: string, occurrences: Occurrence[], etag: string): Promise<string | undefined>;
  deleteMailbox(mailboxKey: string): Promise<void>;
}

/** A lease on a mailbox's copy, held by one run (`holder`) until `expiresAt`; the ETag proves who still holds it. */
export interface HeldLease {
  holder: string;
  etag: string;
  expiresAt: string;
}

export type LeaseAnswer =
  | {
      held: HeldLease;
    }
  | {
      heldByOther: {
        expiresAt: string;
      };
    };

/** What the services need of the CopyLeaseRepository (storage/copyLeaseRepository.ts). */
export interface CopyLeaseStore {
  /** Takes the lease for `seconds` if it is free or expired (or already ours). */
  acquire(mailboxKey: string, holder: string, now: Date, seconds: number): Promise<LeaseAnswer>;
  /** Extends a lease we hold; undefined when it was lost (expired and taken by another run). */
  renew(mailboxKey: string, lease: HeldLease, now: Date, seconds: number): Promise<HeldLease | undefined>;
  /** Gives the lease back (only if still ours), so the next page need not wait for it to expire. */
  release(mailboxKey: string, lease: HeldLease): Promise<void>;
}

export interface StoredSkippedItem extends SkippedItem {
  mailboxKey: string;
  uidValidity: string;
  /** The pass (its start time) in which the item was skipped: BadItemLimit counts one pass. */
  pass?: string;
}

/** What the services need of the SkippedItemRepository (storage/skippedItemRepository.ts). */
export interface SkippedItemStore {
  putAll(batchId: string, items: StoredSkippedItem[]): Promise<void>;
  /** Removes rows of items that a later try copied after all. */
  deleteItems(batchId: string, items: Pick<StoredSkippedItem, 'mailboxKey' | 'sourcePath' | 'uidValidity' | 'uid'>[]): Promise<void>;
  /** How many items of a mailbox were skipped in a pass, large items left out (they have their own limit). */
  countBadItems(batchId: string, mailboxKey: string, pass: string): Promise<number>;
  deleteBatch(batchId: string): Promise<void>;
  listBatch(batchId: string): Promise<StoredSkippedItem[]>;
}

export interface ThroughputSample {
  at: string;
  items: number;
  bytes: number;
}

/** What the services need of the ThroughputRepository (storage/throughputRepository.ts). */
export interface ThroughputStore {
  record(batchId: string, mailboxKey: string, now: string, items: number, bytes: number): Promise<void>;
  list(batchId: string): Promise<ThroughputSample[]>;
}
