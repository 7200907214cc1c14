import type { GroupwareKind } from '../../core/groupware/groupwareKind';
import type { GraphContact, GraphEvent } from '../../core/groupware/graphShapes';

/** A file that goes with a contact (its photo) or an event (an attachment). */
export interface GroupwareFile {
  name: string;
  contentType: string;
  bytes: Buffer;
}

/** What the target is asked to hold for one source item, mapped from its vCard or iCalendar text. */
export type GroupwarePayload =
  | { kind: 'contact'; contact: GraphContact; photo?: GroupwareFile }
  | {
      kind: 'event';
      /** The event, or a recurring series' master. */
      master: GraphEvent;
      /** Occurrences of a series that were moved or changed (RECURRENCE-ID), by their original start (ISO, UTC). */
      exceptions: { originalStart: string; event: Partial<GraphEvent> }[];
      /** Occurrences of a series that were cancelled (EXDATE), by their original start (ISO, UTC). */
      cancelled: string[];
      attachments: GroupwareFile[];
    };

/**
 * What the target made of one item: its copy's id; or its refusal of the item for good (`refused`); or no
 * confirmation (`refused: false`): the copy may or may not be there, and is looked for by its marker later,
 * not before `resumeAt` when the target said when (its budget is spent, and nothing was sent).
 */
export type GroupwareOutcome =
  | { ok: true; targetId: string }
  | { ok: false; refused: true; code: string; detail: string }
  | { ok: false; refused: false; detail: string; resumeAt?: string };

/**
 * The target's contacts and calendars (Microsoft Graph: contactFolders and calendars). Every copy carries
 * the item's marker (an extended property), so one whose create answer was lost is found, not made twice.
 * Nothing the target does for these calls may send mail: no invitation, no cancellation. A spent budget
 * throws TargetPaused; a refusal of the whole collection (permissions) a permanent MigrationError.
 */
export interface GroupwareTarget {
  /**
   * The contact folder or calendar named so, found or made; its id. For the source's main one
   * (`primary`), the mailbox's default Contacts folder or Calendar, whatever its name.
   */
  ensureCollection(kind: GroupwareKind, displayName: string, primary?: boolean): Promise<string>;
  /** Every copy stamped with `marker` in that collection (a run that died mid-update may have left two). */
  findByMarker(kind: GroupwareKind, collectionId: string, marker: string): Promise<string[]>;
  /** Every copy in the collection that carries a marker, by marker (a few paged requests for the whole collection). */
  listMarked(kind: GroupwareKind, collectionId: string): Promise<Map<string, string[]>>;
  /** Makes the copies (an event with its exceptions, cancellations and attachments): an outcome per item, in order. */
  createMany(collectionId: string, items: readonly { payload: GroupwarePayload; marker: string }[]): Promise<GroupwareOutcome[]>;
  /**
   * Brings a copy up to date with its changed source item. A contact is patched in place; a series' exceptions
   * cannot be patched back into shape, so an event is made again and `replaced` says the old copy is now extra
   * (the caller removes it once the new one is recorded); `made` says a new copy was made (an event, or a
   * contact the user had deleted). Answers the copy's id, or the target's refusal.
   */
  update(collectionId: string, targetId: string, payload: GroupwarePayload, marker: string): Promise<GroupwareOutcome & { replaced?: boolean; made?: boolean }>;
  /** Removes a copy whose source item was deleted; a copy already gone is no error. */
  remove(kind: GroupwareKind, collectionId: string, targetId: string): Promise<void>;
}
