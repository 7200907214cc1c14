import { collectionKey, groupwareMarker } from '../../core/groupware/groupwareKeys';
import type { GroupwareKind } from '../../core/groupware/groupwareKind';
import { MigrationError, toErrorMessage } from '../../core/errors/migrationError';
import type { GroupwareCollectionState, GroupwareCollectionStore, GroupwareItemEntry, GroupwareItemStore, StoredGroupwareItem } from '../ports/groupwareStores';
import { GROUPWARE_ITEM_REJECTED, type GroupwarePayload, type GroupwareTarget } from '../ports/groupwareTarget';
import type { ItemCollection, ItemSource, ItemVersion, SourceItem } from '../ports/itemSource';
import { inLanes } from './inLanes';

/** Items fetched from the source and written to the target at a time. */
const FETCH_PAGE = 50;
/**
 * Items copied at once: Exchange Online serves 4 requests at a time per mailbox
 * (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits), and the Graph session holds
 * the mailbox to that, so 4 lanes keep it busy and a fifth would only wait.
 */
const LANES = 4;

/**
 * Turns a source item's text into what the target holds, read in its collection's time zone where it has
 * one; throws a permanent MigrationError for a bad item.
 */
export type GroupwareMapper = (kind: GroupwareKind, data: string, collection: Pick<ItemCollection, 'timeZone'>) => { payload: GroupwarePayload; title: string };

/** One item the copy could not bring over, with the reason the report gives. */
export interface SkippedGroupwareItem {
  kind: GroupwareKind;
  collection: string;
  href: string;
  title?: string;
  reason: string;
  detail: string;
}

/** What one collection's sync did, counted. */
export interface CollectionSyncResult {
  kind: GroupwareKind;
  displayName: string;
  /** Items in the collection at the source after this sync (copied or skipped). */
  total: number;
  created: number;
  updated: number;
  /** Copies found already made (a create whose answer was lost, or another run's). */
  matched: number;
  removed: number;
  skipped: SkippedGroupwareItem[];
}

/**
 * Copies a mailbox's address books and calendars, collection by collection, exactly once. Each item is
 * known by its collection and href and versioned by its ETag: its entry in the item map is written
 * `pending` (insert-only, naming this run) before the target is asked, and settled after; a pending entry
 * found later is first looked for at the target by its marker. A changed source item (new ETag) updates
 * its copy, a deleted one removes it. Incremental passes ask the source only for what changed since the
 * collection's sync token (RFC 6578) where the source has one, and compare ETags where it has not.
 */
export class GroupwareCopier {
  constructor(
    private readonly mailboxKey: string,
    private readonly source: ItemSource,
    private readonly target: GroupwareTarget,
    private readonly stores: { items: GroupwareItemStore; collections: GroupwareCollectionStore },
    private readonly map: GroupwareMapper,
    /** This run, for the holds it takes on pending items (Durable activities may run twice at once). */
    private readonly runId: string,
  ) {}

  /** Every collection of the mailbox, one after another. A collection that fails is reported, and the others go on. */
  async syncAll(): Promise<{ results: CollectionSyncResult[]; failed: { displayName: string; error: string }[] }> {
    const results: CollectionSyncResult[] = [];
    const failed: { displayName: string; error: string }[] = [];
    const known = await this.stores.collections.list(this.mailboxKey);
    for (const collection of await this.source.listCollections()) {
      try {
        results.push(
          await this.syncCollection(
            collection,
            // By its key, not its URL: the same collection under another host name is the same collection.
            known.find((k) => k.kind === collection.kind && collectionKey(k.collectionId) === collectionKey(collection.id)),
          ),
        );
      } catch (error) {
        // A collection the source or target refuses for good is reported; anything else is tried again (the activity retry).
        if (!(error instanceof MigrationError) || error.errorClass !== 'permanent') throw error;
        failed.push({ displayName: collection.displayName, error: toErrorMessage(error) });
      }
    }
    return { results, failed };
  }

