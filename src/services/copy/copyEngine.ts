import type { ItemType } from '../../core/copy/itemType';
import { MigrationError } from '../../core/errors/migrationError';
import { badItemsIn, type ContainerState } from '../../core/ledger/containerState';
import type { Stored } from '../../core/ledger/ledgerRows';
import { type CopyLedgerStore, type LedgerWrite, MAX_TRANSACTION_WRITES } from '../ports/copyLedgerStore';
import { TargetPaused } from '../ports/copyTarget';
import { CopyLease } from './copyLease';
import { copyItems } from './copyItems';
import type { ContainerWork, ItemAdapter, PageContext, PageItem, Room } from './itemAdapter';
import { ItemLedger } from './itemLedger';
import type { TypeCounts } from '../../contract/stepResults';
import { PageLedger } from './pageLedger';
import type { RunClock } from './runClock';

/** Bounds of one page, and the limits a mailbox's copy keeps (after Exchange Online's migration settings). */
export interface CopySettings {
  pageMaxCount: number;
  pageMaxBytes: number;
  /** A page takes no new items after this long, so no activity runs near the host's functionTimeout. */
  pageMaxSeconds: number;
  largeItemLimitBytes: number;
  badItemLimit: number;
  leaseSeconds: number;
}

/** Chunks are held together once this many items wait, so a mailbox's small folders share a hold transaction. */
const HOLD_AT_ITEMS = 60;

/** A container's share of a page: its work, what was left open, and how it ended. */
interface ContainerRun {
  container: ContainerState;
  adapter: ItemAdapter;
  work?: ContainerWork;
  open: PageItem[];
  exhausted: boolean;
  /** The container's state with its failure recorded (the others go on). */
  failed?: ContainerState;
}

/** One run of the engine: one activity's page, or a pass's preparation. */
export interface CopyRun {
  mailboxKey: string;
  /** The pass (its start time). */
  pass: string;
  /** This run, as it names itself in the lease and in the items it holds. */
  runId: string;
  clock: RunClock;
}

/** What a page did, for the orchestration and the mailbox's statistics. */
export interface PageOutcome {
  /** Every container is up to date for this pass. */
  done: boolean;
  /** Come back at this time (ISO), not before: the target's budget, unconfirmed creates, or another run holding the mailbox. */
  resumeAt?: string;
  byType: Partial<Record<ItemType, TypeCounts>>;
  /** The mailbox's containers after the page (their counts are the mailbox's statistics). */
  containers: ContainerState[];
}

/**
 * The copy engine: one page loop for every item type. A page takes the mailbox's copy lease, reads its
 * containers (one query), works through the containers not yet up to date in this pass, in order, until
 * it is full (count, bytes, time), and closes with one transaction that writes the last settlements, the
 * moved checkpoints and the lease's release. Each chunk of items goes through the ledger's rule
 * (copyItems.ts, itemLedger.ts); item-type adapters (itemAdapter.ts) supply what differs by type.
 */
export class CopyEngine {
  private readonly ledger: ItemLedger;

  constructor(
    private readonly store: CopyLedgerStore,
    private readonly adapters: readonly ItemAdapter[],
    private readonly run: CopyRun,
    private readonly settings: CopySettings,
  ) {
    this.ledger = new ItemLedger(store, run.mailboxKey, run.runId);
  }

  /**
   * A pass's start: lists every adapter's containers, records the new ones, brings back those that
   * returned and marks gone those the source no longer has. Answers every container of the mailbox.
   */
  async prepare(): Promise<ContainerState[]> {
    // Two runs of the same step (Durable runs activities at least once) may record the same containers at once.
    for (let attempt = 1; ; attempt += 1) {
      const prepared = await this.prepareOnce();
      if (prepared) return prepared;
      if (attempt >= 5)
        throw new MigrationError('CopyStateChanged', "Another run kept changing this mailbox's containers; the step is tried again.", 'transient');
    }
  }

  /** Undefined when another run wrote a container meanwhile. */
  private async prepareOnce(): Promise<ContainerState[] | undefined> {
    const loaded = await this.store.loadContainers(this.run.mailboxKey);
    const writes: LedgerWrite[] = [];
    const seen = new Set<string>();
    for (const [index, adapter] of this.adapters.entries()) {
      for (const [position, found] of (await adapter.discover()).entries()) {
        seen.add(found.key);
        const stored = loaded.containers.get(found.key);
        const order = index * 1_000_000 + position;
        const next = stored ? refreshed(stored.row, found, order) : { ...found.first(), order };
        if (!stored) writes.push({ op: 'container', container: next });
        else if (JSON.stringify(next) !== JSON.stringify(stored.row)) writes.push({ op: 'container', container: next, etag: stored.etag });
        loaded.containers.set(found.key, { row: next, etag: stored?.etag ?? '' });
      }
    }
    const types = new Set(this.adapters.flatMap((a) => a.types));
    for (const stored of loaded.containers.values()) {
      const c = stored.row;
      if (seen.has(c.key) || !types.has(c.type)) continue;
      // A failure is reported in the pass it happened in; a container still gone is not reported again.
      if (c.gone && !c.failed) continue;
      const { failed: _reported, ...rest } = c;
      const gone = { ...rest, gone: true as const };
      writes.push({ op: 'container', container: gone, etag: stored.etag });
      loaded.containers.set(c.key, { row: gone, etag: stored.etag });
    }
    for (let start = 0; start < writes.length; start += MAX_TRANSACTION_WRITES) {
      const answer = await this.store.transact(this.run.mailboxKey, [], writes.slice(start, start + MAX_TRANSACTION_WRITES));
      if (answer.kind !== 'written') return undefined;
    }
    return [...loaded.containers.values()].map((s) => s.row).sort(byOrder);
  }

