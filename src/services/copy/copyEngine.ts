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

  /** Works through the containers in order while the page has room; true when every one is up to date. */
  private async workThrough(page: PageLedger, context: PageContext, todo: ContainerState[]): Promise<boolean> {
    const room: Room = { count: this.settings.pageMaxCount, bytes: this.settings.pageMaxBytes };
    for (const container of todo) {
      if (!this.hasRoom(room, page)) return false;
      const current = page.container(container.key) ?? container;
      if (!(await this.copyContainer(current, page, context, room))) return false;
    }
    return true;
  }

  /** One container's share of the page; true when it is up to date for this pass. */
  private async copyContainer(container: ContainerState, page: PageLedger, context: PageContext, room: Room): Promise<boolean> {
    const adapter = this.adapterFor(container.type);
    try {
      const work = await adapter.open(container, context);
      const { open, exhausted } = await this.copyChunks(container.type, work, page, context, room);
      const next = work.finish(open, exhausted);
      const upToDate = exhausted && open.length === 0;
      if (!upToDate) {
        page.advance(next);
        return false;
      }
      // Up to date: a failure an earlier pass reported is over.
      const { failed: _over, ...current } = next;
      page.advance({ ...current, passDone: this.run.pass });
      return true;
    } catch (error) {
      if (error instanceof TargetPaused) {
        // The target's budget is spent before the container's work began: the page ends, and the container waits.
        page.pause(error.resumeAt.getTime());
        return false;
      }
      const failed = adapter.failed(page.container(container.key) ?? container, error, this.run.pass);
      if (!failed) throw error;
      page.advance({ ...failed, passDone: this.run.pass });
      return true;
    }
  }

  /**
   * Reads a container's chunks while the page has room, the next one while the previous goes through the
   * ledger and to the target (the source and the target are separate connections). Answers the items read
   * but not settled, and whether the container had nothing more to give.
   */
  private async copyChunks(
    type: ItemType,
    work: ContainerWork,
    page: PageLedger,
    context: PageContext,
    room: Room,
  ): Promise<{ open: PageItem[]; exhausted: boolean }> {
    const open: PageItem[] = [];
    let reading: Promise<PageItem[] | undefined> | undefined = work.next(room);
    while (reading) {
      let items: PageItem[] | undefined;
      try {
        items = await reading;
      } catch (error) {
        if (!(error instanceof TargetPaused)) throw error;
        page.pause(error.resumeAt.getTime());
        return { open, exhausted: false };
      }
      if (!items) return { open, exhausted: true };
      if (items.length === 0) return { open, exhausted: false };
      take(room, items);
      reading = this.hasRoom(room, page) ? work.next(room) : undefined;
      try {
        open.push(...(await copyItems(type, work, items, context, page)));
      } catch (error) {
        await reading?.catch(() => undefined);
        throw error;
      }
      if (page.resumeAt !== undefined && reading) {
        // The target asked for a pause: what was read ahead waits for the next page.
        open.push(...((await reading.catch(() => [])) ?? []));
        reading = undefined;
      }
    }
    return { open, exhausted: false };
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
