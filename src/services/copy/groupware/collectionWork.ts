import { createHash } from 'node:crypto';
import type { CopyAction } from '../../../core/ledger/copyAction';
import type { ContainerState, DavCheckpoint } from '../../../core/ledger/containerState';
import { MigrationError } from '../../../core/errors/migrationError';
import type { GroupwareKind } from '../../../core/groupware/groupwareKind';
import { davCollectionPrefix, davItemKey, davMarker, skipKey } from '../../../core/ledger/ledgerKeys';
import type { ItemRow, SkipRow, Stored } from '../../../core/ledger/ledgerRows';
import type { LedgerWrite } from '../../ports/copyLedgerStore';
import { TargetPaused } from '../../ports/copyTarget';
import { actEachAlone } from '../actEachAlone';
import type { GroupwareOutcome, GroupwarePayload, GroupwareTarget } from '../../ports/groupwareTarget';
import { type CollectionChanges, type ItemCollection, type ItemSource, type ItemVersion } from '../../ports/itemSource';
import type { ContainerWork, ItemSkip, KnownItem, PageContext, PageItem, Room, TargetOutcome } from '../itemAdapter';
import { ItemSourceErrorCode } from '../../../core/errors/migrationErrorCode';

/** Items fetched from the source at once (one multiget). */
const CHUNK_COUNT = 50;
/** How long a copy the target did not confirm is left to finish on its side before it is looked for. */
const UNCONFIRMED_SETTLE_MS = 10_000;

/**
 * Turns a source item's text into what the target holds, read in its collection's time zone where it has
 * one; throws a permanent MigrationError for a bad item.
 */
export type GroupwareMapper = (kind: GroupwareKind, data: string, collection: Pick<ItemCollection, 'timeZone'>) => { payload: GroupwarePayload; title: string };

/** A contact or event of a page. */
export interface GroupwareItem extends PageItem {
  href: string;
  marker: string;
  payload?: GroupwarePayload;
}

/** One entry of a pass's plan: an item to copy, or one the source deleted. */
interface Planned {
  key: string;
  href: string;
  etag?: string;
  removed?: true;
}

/**
 * One address book's or calendar's work in a page. Each page lists what changed since the token the pass
 * started from, in key order, and takes the entries after its cursor; only when the list is exhausted does
 * the collection's sync token move on, to the token of the pass's first listing.
 */
export class CollectionWork implements ContainerWork<GroupwareItem> {
  private readonly kind: GroupwareKind;
  private at = 0;
  private readonly handed: string[] = [];
  private marked: Map<string, string[]> | undefined;

  private constructor(
    private readonly container: ContainerState,
    private readonly collection: ItemCollection,
    readonly targetContainerId: string,
    private readonly source: ItemSource,
    private readonly target: GroupwareTarget,
    private readonly map: GroupwareMapper,
    private readonly page: PageContext,
    private readonly plan: Planned[],
    private readonly listing: { token?: string; digest?: string; size?: number },
    /** Rows of the whole collection, when the plan read them (a full listing of a collection copied before). */
    private readonly rows: Map<string, Stored<ItemRow>> | undefined,
    readonly unknownCopies: boolean,
  ) {
    this.kind = collection.kind;
  }

  static async open(
    container: ContainerState,
    collection: ItemCollection,
    targetId: string,
    source: ItemSource,
    target: GroupwareTarget,
    map: GroupwareMapper,
    page: PageContext,
  ): Promise<CollectionWork> {
    const dav = container.dav ?? {};
    const passFrom = dav.passFrom ?? dav.syncToken ?? '';
    const changes = await paused(page, () => source.changes(collection, passFrom || undefined));
    const digest = changes.full && !changes.syncToken ? digestOf(changes.items) : undefined;
    const listing = {
      ...(changes.syncToken ? { token: changes.syncToken } : {}),
      ...(digest ? { digest } : {}),
      ...(changes.full ? { size: changes.items.length } : {}),
    };
    // Without sync-collection, a listing like the last one means nothing changed: no row is read.
    const unchanged = dav.completed === true && dav.passFrom === undefined && digest !== undefined && digest === dav.listingDigest;
    const rows =
      changes.full && dav.completed && !unchanged ? await page.ledger.readPrefixes([davCollectionPrefix(collection.kind, collection.id)]) : undefined;
    const plan = unchanged ? [] : planOf(collection, changes, rows, dav.cursor);
    // Copies the ledger does not know can only be there when the mailbox was copied before and its ledger forgotten.
    const unknownCopies = dav.foreign === true || (!dav.completed && page.forgotten);
    return new CollectionWork(container, collection, targetId, source, target, map, page, plan, listing, rows, unknownCopies);
  }