  async syncCollection(collection: ItemCollection, known: GroupwareCollectionState | undefined): Promise<CollectionSyncResult> {
    const state: GroupwareCollectionState = known ?? { collectionId: collection.id, kind: collection.kind, displayName: collection.displayName };
    if (!state.targetId) {
      state.targetId = await this.target.ensureCollection(collection.kind, collection.displayName, collection.primary === true);
      await this.stores.collections.save(this.mailboxKey, state);
    }
    // Until a pass over the collection has ended (a first sync, one that died, or a mailbox migrated again after
    // it was removed), copies may be in the target that the map does not know: they are read once, by marker,
    // instead of asking for each item. After that an item without an entry has no copy (its entry is written
    // before any create).
    const existing = state.passCompleted ? undefined : await this.target.listMarked(collection.kind, state.targetId);
    const result: CollectionSyncResult = {
      kind: collection.kind,
      displayName: collection.displayName,
      total: 0,
      created: 0,
      updated: 0,
      matched: 0,
      removed: 0,
      skipped: [],
    };
    const entries = await this.stores.items.list(this.mailboxKey, collection.kind, collection.id);
    const changes = await this.source.changes(collection, state.syncToken);
    const { toCopy, toRemove } = plan(changes, entries);

    for (let start = 0; start < toCopy.length; start += FETCH_PAGE) {
      const versions = toCopy.slice(start, start + FETCH_PAGE);
      const fetched = new Map(
        (
          await this.source.fetch(
            collection,
            versions.map((v) => v.href),
          )
        ).map((item) => [item.href, item]),
      );
      const targetId = state.targetId;
      await inLanes(versions, LANES, async (version) => {
        const item = fetched.get(version.href);
        // Gone between the listing and the fetch: the next pass sees it removed.
        if (item) await this.copyItem(collection, targetId, item, entries.get(item.href), result, existing);
      });
    }
    for (const href of toRemove) {
      const stored = entries.get(href);
      if (!stored) continue;
      if (stored.entry.targetId) await this.target.remove(collection.kind, state.targetId, stored.entry.targetId);
      await this.stores.items.remove(this.mailboxKey, collection.kind, collection.id, href, stored.etag);
      entries.delete(href);
      result.removed += 1;
    }
    // The token moves only once everything it covers is settled: a crash before this reads the same changes again.
    if (changes.syncToken !== state.syncToken || !state.passCompleted)
      await this.stores.collections.save(this.mailboxKey, { ...state, passCompleted: true, ...(changes.syncToken ? { syncToken: changes.syncToken } : {}) });
    // Counted from the map, not from this pass: an item skipped on an earlier pass and unchanged since is still skipped.
    const settled = await this.stores.items.list(this.mailboxKey, collection.kind, collection.id);
    result.total = settled.size;
    result.skipped = [...settled.values()]
      .map((s) => s.entry)
      .filter((e) => e.state === 'skipped')
      .map((e) => ({
        kind: collection.kind,
        collection: collection.displayName,
        href: e.href,
        title: e.subject ?? '',
        reason: e.reason ?? 'Skipped',
        detail: e.detail ?? '',
      }));
    return result;
  }

  private async copyItem(
    collection: ItemCollection,
    targetCollection: string,
    item: SourceItem,
    stored: StoredGroupwareItem | undefined,
    result: CollectionSyncResult,
    /** The collection's marked copies, when it was just taken on (see syncCollection). */
    existing: Map<string, string> | undefined,
  ): Promise<void> {
    const marker = groupwareMarker(this.mailboxKey, collection.kind, collection.id, item.href);
    const previous = stored?.entry;
    let mapped: { payload: GroupwarePayload; title: string };
    try {
      mapped = this.map(collection.kind, item.data, collection);
    } catch (error) {
      if (!(error instanceof MigrationError) || error.errorClass !== 'permanent') throw error;
      // A copy made from an earlier, readable version stays (and is removed if the source item is deleted).
      const keptCopy = previous?.state === 'copied' ? previous.targetId : undefined;
      await this.settle(
        collection,
        {
          href: item.href,
          sourceEtag: item.etag,
          state: 'skipped',
          reason: error.code,
          detail: error.message,
          subject: this.titleOf(collection.kind, item.data),
          ...(keptCopy ? { targetId: keptCopy } : {}),
        },
        stored?.etag,
      );
      return;
    }
    // The copy this item had before its source changed; kept on the pending entry so a run that dies mid-update is followed up.
    const earlierCopy = previous?.state === 'copied' || previous?.state === 'pending' ? previous.targetId : undefined;
    const held = await this.hold(collection, item, stored, earlierCopy);
    let targetId: string;
    let found: string | undefined;
    try {
      if (earlierCopy) {
        // Changed at the source: the copy follows (a series is removed and made again, so its id may change).
        targetId = await this.target.update(targetCollection, earlierCopy, mapped.payload, marker);
      } else {
        // Pending after a run died having claimed it, or skipped before: look for its copy by the marker. New in a
        // collection the map knew: no copy can exist. New in one just taken on: the copies listed up front.
        found = stored ? await this.target.findByMarker(collection.kind, targetCollection, marker) : existing?.get(marker);
        // A copy found may be half made (a series whose exceptions, or a contact whose photo, the dead run never
        // sent): it is brought up to date as a changed item would be, never trusted as it stands.
        targetId = found
          ? await this.target.update(targetCollection, found, mapped.payload, marker)
          : await this.target.create(targetCollection, mapped.payload, marker);
      }
    } catch (error) {
      if (!isItemRejection(error)) throw error;
      // The target refused this item for good: no partial copy stays, and the item is reported with the target's reason.
      await this.removeCopies(collection.kind, targetCollection, marker, earlierCopy);
      await this.settle(
        collection,
        { href: item.href, sourceEtag: item.etag, state: 'skipped', reason: error.code, detail: error.message, subject: mapped.title },
        held,
      );
      return;
    }
    const entry: GroupwareItemEntry = { href: item.href, sourceEtag: item.etag, state: 'copied', targetId, subject: mapped.title };
    if (!(await this.stores.items.replace(this.mailboxKey, collection.kind, collection.id, entry, held))) {
      // Another run settled it while this one worked: its copy stands, and one made here goes.
      const winner = (await this.stores.items.list(this.mailboxKey, collection.kind, collection.id)).get(item.href)?.entry.targetId;
      if (winner !== targetId) await this.target.remove(collection.kind, targetCollection, targetId);
      result.matched += 1;
      return;
    }
    if (earlierCopy) result.updated += 1;
    else if (found) result.matched += 1;
    else result.created += 1;
  }

