import type { GroupwareKind } from '../../core/groupware/groupwareKind';

/** What a collection holds (re-exported for the sources that implement this port). */
export type { GroupwareKind };

/**
 * Groupware at the source: address books and calendars, as CardDAV and CalDAV servers keep them
 * (Zimbra, SOGo, Kerio, Nextcloud, Radicale), and as a later EWS source will give them. A source yields
 * collections of one item type; each item is known by its href and its ETag and carries its text
 * (a vCard or an iCalendar object). The copy keeps an item map per type, so a new source plugs in
 * without changing the copy logic.
 */

/** An address book or a calendar at the source. */
export interface ItemCollection {
  /** The collection's identity at the source (a DAV collection's absolute URL ending in `/`, an EWS folder id). */
  id: string;
  kind: GroupwareKind;
  displayName: string;
  /** A calendar's colour or description, when the source has one (for the target's calendar). */
  color?: string;
  description?: string;
  /**
   * The user's main address book or calendar (one of each at most): it goes into the mailbox's default
   * Contacts folder or Calendar, the others beside it.
   */
  primary?: boolean;
  /** The collection's sync token (RFC 6578) when the server offers sync-collection. */
  syncToken?: string;
  /**
   * A calendar's own time zone, the TZID of its CalDAV `calendar-timezone` (RFC 4791 section 5.2.2: it
   * "is used to interpret floating time"): the zone its all-day dates and floating times are read in.
   */
  timeZone?: string;
}

/** One item's identity and version at the source. */
export interface ItemVersion {
  /** The item's identity in its collection (a DAV href: the path the server lists it under, e.g. `/dav/alice/calendar/1234.ics`). */
  href: string;
  /** Changes whenever the item does (an HTTP ETag). */
  etag: string;
}

/** One item as the source holds it. */
export interface SourceItem extends ItemVersion {
  /**
   * vCard (contact) or iCalendar (event) text as the server gave it. DAV carries it inside an XML
   * answer, so only the XML layer's white space around it may differ: it always ends with a line break.
   */
  data: string;
}

/**
 * What changed in a collection. `full`: every item the collection holds (no token given, the server
 * offers none, or it refused the token); compare ETags with the item map. Otherwise only what changed
 * since the token, and what was removed.
 */
export type CollectionChanges =
  { full: true; items: ItemVersion[]; syncToken?: string } | { full: false; changed: ItemVersion[]; removed: string[]; syncToken?: string };

export interface ItemSource {
  /** The user's address books and calendars (either may be missing, e.g. a server without CardDAV). */
  listCollections(): Promise<ItemCollection[]>;
  /** Items changed since `syncToken` (RFC 6578 sync-collection), or every item with its ETag. */
  changes(collection: ItemCollection, syncToken?: string): Promise<CollectionChanges>;
  /** The items' text; an href that is gone is left out of the answer. */
  fetch(collection: ItemCollection, hrefs: readonly string[]): Promise<SourceItem[]>;
  close(): Promise<void>;
}