  /** Copies the next page of the mailbox, or answers when to come back when another run holds it. */
  async copyPage(): Promise<PageOutcome> {
    const loaded = await this.store.loadContainers(this.run.mailboxKey);
    const lease = await CopyLease.take(this.store, this.run.mailboxKey, this.run.runId, this.run.clock, this.settings.leaseSeconds, loaded.lease);
    if (!(lease instanceof CopyLease)) return { done: false, resumeAt: lease.busyUntil, byType: {}, containers: rows(loaded.containers) };
    try {
      const page = new PageLedger(this.ledger, this.run.pass, loaded.containers, async () => (await this.store.loadContainers(this.run.mailboxKey)).containers);
      const context: PageContext = {
        mailboxKey: this.run.mailboxKey,
        pass: this.run.pass,
        runId: this.run.runId,
        ledger: this.ledger,
        assertLeaseHeld: () => lease.assertHeld(),
        largeItemLimitBytes: this.settings.largeItemLimitBytes,
        clock: this.run.clock,
        forgotten: loaded.forgotten === true,
      };
      const done = await this.settled(page, () => this.workThrough(page, context, todoOf(loaded.containers, this.run.pass, this.adapters)));
      const release = await this.settled(page, () => lease.releaseWrite());
      const containers = await page.close(release);
      lease.released();
      this.enforceBadItemLimit(containers);
      const resumeAt = page.resumeAt === undefined ? undefined : new Date(page.resumeAt).toISOString();
      return { done: done && resumeAt === undefined, ...(resumeAt ? { resumeAt } : {}), byType: Object.fromEntries(page.byType), containers };
    } finally {
      await lease.release();
    }
  }

