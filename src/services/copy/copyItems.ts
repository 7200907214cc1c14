import type { ItemType } from '../../core/copy/itemType';
import { copyActionOf } from '../../core/ledger/copyAction';
import { MigrationError } from '../../core/errors/migrationError';
import type { ContainerWork, KnownItem, PageContext, PageItem, TargetOutcome } from './itemAdapter';
import type { Settlement } from './itemLedger';
import type { PageLedger } from './pageLedger';

/** Rounds of hold, read again and decide again, before the page gives up on items another run keeps changing. */
const MAX_HOLD_ROUNDS = 5;

/** A chunk of one container's items, read by its work. */
export interface Chunk {
  type: ItemType;
  work: ContainerWork;
  items: PageItem[];
}

/** A chunk's items left open (held, not settled), and the failure of its target part, if it failed. */
export interface ChunkResult {
  open: PageItem[];
  failure?: unknown;
}

/**
 * Takes chunks (of one or several containers) through the ledger's rule (services/copy/itemLedger.ts): the
 * holds of all of them in as few transactions as fit, then each container's target part (find by marker,
 * create, update, move), and settlements queued on the page. Answers, per chunk, the items left open: held
 * but not settled (the target's budget is spent, or a create was not confirmed).
 */
export async function copyItems(chunks: readonly Chunk[], page: PageContext, ledger: PageLedger): Promise<ChunkResult[]> {
  const held = await holdAll(chunks, page, ledger);
  const results: ChunkResult[] = [];
  for (const [index, chunk] of chunks.entries()) {
    const mine = held[index]!;
    const acting = mine.map(({ known }) => ({
      item: known.item,
      action: copyActionOf(known.found?.row, {
        targetContainerId: chunk.work.targetContainerId,
        ...(known.item.version !== undefined ? { version: known.item.version } : {}),
        unknownCopies: chunk.work.unknownCopies,
      }),
    }));
    let outcomes: TargetOutcome[];
    try {
      outcomes = acting.length > 0 ? await chunk.work.act(acting) : [];
    } catch (failure) {
      // The container's target part failed (for good, or for now): its items stay held, for the next run to look for.
      results.push({ open: mine.map((m) => m.known.item), failure });
      continue;
    }
    const left: PageItem[] = [];
    for (const [at, { known, etag }] of mine.entries()) {
      const outcome = outcomes[at]!;
      if (outcome.kind === 'open') {
        left.push(known.item);
        ledger.pause(outcome.resumeAt);
        continue;
      }
      await settle(chunk.type, chunk.work, known, etag, outcome, ledger);
    }
    results.push({ open: left });
  }
  return results;
}

/**
 * Holds every item that needs the target, every chunk's in the same transactions. Items to skip or to remove
 * need no hold and are settled at once; a hold refused (another run wrote the row since it was read) reads
 * the row again, through its chunk's work.
 */
async function holdAll(chunks: readonly Chunk[], page: PageContext, ledger: PageLedger): Promise<{ known: KnownItem<PageItem>; etag: string }[][]> {
  const held = chunks.map((): { known: KnownItem<PageItem>; etag: string }[] => []);
  // One chunk at a time: a chunk's work may ask its source (which of a message's owners are still there).
  let known: KnownItem<PageItem>[][] = [];
  for (const chunk of chunks) known.push(await chunk.work.identify(chunk.items, false));
  for (let round = 1; known.some((k) => k.length > 0); round += 1) {
    if (round > MAX_HOLD_ROUNDS) throw new MigrationError('LedgerConflict', 'Another run kept changing the same items; the page is tried again.', 'transient');
    const toHold: { chunk: number; known: KnownItem<PageItem> }[] = [];
    for (const [index, chunk] of chunks.entries()) {
      for (const k of known[index]!) {
        if (k.item.skip) await settle(chunk.type, chunk.work, k, k.found?.etag, { kind: 'skipped', skip: k.item.skip }, ledger);
        else if (k.item.removed) await remove(chunk.type, chunk.work, k, ledger);
        else toHold.push({ chunk: index, known: k });
      }
    }
    const etags = await page.ledger.hold(
      toHold.map(({ chunk, known: k }) => ({
        key: k.item.key,
        ...(k.found ? { found: k.found } : {}),
        pending: chunks[chunk]!.work.pendingRow(k.item, k.found?.row),
      })),
    );
    const conflicts = chunks.map((): PageItem[] => []);
    toHold.forEach(({ chunk, known: k }, i) => {
      const etag = etags[i];
      if (etag) held[chunk]!.push({ known: k, etag });
      else conflicts[chunk]!.push(k.item);
    });
    known = [];
    for (const [index, chunk] of chunks.entries()) known.push(conflicts[index]!.length > 0 ? await chunk.work.identify(conflicts[index]!, true) : []);
  }
  return held;
}

async function settle(
  type: ItemType,
  work: ContainerWork,
  known: KnownItem<PageItem>,
  etag: string | undefined,
  outcome: Exclude<TargetOutcome, { kind: 'open' }>,
  ledger: PageLedger,
): Promise<void> {
  const before = known.found?.row;
  const settled = work.settledRow(known.item, outcome, before);
  const made = outcome.kind === 'copied' && outcome.made ? { containerId: work.targetContainerId, targetId: outcome.targetId } : undefined;
  const superseded = outcome.kind === 'copied' ? (outcome.superseded ?? []).map((targetId) => ({ containerId: work.targetContainerId, targetId })) : [];
  const settlement: Settlement = {
    key: known.item.key,
    ...(etag ? { etag } : {}),
    row: settled.row,
    with: settled.with,
    ...(made ? { made } : {}),
    ...(superseded.length > 0 ? { superseded } : {}),
    ...(before ? { before } : {}),
    ...(known.retires ? { retires: known.retires } : {}),
  };
  await ledger.add(settlement, {
    type,
    made: made !== undefined,
    ...(outcome.kind === 'copied' ? { how: outcome.how } : {}),
    size: known.item.size,
    bad: outcome.kind === 'skipped' && outcome.skip.countsAsBad,
    removeCopy: (copy) => work.removeCopy(copy.targetId, copy.containerId),
  });
}

/** A source item deleted: its copy goes first, then its row, so a crash between leaves the row to try again. */
async function remove(type: ItemType, work: ContainerWork, known: KnownItem<PageItem>, ledger: PageLedger): Promise<void> {
  const found = known.found;
  if (!found) return;
  if (found.row.targetId) await work.removeCopy(found.row.targetId, found.row.targetContainerId ?? work.targetContainerId);
  const settled = work.settledRow(known.item, { kind: 'gone' }, found.row);
  await ledger.add(
    { key: known.item.key, etag: found.etag, row: 'delete', with: settled.with, before: found.row },
    { type, made: false, size: 0, bad: false, removeCopy: (copy) => work.removeCopy(copy.targetId, copy.containerId) },
  );
}
