import type { ItemType } from '../../core/copy/itemType';
import { copyActionOf } from '../../core/ledger/copyAction';
import { MigrationError } from '../../core/errors/migrationError';
import type { ContainerWork, KnownItem, PageContext, PageItem, TargetOutcome } from './itemAdapter';
import type { Settlement } from './itemLedger';
import type { PageLedger } from './pageLedger';

/** Rounds of hold, read again and decide again, before the page gives up on items another run keeps changing. */
const MAX_HOLD_ROUNDS = 5;

/**
 * Takes a chunk of one container's items through the ledger's rule (services/copy/itemLedger.ts): holds,
 * the target's part (find by marker, create, update, move), and settlements queued on the page. Answers the
 * items left open: held but not settled (the target's budget is spent, or a create was not confirmed).
 */
export async function copyItems<I extends PageItem>(type: ItemType, work: ContainerWork<I>, items: I[], page: PageContext, ledger: PageLedger): Promise<I[]> {
  const held = await holdAll(type, work, items, page, ledger);
  const acting = held.map(({ known }) => ({
    item: known.item,
    action: copyActionOf(known.found?.row, {
      targetContainerId: work.targetContainerId,
      ...(known.item.version !== undefined ? { version: known.item.version } : {}),
      unknownCopies: work.unknownCopies,
    }),
  }));
  const outcomes = acting.length > 0 ? await work.act(acting) : [];
  const open: I[] = [];
  for (const [index, { known, etag }] of held.entries()) {
    const outcome = outcomes[index]!;
    if (outcome.kind === 'open') {
      open.push(known.item);
      ledger.pause(outcome.resumeAt);
      continue;
    }
    await settle(type, work, known, etag, outcome, ledger);
  }
  return open;
}

/**
 * Holds every item that needs the target. Items to skip or to remove need no hold and are settled at once;
 * a hold refused (another run wrote the row since it was read) reads the row again.
 */
async function holdAll<I extends PageItem>(
  type: ItemType,
  work: ContainerWork<I>,
  items: I[],
  page: PageContext,
  ledger: PageLedger,
): Promise<{ known: KnownItem<I>; etag: string }[]> {
  const held: { known: KnownItem<I>; etag: string }[] = [];
  let known = await work.identify(items, false);
  for (let round = 1; known.length > 0; round += 1) {
    if (round > MAX_HOLD_ROUNDS) throw new MigrationError('LedgerConflict', 'Another run kept changing the same items; the page is tried again.', 'transient');
    const toHold: KnownItem<I>[] = [];
    for (const k of known) {
      if (k.item.skip) await settle(type, work, k, k.found?.etag, { kind: 'skipped', skip: k.item.skip }, ledger);
      else if (k.item.removed) await remove(type, work, k, ledger);
      else toHold.push(k);
    }
    const etags = await page.ledger.hold(
      toHold.map((k) => ({ key: k.item.key, ...(k.found ? { found: k.found } : {}), pending: work.pendingRow(k.item, k.found?.row) })),
    );
    const conflicts: I[] = [];
    toHold.forEach((k, i) => {
      const etag = etags[i];
      if (etag) held.push({ known: k, etag });
      else conflicts.push(k.item);
    });
    known = conflicts.length > 0 ? await work.identify(conflicts, true) : [];
  }
  return held;
}

async function settle<I extends PageItem>(
  type: ItemType,
  work: ContainerWork<I>,
  known: KnownItem<I>,
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
async function remove<I extends PageItem>(type: ItemType, work: ContainerWork<I>, known: KnownItem<I>, ledger: PageLedger): Promise<void> {
  const found = known.found;
  if (!found) return;
  if (found.row.targetId) await work.removeCopy(found.row.targetId, found.row.targetContainerId ?? work.targetContainerId);
  const settled = work.settledRow(known.item, { kind: 'gone' }, found.row);
  await ledger.add(
    { key: known.item.key, etag: found.etag, row: 'delete', with: settled.with, before: found.row },
    { type, made: false, size: 0, bad: false, removeCopy: (copy) => work.removeCopy(copy.targetId, copy.containerId) },
  );
}
