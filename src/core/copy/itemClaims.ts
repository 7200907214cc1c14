/**
 * Which target copy a source item owns. Items are known by their bytes (`contentKey`), not by folder
 * path or UID: a folder renamed on the source, a message moved between folders, or a folder renumbered
 * (new UIDVALIDITY, once or many times) keeps its content, so its copy is found again instead of made
 * twice. This is what Dovecot's dsync does with message GUIDs and Exchange's Mailbox Replication Service
 * with entry ids; IMAP legacy servers offer neither, and the bytes are what stays.
 *
 * Byte-identical items of one mailbox (the same message filed in two folders) are told apart by
 * occurrence: each claim holds a list, one occurrence per copy, each owned by one source item. An
 * occurrence whose owner left the source (moved, folder renamed or renumbered) is taken over by the
 * item that now has those bytes; a second item with the same bytes gets its own occurrence.
 */

/** A source item: where it is now (the path is what the source is asked about). */
export interface ItemOwner {
  folderKey: string;
  sourcePath: string;
  uidValidity: string;
  uid: number;
}

/**
 * `pending`: the copy is being made (or a run died making it): look for its marker before making it.
 * `copied`: the copy exists at targetId. `skipped`: no copy (the item could not be copied).
 * `gone`: the copy existed and the user deleted it in the target: it is not made again.
 */
export type OccurrenceState = 'pending' | 'copied' | 'skipped' | 'gone';

export interface Occurrence {
  owner: ItemOwner;
  state: OccurrenceState;
  targetId?: string;
  /** The target folder the copy was made in (or asked to be made in, while pending). */
  targetFolderId?: string;
  /**
   * The run that may create the copy of a `pending` or `skipped` occurrence. The last run to claim it wins
   * (it holds the mailbox's copy lease, so any earlier holder is dead or stalled); a stalled run that wakes
   * up and creates anyway finds at settling that it no longer holds the occurrence, and removes its copy.
   */
  heldBy?: string;
}

export type ClaimDecision =
  /** The item owns this occurrence already (a rerun of its page, or a crash after the claim). */
  | { kind: 'mine'; index: number }
  /** Another item owned it and has left the source: this item takes it over, with its copy. */
  | { kind: 'takeOver'; index: number }
  /** No occurrence is free: the item gets a new one, at this index. */
  | { kind: 'new'; index: number };

export function sameOwner(a: ItemOwner, b: ItemOwner): boolean {
  return a.folderKey === b.folderKey && a.uidValidity === b.uidValidity && a.uid === b.uid;
}

/** Owners of other occurrences, whose presence on the source must be known before deciding. */
export function ownersToCheck(occurrences: Occurrence[], me: ItemOwner): ItemOwner[] {
  if (occurrences.some((o) => sameOwner(o.owner, me))) return [];
  return occurrences.map((o) => o.owner);
}

/**
 * The occurrence the item owns or takes over. `stillThere` says whether an owner is still on the
 * source; `takenInThisPage` holds indices already handed to other items of the same page. A copied
 * occurrence is preferred over a pending or skipped one, and one in the item's own target folder first.
 */
export function decideClaim(
  occurrences: Occurrence[],
  me: ItemOwner,
  stillThere: (owner: ItemOwner) => boolean,
  targetFolderId: string | undefined,
  takenInThisPage: ReadonlySet<number> = new Set(),
): ClaimDecision {
  const mine = occurrences.findIndex((o) => sameOwner(o.owner, me));
  if (mine >= 0) return { kind: 'mine', index: mine };
  const free = occurrences
    .map((occurrence, index) => ({ occurrence, index }))
    .filter(({ occurrence, index }) => !takenInThisPage.has(index) && !stillThere(occurrence.owner));
  const rank = ({ occurrence }: { occurrence: Occurrence }) =>
    (occurrence.state === 'copied' || occurrence.state === 'gone' ? 0 : 2) + (occurrence.targetFolderId === targetFolderId ? 0 : 1);
  free.sort((a, b) => rank(a) - rank(b) || a.index - b.index);
  const chosen = free[0];
  return chosen ? { kind: 'takeOver', index: chosen.index } : { kind: 'new', index: occurrences.length };
}