  async next(room: Room): Promise<GroupwareItem[] | undefined> {
    if (this.at >= this.plan.length) return undefined;
    const entries = this.plan.slice(this.at, this.at + Math.max(1, Math.min(CHUNK_COUNT, room.count)));
    this.at += entries.length;
    this.handed.push(...entries.map((e) => e.key));
    const toFetch = entries.filter((e) => !e.removed);
    const fetched = new Map(
      toFetch.length > 0
        ? (
            await paused(this.page, () =>
              this.source.fetch(
                this.collection,
                toFetch.map((e) => e.href),
              ),
            )
          ).map((item) => [item.href, item])
        : [],
    );
    const items: GroupwareItem[] = [];
    for (const entry of entries) {
      const marker = davMarker(this.page.mailboxKey, this.kind, this.collection.id, entry.href);
      if (entry.removed) {
        items.push({ key: entry.key, href: entry.href, marker, size: 0, title: '', removed: true });
        continue;
      }
      const item = fetched.get(entry.href);
      // Gone between the listing and the fetch: the next pass lists it removed.
      if (item) items.push(this.mapped(entry.key, item.href, item.etag, item.data, marker));
    }
    return items.length > 0 || this.at >= this.plan.length ? items : this.next(room);
  }

  async identify(items: GroupwareItem[], reread: boolean): Promise<KnownItem<GroupwareItem>[]> {
    const expect = reread || this.container.dav?.completed === true || this.container.dav?.passFrom !== undefined;
    const rows = this.rows && !reread ? this.rows : expect ? await this.page.ledger.read(items.map((i) => i.key)) : new Map<string, Stored<ItemRow>>();
    const known: KnownItem<GroupwareItem>[] = [];
    for (const item of items) {
      const found = rows.get(item.key);
      if (item.removed && !found) continue;
      // Settled already with this version (by a run whose cursor never got written): nothing to do again.
      if (!item.removed && found && found.row.state !== 'pending' && found.row.version === item.version) continue;
      known.push(found ? { item, found } : { item });
    }
    return known;
  }

  pendingRow(item: GroupwareItem, found: ItemRow | undefined): ItemRow {
    return {
      container: this.container.key,
      state: 'pending',
      holder: this.page.runId,
      href: item.href,
      ...(item.version !== undefined ? { version: item.version } : {}),
      targetContainerId: this.targetContainerId,
      title: item.title,
      // The copy this item had before its source changed: kept while pending, so a run that dies mid-update is followed up.
      ...(found?.targetId ? { targetId: found.targetId } : {}),
    };
  }

  async act(items: { item: GroupwareItem; action: CopyAction }[]): Promise<TargetOutcome[]> {
    const { outcomes, toCreate } = await actEachAlone(items, (item, action) => this.actAlone(item, action));
    if (toCreate.length === 0) return outcomes;
    try {
      await this.page.assertLeaseHeld();
      const created = await this.target.createMany(
        this.targetContainerId,
        toCreate.map((i) => ({ payload: items[i]!.item.payload!, marker: items[i]!.item.marker })),
      );
      created.forEach((outcome, i) => (outcomes[toCreate[i]!] = this.outcomeOf(outcome)));
    } catch (error) {
      if (!(error instanceof TargetPaused)) throw error;
      for (const i of toCreate) outcomes[i] = { kind: 'open', resumeAt: error.resumeAt.getTime() };
    }
    return outcomes;
  }

