import type { ItemType } from '../../core/copy/itemType';
import type { CopyAction } from '../../core/ledger/copyAction';
import type { ContainerState } from '../../core/ledger/containerState';
import type { ItemRow, Stored } from '../../core/ledger/ledgerRows';
import type { LedgerWrite } from '../ports/copyLedgerStore';
import type { ItemLedger } from './itemLedger';
import type { RunClock } from './runClock';

/**
 * The copy engine (copyEngine.ts) runs one page loop and one ledger rule for every item type; an item-type
 * adapter supplies what differs: which containers the source has, how their items are read and known, and
 * the target's part of the rule (find by marker, create, update, move, remove). Two adapters exist: mail
 * (an IMAP source: folders, UID pages, flags) and DAV (CardDAV and CalDAV: collections, sync tokens).
 */
export interface ItemAdapter {
  readonly types: readonly ItemType[];
  /** The source's containers now, in the order it lists them. */
  discover(): Promise<DiscoveredContainer[]>;
  /** Starts a container's work in this page (its status at the source, its target folder). */
  open(container: ContainerState, page: PageContext): Promise<ContainerWork>;
  /**
   * A container the source or target refuses for good (deleted, unreadable, not creatable) is reported and
   * the others go on: its state with the failure recorded. Undefined for any other error, which is thrown.
   */
  failed(container: ContainerState, error: unknown, pass: string): ContainerState | undefined;
}

/** A container as the source lists it, before the ledger knows it. */
export interface DiscoveredContainer {
  /** Its row key: the type and a hash of its identity (core/ledger/ledgerKeys.ts containerRowKey). */
  key: string;
  type: ItemType;
  sourceId: string;
  displayName: string;
  targetPath?: string;
  primary?: boolean;
  timeZone?: string;
  /** Items the source says it holds now, when its listing says (an IMAP folder's count). */
  sourceItems?: number;
  /** The container's first checkpoint, when it is new. */
  first(): ContainerState;
}

/** What every container's work in a page shares. */
export interface PageContext {
  mailboxKey: string;
  /** The pass (its start time): skips are retried, and bad items counted, once per pass. */
  pass: string;
  runId: string;
  ledger: ItemLedger;
  /** Called before every write to the target: throws when this run no longer holds the mailbox's lease. */
  assertLeaseHeld(): Promise<void>;
  largeItemLimitBytes: number;
  clock: RunClock;
  /** The mailbox's copy state was forgotten once: copies the ledger does not know may be in the target. */
  forgotten: boolean;
}

/** How much more a page may take. */
export interface Room {
  count: number;
  bytes: number;
}

/** An item of a page, as the adapter read it. */
export interface PageItem {
  /** The ledger row key, once known (mail learns it from the bytes and the ledger: `identify`). */
  key: string;
  size: number;
  title: string;
  /** The source version the copy is made from (a DAV ETag); mail has none. */
  version?: string;
  /** The item cannot be copied (too large, unreadable, not mappable): recorded as skipped, nothing held. */
  skip?: ItemSkip;
  /** The source deleted it (a DAV removal): its copy is removed and its row deleted. */
  removed?: true;
}

export interface ItemSkip {
  reason: string;
  detail: string;
  retryable: boolean;
  /** Large items have a limit of their own and do not count toward BadItemLimit. */
  countsAsBad: boolean;
}

/** An item with its row as read before this run holds it (`found` absent: no row). */
export interface KnownItem<I extends PageItem> {
  item: I;
  found?: Stored<ItemRow>;
  /** Another row the item's settlement deletes (see Settlement.retires). */
  retires?: { key: string; etag: string; row: ItemRow };
}

/**
 * What the target made of one item. A copy: `made` when this run made it (so it goes if another run settled
 * the item with another copy), and `how` it counts for the administrator: a new copy, one found already
 * there (by marker, moved, or kept), or one brought up to date with a changed source item.
 */
export type TargetOutcome =
  | { kind: 'copied'; targetId: string; made: boolean; how: 'created' | 'matched' | 'updated'; superseded?: string[] }
  | { kind: 'gone' }
  | { kind: 'skipped'; skip: ItemSkip }
  /** Not settled now: the target's budget is spent, or a create's answer was lost; the hold stays and the item is looked at again. */
  | { kind: 'open'; resumeAt: number };

/** One container's work in one page. */
export interface ContainerWork<I extends PageItem = PageItem> {
  /** The target folder or collection its copies go to. */
  readonly targetContainerId: string;
  /** Copies the ledger does not know may be in the target (a container whose first pass never ended). */
  readonly unknownCopies: boolean;
  /**
   * The next items (at most `room`); undefined when the container has nothing more in this pass; none
   * (`[]`) when its share of this page ends here with more to do. A TargetPaused thrown here pauses the page.
   */
  next(room: Room): Promise<I[] | undefined>;
  /**
   * The items' rows. Mail learns its keys here (content and occurrence); `reread` asks again after a hold
   * found a row changed by another run. Items already settled as they should be (a rerun of a page whose
   * checkpoint a dead run never wrote) are left out: nothing is written for them.
   */
  identify(items: I[], reread: boolean): Promise<KnownItem<I>[]>;
  /** The row while this run holds the item. */
  pendingRow(item: I, found: ItemRow | undefined): ItemRow;
  /** Carries out the target's part for held items, in order. */
  act(items: { item: I; action: CopyAction }[]): Promise<TargetOutcome[]>;
  /** The settled row, and the rows that go with it. */
  settledRow(item: I, outcome: Exclude<TargetOutcome, { kind: 'open' }>, found: ItemRow | undefined): { row: ItemRow | 'delete'; with: LedgerWrite[] };
  /** Removes a copy (one found extra, or superseded). */
  removeCopy(targetId: string, containerId?: string): Promise<void>;
  /**
   * The container's checkpoint after this page. `open` items were read but not settled (held and left for
   * later, or read ahead and never taken up), so the checkpoint stops before the first of them; `exhausted`
   * says the container had nothing more to give in this pass.
   */
  finish(open: readonly I[], exhausted: boolean): ContainerState;
}