  /**
   * Runs work; when it fails (or the lease turns out lost), what the page settled is still written, and its
   * copies another run took over resolved, before the failure is thrown.
   */
  private async settled<T>(page: PageLedger, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      await page.abandon().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Works through the containers in order while the page has room; true when every one is up to date. Each
   * container's chunks are read one after another, the next while the ones waiting go through the ledger and
   * to the target (the source and the target are separate connections); chunks wait until enough items have
   * gathered, so the small folders of a mailbox share one hold transaction.
   */
  private async workThrough(page: PageLedger, context: PageContext, todo: ContainerState[]): Promise<boolean> {
    const room: Room = { count: this.settings.pageMaxCount, bytes: this.settings.pageMaxBytes };
    const runs: ContainerRun[] = [];
    const waiting: { run: ContainerRun; items: PageItem[] }[] = [];
    let upToDate = true;
    for (const container of todo) {
      if (!this.hasRoom(room, page)) {
        upToDate = false;
        break;
      }
      const run = await this.openContainer(page.container(container.key) ?? container, page, context);
      if (!run) {
        upToDate = false;
        break;
      }
      runs.push(run);
      if (run.failed) continue;
      await this.readContainer(run, room, page, context, waiting);
      if (!run.exhausted && !run.failed) {
        upToDate = false;
        break;
      }
    }
    await this.copyWaiting(waiting, page, context);
    for (const run of runs) this.finishContainer(run, page);
    return upToDate && runs.every((r) => r.failed || (r.exhausted && r.open.length === 0));
  }

  /** Opens a container's work; a failure of the container is recorded on the run, a pause ends the page (undefined). */
  private async openContainer(container: ContainerState, page: PageLedger, context: PageContext): Promise<ContainerRun | undefined> {
    const adapter = this.adapterFor(container.type);
    try {
      return { container, adapter, work: await adapter.open(container, context), open: [], exhausted: false };
    } catch (error) {
      if (error instanceof TargetPaused) {
        page.pause(error.resumeAt.getTime());
        return undefined;
      }
      return { container, adapter, open: [], exhausted: false, failed: this.failure(adapter, container, error) };
    }
  }

  /** Reads a container's chunks into `waiting`, copying what waits whenever enough has gathered. */
  private async readContainer(
    run: ContainerRun,
    room: Room,
    page: PageLedger,
    context: PageContext,
    waiting: { run: ContainerRun; items: PageItem[] }[],
  ): Promise<void> {
    let reading: Promise<PageItem[] | undefined> | undefined = run.work!.next(room);
    while (reading) {
      let items: PageItem[] | undefined;
      try {
        items = await reading;
      } catch (error) {
        if (error instanceof TargetPaused) page.pause(error.resumeAt.getTime());
        else run.failed = this.failure(run.adapter, run.container, error);
        return;
      }
      if (!items) {
        run.exhausted = true;
        return;
      }
      if (items.length === 0) return;
      take(room, items);
      waiting.push({ run, items });
      reading = this.hasRoom(room, page) ? run.work!.next(room) : undefined;
      if (waiting.reduce((n, w) => n + w.items.length, 0) >= HOLD_AT_ITEMS || !reading) {
        try {
          await this.copyWaiting(waiting, page, context);
        } catch (error) {
          await reading?.catch(() => undefined);
          throw error;
        }
      }
      if (page.resumeAt !== undefined && reading) {
        // The target asked for a pause: what was read ahead waits for the next page.
        run.open.push(...((await reading.catch(() => [])) ?? []));
        return;
      }
    }
  }

  /** Copies the chunks waiting, all held together; a container whose target part failed for good is recorded failed. */
  private async copyWaiting(waiting: { run: ContainerRun; items: PageItem[] }[], page: PageLedger, context: PageContext): Promise<void> {
    const chunks = waiting.splice(0);
    if (chunks.length === 0) return;
    const results = await copyItems(
      chunks.map(({ run, items }) => ({ type: run.container.type, work: run.work!, items })),
      context,
      page,
    );
    results.forEach((result, index) => {
      const run = chunks[index]!.run;
      run.open.push(...result.open);
      if (result.failure === undefined) return;
      if (result.failure instanceof TargetPaused) page.pause(result.failure.resumeAt.getTime());
      else run.failed ??= this.failure(run.adapter, run.container, result.failure);
    });
  }

  /** The container after the page: its checkpoint moved past what settled; up to date, or failed, for this pass. */
  private finishContainer(run: ContainerRun, page: PageLedger): void {
    if (run.failed) {
      page.advance({ ...run.failed, passDone: this.run.pass });
      return;
    }
    const next = run.work!.finish(run.open, run.exhausted);
    if (!run.exhausted || run.open.length > 0) {
      page.advance(next);
      return;
    }
    // Up to date: a failure an earlier pass reported is over.
    const { failed: _over, ...current } = next;
    page.advance({ ...current, passDone: this.run.pass });
  }

  /** The container as its adapter records a failure of its own; any other failure is thrown. */
  private failure(adapter: ItemAdapter, container: ContainerState, error: unknown): ContainerState {
    const failed = adapter.failed(container, error, this.run.pass);
    if (!failed) throw error;
    return failed;
  }

  private hasRoom(room: Room, page: PageLedger): boolean {
    return room.count > 0 && room.bytes > 0 && page.resumeAt === undefined && this.run.clock.elapsed() < this.settings.pageMaxSeconds * 1000;
  }

  /** BadItemLimit counts the bad items of this pass, as Exchange does; the administrator may raise it and resume. */
  private enforceBadItemLimit(containers: ContainerState[]): void {
    const bad = containers.reduce((n, c) => n + badItemsIn(c, this.run.pass), 0);
    if (bad > this.settings.badItemLimit) {
      throw new MigrationError(
        'BadItemLimitExceeded',
        `${bad} items could not be copied in this pass, more than the bad-item limit of ${this.settings.badItemLimit}. See the errors report; raise the mailbox's badItemLimit and resume the batch to go on.`,
      );
    }
  }

  private adapterFor(type: ItemType): ItemAdapter {
    const adapter = this.adapters.find((a) => a.types.includes(type));
    if (!adapter) throw new Error(`No adapter copies items of type ${type}.`);
    return adapter;
  }
}

/** Containers still to bring up to date in this pass, in the order their sources listed them. */
function todoOf(containers: Map<string, Stored<ContainerState>>, pass: string, adapters: readonly ItemAdapter[]): ContainerState[] {
  const types = new Set(adapters.flatMap((a) => a.types));
  return rows(containers).filter((c) => !c.gone && c.passDone !== pass && types.has(c.type));
}

function rows(containers: Map<string, Stored<ContainerState>>): ContainerState[] {
  return [...containers.values()].map((s) => s.row).sort(byOrder);
}

function byOrder(a: ContainerState, b: ContainerState): number {
  return a.order - b.order || a.key.localeCompare(b.key);
}

function take(room: Room, items: readonly PageItem[]): void {
  room.count -= items.length;
  room.bytes -= items.reduce((n, i) => n + i.size, 0);
}

/** A known container as the source lists it now: its names and place may change, its checkpoint does not. */
function refreshed(
  stored: ContainerState,
  found: { sourceId: string; displayName: string; targetPath?: string; primary?: boolean; timeZone?: string; sourceItems?: number },
  order: number,
): ContainerState {
  const { gone: _gone, ...rest } = stored;
  return {
    ...rest,
    sourceId: found.sourceId,
    displayName: found.displayName,
    order,
    ...(found.targetPath !== undefined ? { targetPath: found.targetPath } : {}),
    ...(found.primary ? { primary: true } : {}),
    ...(found.timeZone !== undefined ? { timeZone: found.timeZone } : {}),
    counts: { ...stored.counts, sourceItems: found.sourceItems ?? stored.counts.sourceItems },
  };
}