  settledRow(item: GroupwareItem, outcome: Exclude<TargetOutcome, { kind: 'open' }>, found: ItemRow | undefined): { row: ItemRow; with: LedgerWrite[] } {
    const base: ItemRow = {
      container: this.container.key,
      state: 'copied',
      href: item.href,
      ...(item.version !== undefined ? { version: item.version } : {}),
      targetContainerId: this.targetContainerId,
      title: item.title || found?.title || '',
      pass: this.page.pass,
    };
    if (outcome.kind === 'skipped') {
      // A copy made from an earlier, readable version stays (and goes when the source item is deleted).
      const kept = item.payload === undefined && found?.state === 'copied' ? found.targetId : undefined;
      const { reason, detail } = outcome.skip;
      return {
        row: { ...base, state: 'skipped', reason, detail, ...(kept ? { targetId: kept } : {}) },
        with: [{ op: 'upsert', key: skipKey(item.key), row: this.skipRow(base.title ?? '', reason, detail) }],
      };
    }
    const cleared: LedgerWrite[] =
      found?.state === 'skipped' ? [{ op: 'upsert', key: skipKey(item.key), row: { ...this.skipRow(base.title ?? '', '', ''), cleared: true } }] : [];
    if (outcome.kind === 'gone') return { row: { ...base, state: 'gone' }, with: cleared };
    return { row: { ...base, targetId: outcome.targetId }, with: cleared };
  }

  async removeCopy(targetId: string, containerId?: string): Promise<void> {
    await this.target.remove(this.kind, containerId ?? this.targetContainerId, targetId);
  }

  finish(open: readonly GroupwareItem[], exhausted: boolean): ContainerState {
    const dav: DavCheckpoint = this.container.dav ?? {};
    const counts = { ...this.container.counts, ...(this.listing.size !== undefined ? { sourceItems: this.listing.size } : {}) };
    if (exhausted && open.length === 0) {
      const token = dav.passToken ?? this.listing.token;
      const done: DavCheckpoint = {
        completed: true,
        ...(token ? { syncToken: token } : {}),
        ...(this.listing.digest ? { listingDigest: this.listing.digest } : {}),
      };
      return { ...this.container, targetId: this.targetContainerId, dav: done, counts };
    }
    const firstOpen = open.length > 0 ? open.map((i) => i.key).sort()[0] : undefined;
    const settled = this.handed.filter((key) => firstOpen === undefined || key < firstOpen);
    const cursor = settled.length > 0 ? settled[settled.length - 1] : dav.cursor;
    const passToken = dav.passToken ?? this.listing.token;
    const running: DavCheckpoint = {
      ...dav,
      passFrom: dav.passFrom ?? dav.syncToken ?? '',
      ...(passToken ? { passToken } : {}),
      ...(cursor ? { cursor } : {}),
      ...(this.unknownCopies ? { foreign: true } : {}),
    };
    return { ...this.container, targetId: this.targetContainerId, dav: running, counts };
  }

  /** The target's part for one item, or undefined when it must be created (with the others). */
  private async actAlone(item: GroupwareItem, action: CopyAction): Promise<TargetOutcome | undefined> {
    switch (action.kind) {
      case 'create':
        return undefined;
      case 'keep':
        return { kind: 'copied', targetId: action.targetId, made: false, how: 'matched' };
      case 'gone':
      case 'move':
        return undefined;
      case 'update':
        return this.updateCopy(item, action.targetId, [], 'updated');
      case 'find': {
        const copies = await this.copiesOf(item);
        // A copy found may be half made (a series whose exceptions, or a contact whose photo, the dead run never
        // sent): it is brought up to date as a changed item would be, never trusted as it stands.
        return copies.length > 0 ? this.updateCopy(item, copies[0]!, copies.slice(1), 'matched') : undefined;
      }
    }
  }

  private async updateCopy(item: GroupwareItem, targetId: string, extra: string[], how: 'matched' | 'updated'): Promise<TargetOutcome> {
    await this.page.assertLeaseHeld();
    const outcome = await this.target.update(this.targetContainerId, targetId, item.payload!, item.marker);
    if (!outcome.ok) {
      // Refused for good: no copy of this item stays, and it is reported with the target's reason.
      if (outcome.refused) for (const id of [targetId, ...extra]) await this.target.remove(this.kind, this.targetContainerId, id);
      return this.outcomeOf(outcome);
    }
    const superseded = [...(outcome.replaced ? [targetId] : []), ...extra];
    return { kind: 'copied', targetId: outcome.targetId, made: outcome.made === true, how, ...(superseded.length > 0 ? { superseded } : {}) };
  }

  /** Copies of the item carrying its marker: from the collection's listing when copies the ledger does not know may exist. */
  private async copiesOf(item: GroupwareItem): Promise<string[]> {
    if (this.unknownCopies) {
      this.marked ??= await this.target.listMarked(this.kind, this.targetContainerId);
      return this.marked.get(item.marker) ?? [];
    }
    return this.target.findByMarker(this.kind, this.targetContainerId, item.marker);
  }

