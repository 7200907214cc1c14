import type { TypeCounts } from '../../contract/stepResults';
import type { ItemType } from '../../core/copy/itemType';
import { addRowChange, type CountDelta, withDelta } from '../../core/ledger/containerDeltas';
import type { ContainerState } from '../../core/ledger/containerState';
import type { Stored } from '../../core/ledger/ledgerRows';
import type { LedgerWrite } from '../ports/copyLedgerStore';
import type { ItemLedger, RemoveCopy, SettleCompanion, Settlement } from './itemLedger';

/** Settlements are written once this many rows wait, so a page's writes go in full transactions. */
const FLUSH_AT_WRITES = 90;

/** What a settlement counts besides its rows: a copy made (and its bytes), how it counts, a bad item. */
export interface SettlementCount {
  type: ItemType;
  made: boolean;
  how?: 'created' | 'matched' | 'updated';
  size: number;
  bad: boolean;
  removeCopy: RemoveCopy;
}

/**
 * A page's containers and settlements. Settlements wait here and go to the ledger in full transactions;
 * each transaction also writes the containers whose counts it changes, computed for exactly the
 * settlements in it (core/ledger/containerDeltas.ts), so the counts always match the rows. A checkpoint
 * the page moves (`advance`) is written only by the closing transaction, after every settlement, together
 * with the lease's release: a container never says more is settled than is.
 */
export class PageLedger {
  private waiting: Settlement[] = [];
  private readonly counts = new Map<string, SettlementCount>();
  private waitingWrites = 0;
  /** Checkpoints this page moved, written by the closing transaction (their counts come from `containers`). */
  private readonly advanced = new Map<string, ContainerState>();
  readonly byType = new Map<ItemType, TypeCounts>();
  /** The latest time the page was told to come back at (a target's budget, a create not confirmed). */
  resumeAt: number | undefined;

  constructor(
    private readonly ledger: ItemLedger,
    private readonly pass: string,
    /** The mailbox's containers as last written, with their ETags (none: not written yet). */
    private containers: Map<string, Stored<ContainerState>>,
    /** Reads the mailbox's containers again (another run wrote one). */
    private readonly reload: () => Promise<Map<string, Stored<ContainerState>>>,
  ) {}

  /** The container as this page sees it: its checkpoint as moved, its counts as written. */
  container(key: string): ContainerState | undefined {
    const stored = this.containers.get(key);
    if (!stored) return undefined;
    const advanced = this.advanced.get(key);
    return advanced ? { ...advanced, counts: stored.row.counts } : stored.row;
  }

  /** Queues a settlement, writing what waits once a transaction's worth has gathered. */
  async add(settlement: Settlement, count: SettlementCount): Promise<void> {
    this.waiting.push(settlement);
    this.counts.set(settlement.key, count);
    this.waitingWrites += 1 + (settlement.retires ? 1 : 0) + settlement.with.length;
    if (this.waitingWrites >= FLUSH_AT_WRITES) await this.write(undefined);
  }

  /** Moves a container's checkpoint (its counts are not this page's to set: they follow the settlements). */
  advance(container: ContainerState): void {
    this.advanced.set(container.key, container);
  }

  /**
   * Writes every waiting settlement, then the moved checkpoints and `lease` (its release) in the same last
   * transaction. Answers the containers as written.
   */
  async close(lease: LedgerWrite | undefined): Promise<ContainerState[]> {
    await this.write(lease ?? null);
    return [...this.containers.values()].map((s) => s.row);
  }

  /**
   * Writes the waiting settlements and nothing else: the page cannot go on (an error, or the lease lost to
   * another run), but what it settled stands, and its copies another run took over are resolved. Its
   * checkpoints are not moved: the run that goes on owns them.
   */
  async abandon(): Promise<void> {
    this.advanced.clear();
    await this.write(undefined);
  }

  pause(at: number): void {
    this.resumeAt = this.resumeAt === undefined ? at : Math.max(this.resumeAt, at);
  }

