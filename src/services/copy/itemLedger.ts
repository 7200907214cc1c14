import { MigrationError } from '../../core/errors/migrationError';
import type { ItemRow, Stored } from '../../core/ledger/ledgerRows';
import { type CopyLedgerStore, type LedgerWrite, MAX_TRANSACTION_WRITES } from '../ports/copyLedgerStore';

/** A hold this run asks for: the row as it was read (none: it is expected to be absent, and inserted). */
export interface HoldAsk {
  key: string;
  found?: Stored<ItemRow>;
  /** The row while held: `pending`, naming this run. */
  pending: ItemRow;
}

/** What this run writes once the target has answered. */
export interface Settlement {
  key: string;
  /** The ETag of this run's hold, or of the row read when nothing was held; none to insert the row. */
  etag?: string;
  /** The settled row; `delete` removes the row (its source item was deleted and its copy removed). */
  row: ItemRow | 'delete';
  /** Rows written with it, and only with it (a mail position, an errors-report row). */
  with: LedgerWrite[];
  /** A copy this run made for the item: removed if another run settled the item with another copy. */
  made?: { containerId: string; targetId: string };
  /** Copies the settled row no longer names (an event made again, a second copy found by its marker): removed once it is written. */
  superseded?: { containerId: string; targetId: string }[];
  /** The row as it stood before, which the containers' counts include: the settlement moves them from it to `row`. */
  before?: ItemRow;
  /**
   * Another row this one replaces and deletes with it: a message skipped before its bytes were read had a
   * row by its place in the folder; read at last, it is known by its bytes.
   */
  retires?: { key: string; etag: string; row: ItemRow };
}

/** Removes a copy from the target (gone already is no error). */
export type RemoveCopy = (copy: { containerId: string; targetId: string }, key: string) => Promise<void>;

/**
 * What goes with each settle transaction: the writes of the containers the settlements change (their
 * counts), computed for exactly the settlements in it, and told when they are written.
 */
export interface SettleCompanion {
  /** `last`: the batch holds every settlement still open (the page's closing transaction may ride with it). */
  shared(batch: readonly Settlement[], last: boolean): LedgerWrite[];
  committed(batch: readonly Settlement[], sharedEtags: (string | undefined)[], last: boolean): void;
  /** Another run changed a container the writes named: read them again before the next try. */
  refresh(): Promise<void>;
  removeCopy: RemoveCopy;
}

const MAX_ROUNDS = 5;

/**
 * The item ledger's rule, the only exactly-once rule of the copy, for every item type:
 *
 * 1. **Hold.** Before anything is sent to the target, the item's row is written `pending`, naming the
 *    run: inserted if absent, or replaced over the row as it was read (ETag). A run that finds the row
 *    changed reads it again and decides again; two runs never both hold an item.
 * 2. **Find.** A row that was pending under another run (one that died or stalled) may have a copy
 *    already: it is looked for by its marker before anything is made (the engine and its adapters).
 * 3. **Create or update** the copy.
 * 4. **Settle.** The row is replaced over this run's hold: copied (with the copy's id), skipped (with
 *    why) or gone. Rows that go with it (a mail position, an errors-report row) are in the same
 *    entity-group transaction, so they are written together or not at all.
 * 5. **Remove an extra copy.** A settle that finds its hold taken (this run stalled past its lease and
 *    another took the item over) reads the row: still pending under the other run, this run's copy
 *    settles it anyway, and the other run, when it settles, finds it settled and removes its own; settled
 *    with this very copy, nothing is wrong; settled otherwise, this run's copy is extra and removed. Copies
 *    a settled row no longer names are removed only after the settle is written, so a copy the ledger
 *    names is never removed by a run that did not replace it.
 */
export class ItemLedger {
  constructor(
    private readonly store: CopyLedgerStore,
    private readonly mailboxKey: string,
    readonly runId: string,
  ) {}

  read<T = ItemRow>(keys: readonly string[]): Promise<Map<string, Stored<T>>> {
    return this.store.read<T>(this.mailboxKey, keys);
  }

  readPrefixes<T = ItemRow>(prefixes: readonly string[]): Promise<Map<string, Stored<T>>> {
    return this.store.readPrefixes<T>(this.mailboxKey, prefixes);
  }

  readRange<T>(low: string, high: string, where?: { field: string; value: string | boolean }): Promise<Map<string, Stored<T>>> {
    return this.store.readRange<T>(this.mailboxKey, low, high, where);
  }

  /** Writes rows that hold nothing (upserts of positions and report rows), in transactions. */
  async put(writes: LedgerWrite[]): Promise<void> {
    if (writes.length === 0) return;
    const results = await this.store.write(
      this.mailboxKey,
      writes.map((w) => [w]),
    );
    if (results.some((r) => r.kind !== 'written'))
      throw new MigrationError('LedgerConflict', 'Another run changed the same rows; the page is tried again.', 'transient');
  }