  /** A create's outcome (an update refused for good comes here too). Not confirmed: the hold stays, and the copy is looked for later. */
  private outcomeOf(outcome: GroupwareOutcome): TargetOutcome {
    if (outcome.ok) return { kind: 'copied', targetId: outcome.targetId, made: true, how: 'created' };
    if (!outcome.refused) return { kind: 'open', resumeAt: outcome.resumeAt ? Date.parse(outcome.resumeAt) : this.page.clock.now() + UNCONFIRMED_SETTLE_MS };
    return { kind: 'skipped', skip: { reason: outcome.code, detail: outcome.detail, retryable: false, countsAsBad: true } };
  }

  private mapped(key: string, href: string, etag: string, data: string, marker: string): GroupwareItem {
    const size = Buffer.byteLength(data);
    try {
      const { payload, title } = this.map(this.kind, data, this.collection);
      return { key, href, marker, version: etag, size, title: title.slice(0, 500), payload };
    } catch (error) {
      if (!(error instanceof MigrationError) || error.errorClass !== 'permanent') throw error;
      const skip: ItemSkip = { reason: error.code, detail: error.message, retryable: false, countsAsBad: true };
      return { key, href, marker, version: etag, size, title: titleOf(this.kind, data), skip };
    }
  }

  private skipRow(title: string, reason: string, detail: string): SkipRow {
    return {
      type: this.kind,
      container: this.container.key,
      where: this.container.displayName,
      title,
      size: 0,
      reason,
      detail: detail.slice(0, 2000),
      pass: this.page.pass,
    };
  }
}

/** The entries after the cursor, in key order: changed items (those the rows show unchanged left out) and removals. */
function planOf(collection: ItemCollection, changes: CollectionChanges, rows: Map<string, Stored<ItemRow>> | undefined, cursor: string | undefined): Planned[] {
  const kind = collection.kind;
  const entry = (v: ItemVersion): Planned => ({ key: davItemKey(kind, collection.id, v.href), href: v.href, etag: v.etag });
  let planned: Planned[];
  if (changes.full) {
    const listed = changes.items.map(entry);
    const keys = new Set(listed.map((p) => p.key));
    const unchanged = (p: Planned) => {
      const row = rows?.get(p.key)?.row;
      return row !== undefined && row.state !== 'pending' && row.version === p.etag;
    };
    const removed = [...(rows?.entries() ?? [])].filter(([key]) => !keys.has(key)).map(([key, s]) => ({ key, href: s.row.href ?? '', removed: true as const }));
    planned = [...listed.filter((p) => !unchanged(p)), ...removed];
  } else {
    planned = [...changes.changed.map(entry), ...changes.removed.map((href) => ({ key: davItemKey(kind, collection.id, href), href, removed: true as const }))];
  }
  return planned.filter((p) => cursor === undefined || p.key > cursor).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** A digest of every href and ETag of a listing: the same digest, nothing changed. */
function digestOf(items: ItemVersion[]): string {
  const hash = createHash('sha256');
  for (const item of [...items].sort((a, b) => (a.href < b.href ? -1 : 1))) hash.update(`${item.href}\n${item.etag}\n`);
  return hash.digest('base64url');
}

/** A source that asks to slow down (HTTP 429 with Retry-After) pauses the page as a spent target budget does. */
async function paused<T>(page: PageContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof MigrationError && error.code === ItemSourceErrorCode.Throttled && error.retryAfterSeconds !== undefined) {
      throw new TargetPaused(new Date(page.clock.now() + error.retryAfterSeconds * 1000), `the source server asked to wait ${error.retryAfterSeconds} s`);
    }
    throw error;
  }
}

/** A title for the report of an item the mapper could not read: its SUMMARY or FN line, if any. */
function titleOf(kind: GroupwareKind, data: string): string {
  const unfolded = data.replace(/\r?\n[ \t]/g, '');
  const line = new RegExp(`^${kind === 'contact' ? 'FN' : 'SUMMARY'}(?:;[^:\\r\\n]*)?:(.*)$`, 'mi').exec(unfolded);
  return line?.[1]?.trim().slice(0, 255) || (kind === 'contact' ? '(no name)' : '(no subject)');
}
