import type { ItemType } from '../copy/itemType';

/** How far a mail folder's copy has come. UIDs only grow within one UIDVALIDITY (RFC 3501 section 2.3.1.1). */
export interface MailCheckpoint {
  /** The UIDVALIDITY the UIDs below belong to (decimal string). */
  uidValidity: string;
  /** Every message with a UID up to this one is copied, skipped with a reason, or deleted on the source. */
  lastUid: number;
  /** HIGHESTMODSEQ at the last flag sync (RFC 7162), so the next asks only for what changed since. */
  flagsModseq?: string;
  /** Without CONDSTORE: a digest of every UID's flags at the last flag sync; the same digest means nothing changed. */
  flagsDigest?: string;
  /** The pass whose flag sync of this folder is done. */
  flagsPass?: string;
  /** The pass whose retry of earlier skipped items is done. */
  retriedPass?: string;
}

/**
 * How far an address book's or calendar's copy has come (RFC 6578 sync-collection). A pass lists what
 * changed since `syncToken` and works through it in key order, a page at a time; `cursor` is the last key
 * settled. Only when the listing is exhausted does `syncToken` move to `passToken`, the token of the pass's
 * first listing: a change made during the pass is listed again next pass, never lost.
 */
export interface DavCheckpoint {
  syncToken?: string;
  /** The token the running pass lists from ('' for a full listing), and the one it will end with. */
  passFrom?: string;
  passToken?: string;
  cursor?: string;
  /** Without sync-collection: a digest of every href and ETag of the last complete listing; the same digest means nothing changed. */
  listingDigest?: string;
  /**
   * A pass over the whole collection has ended: every copy in the target is in the ledger since. Until then
   * copies the ledger does not know may exist (a first pass that died, a mailbox migrated again after removal).
   */
  completed?: boolean;
  /**
   * Copies the ledger does not know are in the target (the collection was copied before and its ledger
   * forgotten): until the pass ends, items are looked for among the collection's marked copies.
   */
  foreign?: boolean;
}

/** What a container's copy has settled, summed into the mailbox's statistics. */
export interface ContainerCounts {
  /** Items settled as copied (made, found, or moved from another folder). */
  copied: number;
  skipped: number;
  bytes: number;
  /** Items the source holds, as it last said. */
  sourceItems: number;
  /** Skipped items a later pass tries again. */
  retryable: number;
  /** Items skipped in `pass` that count toward BadItemLimit (large items have their own limit). */
  bad?: { pass: string; count: number };
}

/**
 * A folder of mail, or an address book or calendar: where its items go in the target and how far their
 * copy has come. One row per container in the containers table, whatever its type.
 */
export interface ContainerState {
  /** The row key: the type and a hash of the container's identity (a folder's path, a collection's path). */
  key: string;
  type: ItemType;
  /** How the source names it: a folder's path, a collection's URL. */
  sourceId: string;
  /** What reports show: a folder's path, a collection's name. */
  displayName: string;
  /** The order the source listed it in; pages work through containers in this order. */
  order: number;
  /** Mail: the target path as text, for reports. */
  targetPath?: string;
  /** The target folder or collection, once made. */
  targetId?: string;
  /** A collection is the user's main address book or calendar (the mailbox's default Contacts or Calendar). */
  primary?: boolean;
  /** A calendar's own time zone (CalDAV calendar-timezone), for its all-day dates and floating times. */
  timeZone?: string;
  /** The source no longer has it: nothing more to copy until it comes back. */
  gone?: boolean;
  /** The container could not be copied in this pass (reported once; the others went on). */
  failed?: { pass: string; detail: string };
  /** The pass in which the container was last brought fully up to date. */
  passDone?: string;
  counts: ContainerCounts;
  mail?: MailCheckpoint;
  dav?: DavCheckpoint;
}

export function emptyCounts(): ContainerCounts {
  return { copied: 0, skipped: 0, bytes: 0, sourceItems: 0, retryable: 0 };
}

/** Bad items of a container in this pass. */
export function badItemsIn(container: ContainerState, pass: string): number {
  return container.counts.bad?.pass === pass ? container.counts.bad.count : 0;
}

/** Synced, skipped and total items of one type, summed over the containers. */
export function totalsOf(containers: Iterable<ContainerState>, type: ItemType): { synced: number; skipped: number; total: number; bytes: number } {
  let synced = 0;
  let skipped = 0;
  let sourceItems = 0;
  let bytes = 0;
  for (const c of containers) {
    if (c.type !== type) continue;
    synced += c.counts.copied;
    skipped += c.counts.skipped;
    // A container the source no longer has holds, for the statistics, what was settled from it.
    sourceItems += c.gone ? c.counts.copied + c.counts.skipped : c.counts.sourceItems;
    bytes += c.counts.bytes;
  }
  return { synced, skipped, total: Math.max(sourceItems, synced + skipped), bytes };
}