  /**
   * Writes the holds in as few transactions as fit. Each answer is the hold's ETag, or undefined when the
   * row was not as read (inserted or changed by another run since), or when a hold before it was refused
   * and it was not sent: read those again and decide again, in one go.
   */
  async hold(asks: readonly HoldAsk[]): Promise<(string | undefined)[]> {
    if (asks.length === 0) return [];
    const results = await this.store.write(
      this.mailboxKey,
      asks.map((ask) => [
        ask.found ? { op: 'replace', key: ask.key, row: ask.pending, etag: ask.found.etag } : { op: 'insert', key: ask.key, row: ask.pending },
      ]),
      { stopAtRefusal: true },
    );
    return results.map((r) => (r.kind === 'written' ? r.etags[0] : undefined));
  }

  /**
   * Settles the items (see the class comment), one transaction at a time, each carrying the companion's
   * writes for exactly the settlements in it; removes copies that turned out extra or superseded.
   */
  async settle(settlements: readonly Settlement[], companion: SettleCompanion): Promise<void> {
    let open = [...settlements];
    let refusals = 0;
    // The last transaction carries the companion's closing writes, if it has any, even with nothing to settle.
    for (let closed = false; open.length > 0 || !closed;) {
      const batch = fitting(open, companion);
      const last = batch.length === open.length;
      const shared = companion.shared(batch, last);
      if (batch.length === 0 && shared.length === 0) return;
      const answer = await this.store.transact(this.mailboxKey, batch.map(toWrites), shared);
      if (answer.kind === 'sharedRefused') {
        if ((refusals += 1) > MAX_ROUNDS * Math.max(1, settlements.length)) throw changedTooOften();
        await companion.refresh();
        continue;
      }
      if (answer.kind === 'refused') {
        if ((refusals += 1) > MAX_ROUNDS * Math.max(1, settlements.length)) throw changedTooOften();
        const lost = batch[answer.group]!;
        open = [...(await this.resolveLost([lost], companion.removeCopy)), ...open.filter((s) => s !== lost)];
        continue;
      }
      companion.committed(batch, answer.shared, last);
      closed = last;
      for (const settlement of batch) for (const copy of settlement.superseded ?? []) await companion.removeCopy(copy, settlement.key);
      open = open.filter((s) => !batch.includes(s));
    }
  }

  /**
   * Settlements whose hold another run took. Returns the ones to write again (over the other run's pending
   * hold, with the ETag just read); removes this run's copy where it is extra.
   */
  private async resolveLost(lost: Settlement[], removeCopy: RemoveCopy): Promise<Settlement[]> {
    if (lost.length === 0) return [];
    const current = await this.read(lost.map((s) => s.key));
    const again: Settlement[] = [];
    for (const settlement of lost) {
      const now = current.get(settlement.key);
      const ours = settlement.made;
      if (now?.row.state === 'pending' && settlement.row !== 'delete' && settlement.row.state !== 'skipped') {
        // The other run has not settled: this run's copy settles it, and the other run resolves its own when it settles.
        again.push({ ...settlement, etag: now.etag, before: now.row });
      } else if (ours && !(now?.row.state === 'copied' && now.row.targetId === ours.targetId)) {
        await removeCopy(ours, settlement.key);
      }
    }
    return again;
  }
}

function changedTooOften(): MigrationError {
  return new MigrationError('LedgerConflict', 'Another run kept changing the same items; the page is tried again.', 'transient');
}

/** The first settlements that fit one transaction together with their companion writes. */
function fitting(open: readonly Settlement[], companion: SettleCompanion): Settlement[] {
  const batch: Settlement[] = [];
  let writes = 0;
  for (const settlement of open) {
    const size = 1 + (settlement.retires ? 1 : 0) + settlement.with.length;
    const candidate = [...batch, settlement];
    if (batch.length > 0 && writes + size + companion.shared(candidate, candidate.length === open.length).length > MAX_TRANSACTION_WRITES) break;
    batch.push(settlement);
    writes += size;
  }
  return batch;
}

function toWrites(settlement: Settlement): LedgerWrite[] {
  const { key, etag, row } = settlement;
  let own: LedgerWrite;
  if (row === 'delete') own = { op: 'delete', key, etag: etag ?? '*' };
  else own = etag ? { op: 'replace', key, row, etag } : { op: 'insert', key, row };
  const retired: LedgerWrite[] = settlement.retires ? [{ op: 'delete', key: settlement.retires.key, etag: settlement.retires.etag }] : [];
  return [own, ...retired, ...settlement.with];
}
