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
 * The code of the permanent MigrationError `create` and `update` throw when the target refuses the item
 * itself (a value it will not take, an attachment too large): the copy skips that item, reports the
 * target's reason, and goes on. Any other error stops the collection (permanent) or is tried again.
 */
export const GROUPWARE_ITEM_REJECTED = 'RejectedByTarget';

/**
 * The target's contacts and calendars (Microsoft Graph: contactFolders and calendars). Every copy carries
 * the item's marker (an extended property), so one whose create answer was lost is found, not made twice.
 * Nothing the target does for these calls may send mail: no invitation, no cancellation.
 */
export interface GroupwareTarget {
  /**
   * The contact folder or calendar named so, found or made; its id. For the source's main one
   * (`primary`), the mailbox's default Contacts folder or Calendar, whatever its name.
   */
  ensureCollection(kind: GroupwareKind, displayName: string, primary?: boolean): Promise<string>;
  /** The copy stamped with `marker` in that collection, if one exists. */
  findByMarker(kind: GroupwareKind, collectionId: string, marker: string): Promise<string | undefined>;
  /** Every copy in the collection that carries a marker, by marker (a few paged requests for the whole collection). */
  listMarked(kind: GroupwareKind, collectionId: string): Promise<Map<string, string>>;
  /** Makes the copy (an event with its exceptions, cancellations and attachments); its id. */
  create(collectionId: string, payload: GroupwarePayload, marker: string): Promise<string>;
  /** Brings a copy up to date with its changed source item; the id it has afterwards (a series may be made again). */
  update(collectionId: string, targetId: string, payload: GroupwarePayload, marker: string): Promise<string>;
  /** Removes a copy whose source item was deleted; a copy already gone is no error. */
  remove(kind: GroupwareKind, collectionId: string, targetId: string): Promise<void>;
}