  /** Every copy of the item at the target: the one the map knew, and any carrying its marker. */
  private async removeCopies(kind: GroupwareKind, targetCollection: string, marker: string, known: string | undefined): Promise<void> {
    if (known) await this.target.remove(kind, targetCollection, known);
    for (
      let found = await this.target.findByMarker(kind, targetCollection, marker);
      found;
      found = await this.target.findByMarker(kind, targetCollection, marker)
    ) {
      await this.target.remove(kind, targetCollection, found);
    }
  }

  /** A title for the report of an item the mapper could not read: its SUMMARY or FN line, if any. */
  private titleOf(kind: GroupwareKind, data: string): string {
    const unfolded = data.replace(/\r?\n[ \t]/g, '');
    const line = new RegExp(`^${kind === 'contact' ? 'FN' : 'SUMMARY'}(?:;[^:\\r\\n]*)?:(.*)$`, 'mi').exec(unfolded);
    return line?.[1]?.trim().slice(0, 255) || (kind === 'contact' ? '(no name)' : '(no subject)');
  }

  /** Writes this run's hold on the item (insert-only when new, with the ETag read otherwise); the entry's table ETag. */
  private async hold(collection: ItemCollection, item: SourceItem, stored: StoredGroupwareItem | undefined, earlierCopy: string | undefined): Promise<string> {
    const pending: GroupwareItemEntry = {
      href: item.href,
      sourceEtag: item.etag,
      state: 'pending',
      heldBy: this.runId,
      ...(earlierCopy ? { targetId: earlierCopy } : {}),
    };
    const etag = stored
      ? await this.stores.items.replace(this.mailboxKey, collection.kind, collection.id, pending, stored.etag)
      : await this.stores.items.insert(this.mailboxKey, collection.kind, collection.id, pending);
    if (!etag) throw new MigrationError('ClaimConflict', 'Another run is copying the same contacts or events; the collection is tried again.', 'transient');
    return etag;
  }

  /** Writes a settled entry over the one read (or held) with `etag`, or inserts it when the item had none. */
  private async settle(collection: ItemCollection, entry: GroupwareItemEntry, etag: string | undefined): Promise<void> {
    const written = etag
      ? await this.stores.items.replace(this.mailboxKey, collection.kind, collection.id, entry, etag)
      : await this.stores.items.insert(this.mailboxKey, collection.kind, collection.id, entry);
    if (!written) throw new MigrationError('ClaimConflict', 'Another run is copying the same contacts or events; the collection is tried again.', 'transient');
  }
}

/**
 * What a pass must copy and remove. A full listing is compared with the item map by ETag; a changes
 * answer names them. An item whose copy is settled with the same ETag is left alone; a pending one is
 * always looked at again.
 */
function plan(changes: Awaited<ReturnType<ItemSource['changes']>>, entries: Map<string, StoredGroupwareItem>): { toCopy: ItemVersion[]; toRemove: string[] } {
  const unchanged = (version: ItemVersion) => {
    const entry = entries.get(version.href)?.entry;
    return entry !== undefined && entry.state !== 'pending' && entry.sourceEtag === version.etag;
  };
  if (changes.full) {
    const listed = new Set(changes.items.map((i) => i.href));
    return { toCopy: changes.items.filter((v) => !unchanged(v)), toRemove: [...entries.keys()].filter((href) => !listed.has(href)) };
  }
  const pending = [...entries.values()].filter((s) => s.entry.state === 'pending').map((s) => ({ href: s.entry.href, etag: s.entry.sourceEtag }));
  const changed = changes.changed.filter((v) => !unchanged(v));
  const seen = new Set(changed.map((v) => v.href));
  return { toCopy: [...changed, ...pending.filter((p) => !seen.has(p.href) && !changes.removed.includes(p.href))], toRemove: changes.removed };
}

/** The target refused the item itself (GroupwareTarget's `RejectedByTarget`): skipped and reported, the others go on. */
function isItemRejection(error: unknown): error is MigrationError {
  return error instanceof MigrationError && error.code === GROUPWARE_ITEM_REJECTED;
}
