import { contentKey, mailContentPrefix, mailItemKey, mailPlaceKey, occurrenceOf } from '../../../core/ledger/ledgerKeys';
import type { ItemRow, Stored } from '../../../core/ledger/ledgerRows';
import { decideOccurrence, type MailOwner, type Occurrence, ownersToCheck } from '../../../core/ledger/mailOccurrences';
import type { MailSource } from '../../ports/mailSource';
import type { KnownItem } from '../itemAdapter';
import type { ItemLedger } from '../itemLedger';
import type { MailItem } from './mailFolderWork';

export interface IdentifyContext {
  ledger: ItemLedger;
  source: MailSource;
  mailboxKey: string;
  folder: string;
  sourcePath: string;
  uidValidity: string;
  targetFolderId: string;
  /**
   * Rows are expected (a rerun, a renumbered folder, another run's rows): read them first. Otherwise new
   * UIDs are taken as new messages and their holds inserted; a hold that finds a row reads it then.
   */
  readRows: boolean;
}

/**
 * Which row each message of a chunk owns (core/ledger/mailOccurrences.ts), with the row as it stands.
 * Messages whose rows are already settled as they should be (a rerun of a chunk a dead run settled) are
 * left out.
 */
export async function identifyMessages(items: MailItem[], context: IdentifyContext): Promise<KnownItem<MailItem>[]> {
  const placed = items.filter((i) => i.skip);
  const readable = items.filter((i) => !i.skip);
  return [...(await identifyByPlace(placed, context)), ...(await identifyByBytes(readable, context))];
}

/** Messages skipped before their bytes were read (too large, unreadable): a row by their place. */
async function identifyByPlace(items: MailItem[], context: IdentifyContext): Promise<KnownItem<MailItem>[]> {
  for (const item of items) item.key = mailPlaceKey(context.folder, context.uidValidity, item.uid);
  const mustRead = context.readRows || items.some((i) => i.retrying);
  const rows = mustRead && items.length > 0 ? await context.ledger.read(items.map((i) => i.key)) : new Map<string, Stored<ItemRow>>();
  const known: KnownItem<MailItem>[] = [];
  for (const item of items) {
    const found = rows.get(item.key);
    // Skipped already by a run whose checkpoint never got written: nothing to record again.
    if (found?.row.state === 'skipped' && !item.retrying) continue;
    known.push(found ? { item, found } : { item });
  }
  return known;
}

/** Readable messages: a row by their bytes and occurrence. */
async function identifyByBytes(items: MailItem[], context: IdentifyContext): Promise<KnownItem<MailItem>[]> {
  for (const item of items) item.content = contentKey(item.raw);
  if (items.length === 0) return [];
  if (!context.readRows && !items.some((i) => i.retrying)) return guessNew(items);
  const rows = await context.ledger.readPrefixes(unique(items.map((i) => mailContentPrefix(i.content!))));
  const occurrences = byContent(rows);
  const present = await presentOwners(items, occurrences, context);
  const retired = await placesRetired(items, context);
  const taken = new Map<string, Set<number>>();
  const known: KnownItem<MailItem>[] = [];
  for (const item of items) {
    const content = item.content!;
    const here = occurrences.get(content) ?? [];
    const used = taken.get(content) ?? new Set<number>();
    const me: MailOwner = { sourcePath: context.sourcePath, uidValidity: context.uidValidity, uid: item.uid };
    const decision = decideOccurrence(here, me, (owner) => present.has(ownerKey(owner)), context.targetFolderId, used);
    used.add(decision.index);
    taken.set(content, used);
    item.occurrence = decision.index;
    item.key = mailItemKey(content, decision.index);
    item.siblings = here.filter((o) => o.index !== decision.index && o.row.targetId).map((o) => o.row.targetId!);
    const found = [...rows.entries()].find(([key]) => key === item.key)?.[1];
    if (decision.kind === 'mine' && found && isSettledHere(found.row, context) && !item.retrying) continue;
    const retires = retired.get(item.uid);
    known.push({ item, ...(found ? { found } : {}), ...(retires ? { retires } : {}) });
  }
  return known;
}

/** New UIDs of a folder that was never renumbered: new messages, first occurrences (two of the same bytes in a chunk get 0 and 1). */
function guessNew(items: MailItem[]): KnownItem<MailItem>[] {
  const seen = new Map<string, number>();
  return items.map((item) => {
    const occurrence = seen.get(item.content!) ?? 0;
    seen.set(item.content!, occurrence + 1);
    item.occurrence = occurrence;
    item.key = mailItemKey(item.content!, occurrence);
    return { item };
  });
}

/** The row already says what this run would write: copied (or left deleted) into this folder. */
function isSettledHere(row: ItemRow, context: IdentifyContext): boolean {
  return (row.state === 'copied' || row.state === 'gone') && row.targetContainerId === context.targetFolderId;
}

function byContent(rows: Map<string, Stored<ItemRow>>): Map<string, Occurrence[]> {
  const out = new Map<string, Occurrence[]>();
  for (const [key, stored] of rows) {
    const content = key.slice('mail|'.length, key.lastIndexOf('|'));
    const list = out.get(content) ?? [];
    list.push({ index: occurrenceOf(key), row: stored.row });
    out.set(content, list);
  }
  return out;
}

/**
 * Which owners of other occurrences are still on the source. Asked only for messages whose bytes another
 * message owns already (filed twice, moved, or its folder renamed or renumbered): new mail costs no
 * question to the source.
 */
async function presentOwners(items: MailItem[], occurrences: Map<string, Occurrence[]>, context: IdentifyContext): Promise<Set<string>> {
  const present = new Set(items.map((i) => ownerKey({ sourcePath: context.sourcePath, uidValidity: context.uidValidity, uid: i.uid })));
  const toAsk = new Map<string, { path: string; uidValidity: string; uids: Set<number> }>();
  for (const item of items) {
    const me = { sourcePath: context.sourcePath, uidValidity: context.uidValidity, uid: item.uid };
    for (const owner of ownersToCheck(occurrences.get(item.content!) ?? [], me)) {
      if (present.has(ownerKey(owner))) continue;
      const key = `${owner.sourcePath}\n${owner.uidValidity}`;
      const entry = toAsk.get(key) ?? { path: owner.sourcePath, uidValidity: owner.uidValidity, uids: new Set<number>() };
      entry.uids.add(owner.uid);
      toAsk.set(key, entry);
    }
  }
  for (const ask of toAsk.values()) {
    for (const uid of await context.source.presentUids(ask.path, ask.uidValidity, [...ask.uids]))
      present.add(ownerKey({ sourcePath: ask.path, uidValidity: ask.uidValidity, uid }));
  }
  return present;
}

/** Rows by place of retried messages that can be read now: deleted when the message settles by its bytes. */
async function placesRetired(items: MailItem[], context: IdentifyContext): Promise<Map<number, { key: string; etag: string; row: ItemRow }>> {
  const placed = items.filter((i) => i.retrying?.row.itemKey?.startsWith('mail|~|'));
  const out = new Map<number, { key: string; etag: string; row: ItemRow }>();
  if (placed.length === 0) return out;
  const rows = await context.ledger.read(placed.map((i) => i.retrying!.row.itemKey!));
  for (const item of placed) {
    const key = item.retrying!.row.itemKey!;
    const stored = rows.get(key);
    if (stored) out.set(item.uid, { key, etag: stored.etag, row: stored.row });
  }
  return out;
}

function ownerKey(owner: MailOwner): string {
  return `${owner.sourcePath}\n${owner.uidValidity}\n${owner.uid}`;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
