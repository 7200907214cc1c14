import type { GroupwareKind } from '../../core/groupware/groupwareKind';

/**
 * What became of one source contact or event: written `pending` (insert-only, naming the run that
 * holds it) before the target is asked, settled `copied` or `skipped` after. An item whose ETag
 * changes at the source is updated in the target on the next pass.
 */
export interface GroupwareItemEntry {
  href: string;
  /**
   * The source ETag the target copy was made from (for `pending`, the one being copied). Not `etag`:
   * that name is the table row's own version.
   */
  sourceEtag: string;
  state: 'pending' | 'copied' | 'skipped';
  /** The run that holds a pending item; another run reconciles it by its marker instead of creating it. */
  heldBy?: string;
  targetId?: string;
  /** Why a skipped item was skipped (a bad vCard or iCalendar, a rule Graph cannot hold). */
  reason?: string;
  detail?: string;
  /** The item's title for reports (a contact's name, an event's subject). */
  subject?: string;
}

/** An entry with the table ETag it was read with. */
export interface StoredGroupwareItem {
  entry: GroupwareItemEntry;
  etag: string;
}

/** Where one mailbox's collection of one type goes, and how far its copy has come. */
export interface GroupwareCollectionState {
  collectionId: string;
  kind: GroupwareKind;
  displayName: string;
  /** The target contact folder or calendar. */
  targetId?: string;
  /** The sync token the last complete pass ended with (RFC 6578). */
  syncToken?: string;
  /** A pass over the whole collection has ended: every copy in the target is in the item map since. */
  passCompleted?: boolean;
}

/** The groupware item map: partition = mailbox, type and collection; row = a hash of the href. */
export interface GroupwareItemStore {
  list(mailboxKey: string, kind: GroupwareKind, collectionId: string): Promise<Map<string, StoredGroupwareItem>>;
  /** Inserts an entry only if none exists; the new table ETag, or undefined when one exists already. */
  insert(mailboxKey: string, kind: GroupwareKind, collectionId: string, entry: GroupwareItemEntry): Promise<string | undefined>;
  /** Replaces an entry read with `etag`; the new table ETag, or undefined when it changed since. */
  replace(mailboxKey: string, kind: GroupwareKind, collectionId: string, entry: GroupwareItemEntry, etag: string): Promise<string | undefined>;
  /** Deletes an entry read with `etag` (its item was removed at the source and in the target). */
  remove(mailboxKey: string, kind: GroupwareKind, collectionId: string, href: string, etag: string): Promise<void>;
  /** Every item of the mailbox the copy skipped (in any collection), for the errors report. */
  listSkipped(mailboxKey: string): Promise<SkippedGroupwareEntry[]>;
  deleteMailbox(mailboxKey: string): Promise<void>;
}

/** A skipped item's entry, with the collection it belongs to. */
export interface SkippedGroupwareEntry {
  kind: GroupwareKind;
  /** The collection as the map keys it (core/groupware/groupwareKeys `collectionKey` of its id). */
  collectionKey: string;
  entry: GroupwareItemEntry;
}

/** The mailbox's collections: partition = mailbox, row = type and a hash of the collection id. */
export interface GroupwareCollectionStore {
  list(mailboxKey: string): Promise<GroupwareCollectionState[]>;
  save(mailboxKey: string, state: GroupwareCollectionState): Promise<void>;
  deleteMailbox(mailboxKey: string): Promise<void>;
}
