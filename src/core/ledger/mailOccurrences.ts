import type { ItemRow } from './ledgerRows';

/**
 * Which mail item row a source message owns. Messages are known by their bytes (their content key), not
 * by folder path or UID: a folder renamed on the source, a message moved between folders, or a folder
 * renumbered (new UIDVALIDITY, once or many times) keeps its bytes, so its copy is found again instead of
 * made twice. This is what Dovecot's dsync does with message GUIDs and Exchange's Mailbox Replication
 * Service with entry ids; legacy IMAP servers offer neither, and the bytes are what stays.
 *
 * Byte-identical messages of one mailbox (the same message filed in two folders) are told apart by
 * occurrence: one row per copy, each owned by one source message. An occurrence whose owner left the
 * source is taken over by the message that now has those bytes; a second message with the same bytes
 * gets an occurrence of its own.
 */

/** A source message, where it is now. */
export interface MailOwner {
  sourcePath: string;
  uidValidity: string;
  uid: number;
}

/** One occurrence of a content: its number and its row. */
export interface Occurrence {
  index: number;
  row: ItemRow;
}

export type OccurrenceDecision =
  /** The message owns this occurrence already (a rerun of its page, or a crash after the hold). */
  | { kind: 'mine'; index: number }
  /** Another message owned it and has left the source: this one takes it over, with its copy. */
  | { kind: 'takeOver'; index: number }
  /** No occurrence is free: the message gets a new one. */
  | { kind: 'new'; index: number };

export function ownerOf(row: ItemRow): MailOwner | undefined {
  return row.sourcePath !== undefined && row.uidValidity !== undefined && row.uid !== undefined
    ? { sourcePath: row.sourcePath, uidValidity: row.uidValidity, uid: row.uid }
    : undefined;
}

export function sameOwner(a: MailOwner | undefined, b: MailOwner): boolean {
  return a !== undefined && a.sourcePath === b.sourcePath && a.uidValidity === b.uidValidity && a.uid === b.uid;
}

/** Owners of other occurrences, whose presence on the source must be known before deciding. */
export function ownersToCheck(occurrences: readonly Occurrence[], me: MailOwner): MailOwner[] {
  if (occurrences.some((o) => sameOwner(ownerOf(o.row), me))) return [];
  return occurrences.map((o) => ownerOf(o.row)).filter((o): o is MailOwner => o !== undefined);
}

/**
 * The occurrence the message owns or takes over. `stillThere` says whether an owner is still on the
 * source; `taken` holds indices already handed to other messages of the same page. A copied occurrence is
 * preferred over a pending or skipped one, and one in the message's own target folder first.
 */
export function decideOccurrence(
  occurrences: readonly Occurrence[],
  me: MailOwner,
  stillThere: (owner: MailOwner) => boolean,
  targetFolderId: string | undefined,
  taken: ReadonlySet<number> = new Set(),
): OccurrenceDecision {
  const mine = occurrences.find((o) => sameOwner(ownerOf(o.row), me));
  if (mine) return { kind: 'mine', index: mine.index };
  const free = occurrences.filter((o) => {
    const owner = ownerOf(o.row);
    return !taken.has(o.index) && (owner === undefined || !stillThere(owner));
  });
  const rank = (o: Occurrence) => (o.row.state === 'copied' || o.row.state === 'gone' ? 0 : 2) + (o.row.targetContainerId === targetFolderId ? 0 : 1);
  free.sort((a, b) => rank(a) - rank(b) || a.index - b.index);
  const chosen = free[0];
  if (chosen) return { kind: 'takeOver', index: chosen.index };
  const used = [...occurrences.map((o) => o.index), ...taken];
  return { kind: 'new', index: used.length === 0 ? 0 : Math.max(...used) + 1 };
}