  tallyOf(type: ItemType): TypeCounts {
    let tally = this.byType.get(type);
    if (!tally) {
      tally = { created: 0, matched: 0, updated: 0, removed: 0, skipped: 0, recovered: 0, bytes: 0 };
      this.byType.set(type, tally);
    }
    return tally;
  }

  /** `closing`: undefined for a flush; the lease's write (or null) for the page's closing transaction. */
  private async write(closing: LedgerWrite | null | undefined): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    this.waitingWrites = 0;
    const companion: SettleCompanion = {
      shared: (settlements, last) => this.sharedWrites(settlements, last && closing !== undefined ? closing : undefined),
      committed: (settlements, etags, last) => this.commit(settlements, etags, last && closing !== undefined),
      refresh: async () => {
        this.containers = await this.reload();
      },
      removeCopy: (copy, key) => this.counts.get(key)!.removeCopy(copy, key),
    };
    await this.ledger.settle(batch, companion);
  }

  /** The containers a transaction changes, in key order, and on closing the lease's write last. */
  private sharedWrites(settlements: readonly Settlement[], closing: LedgerWrite | null | undefined): LedgerWrite[] {
    const writes: LedgerWrite[] = this.changedBy(settlements, closing !== undefined).map(({ container, etag }) =>
      etag ? { op: 'container', container, etag } : { op: 'container', container },
    );
    if (closing) writes.push(closing);
    return writes;
  }

  /** Each container's state after the settlements (and, closing, its moved checkpoint). */
  private changedBy(settlements: readonly Settlement[], closing: boolean): { container: ContainerState; etag: string | undefined }[] {
    const deltas = this.deltasOf(settlements);
    const keys = new Set([...deltas.keys()].filter((key) => this.containers.has(key)));
    if (closing) for (const key of this.advanced.keys()) keys.add(key);
    return [...keys].sort().map((key) => {
      const stored = this.containers.get(key);
      const base = this.advanced.get(key) && closing ? this.advanced.get(key)! : stored!.row;
      const counted = withDelta({ ...base, counts: stored!.row.counts }, deltas.get(key), this.pass);
      return { container: counted, etag: stored?.etag || undefined };
    });
  }

  private commit(settlements: readonly Settlement[], etags: (string | undefined)[], closing: boolean): void {
    this.changedBy(settlements, closing).forEach(({ container }, i) => this.containers.set(container.key, { row: container, etag: etags[i] ?? '' }));
    if (closing) this.advanced.clear();
    for (const s of settlements) this.tally(s, this.counts.get(s.key)!);
  }

  private deltasOf(settlements: readonly Settlement[]): Map<string, CountDelta> {
    const deltas = new Map<string, CountDelta>();
    for (const s of settlements) {
      const after = s.row === 'delete' ? undefined : s.row;
      addRowChange(deltas, s.before, after);
      if (s.retires) addRowChange(deltas, s.retires.row, undefined);
      const count = this.counts.get(s.key)!;
      const delta = after ? deltas.get(after.container) : undefined;
      if (delta && after?.state === 'copied' && count.made) delta.bytes += count.size;
      if (delta && after?.state === 'skipped' && count.bad) delta.bad += 1;
    }
    return deltas;
  }

  private tally(s: Settlement, count: SettlementCount): void {
    const after = s.row === 'delete' ? undefined : s.row;
    const before = s.before;
    const tally = this.tallyOf(count.type);
    const settledNow = after?.state === 'copied' || after?.state === 'gone';
    if (count.made) tally.bytes += count.size;
    if (s.row === 'delete') tally.removed += 1;
    else if (after?.state === 'copied' && count.how) tally[count.how] += 1;
    else if (after?.state === 'gone' && before?.state !== 'gone') tally.matched += 1;
    if (after?.state === 'skipped' && before?.state !== 'skipped') tally.skipped += 1;
    if (before?.state === 'skipped' && settledNow) tally.recovered += 1;
  }
}
