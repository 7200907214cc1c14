import { createHash } from 'node:crypto';
import type { ItemType } from '../copy/itemType';

/**
 * Row keys of a mailbox's copy state. Everything of one mailbox shares one partition (`copyScope`), so
 * one entity-group transaction can write a whole page's holds or settlements, and one query can read a
 * page's rows: Table Storage runs up to 100 operations on one partition atomically
 * (https://learn.microsoft.com/rest/api/storageservices/performing-entity-group-transactions).
 *
 * The ledger's rows, by their key's first segment:
 * - `mail|…`, `contact|…`, `event|…`: one row per item, keyed by its stable source identity;
 * - `pos|…`: where a mail item is on the source now (folder, UIDVALIDITY, UID), for flags and retries;
 * - `skip|…`: an item the copy skipped, with what the errors report says of it.
 */

/** The partition of a mailbox's copy state: its key (the address), not its batch, so a mailbox added again goes on. */
export function copyScope(mailboxKey: string): string {
  return `m|${mailboxKey}`;
}

/** A source folder's key: a hash of its path (paths hold characters a table key may not). */
export function folderKey(sourcePath: string): string {
  return createHash('sha256').update(sourcePath, 'utf8').digest('hex').slice(0, 24);
}

/** The hash of an item's bytes: what stays the same when a message is moved, or its folder renamed or renumbered. */
export function contentKey(raw: Buffer): string {
  return createHash('sha256').update(raw).digest('base64url');
}

/** A DAV item's key within its collection: a hash of its href (hrefs hold `/`, `?` and `#`). */
export function hrefKey(href: string): string {
  return createHash('sha256').update(href, 'utf8').digest('hex');
}

/**
 * A mail item's row: its content and which of the mailbox's byte-identical messages it is. One range
 * query (`mailContentPrefix`) reads every occurrence; they are zero-padded so the first 10,000 sort in
 * order (nothing relies on the order: occurrenceOf reads the number).
 */
export function mailItemKey(content: string, occurrence: number): string {
  return `${mailContentPrefix(content)}${String(occurrence).padStart(4, '0')}`;
}

export function mailContentPrefix(content: string): string {
  return `mail|${content}|`;
}

/**
 * The row of a message skipped before its bytes were read (too large to read, or the server would not
 * give it): known by its place until a later pass reads it, then by its bytes. `~` sorts after every
 * content key, which is base64url.
 */
export function mailPlaceKey(folder: string, uidValidity: string, uid: number): string {
  return `mail|~|${folder}|${uidValidity}|${String(uid).padStart(10, '0')}`;
}

/** The occurrence a mail item row stands for (the last segment of its key). */
export function occurrenceOf(mailKey: string): number {
  return Number(mailKey.slice(mailKey.lastIndexOf('|') + 1));
}

/** The content key of a mail item row. */
export function contentOf(mailKey: string): string {
  return mailKey.slice('mail|'.length, mailKey.lastIndexOf('|'));
}

/** A contact's or event's row: its collection (by path, see collectionIdentity) and its href. */
export function davItemKey(type: Exclude<ItemType, 'mail'>, collectionId: string, href: string): string {
  return `${davCollectionPrefix(type, collectionId)}${hrefKey(href)}`;
}

/** Every item row of one collection starts with this. */
export function davCollectionPrefix(type: Exclude<ItemType, 'mail'>, collectionId: string): string {
  return `${type}|${collectionKey(collectionId)}|`;
}

/** A mail position row: zero-padded UIDs, so key order is UID order and a UID range is a key range. */
export function positionKey(folder: string, uidValidity: string, uid: number): string {
  return `${positionPrefix(folder, uidValidity)}${String(uid).padStart(10, '0')}`;
}

export function positionPrefix(folder: string, uidValidity: string): string {
  return `pos|${folder}|${uidValidity}|`;
}

/** The UID a position row stands for. */
export function uidOf(position: string): number {
  return Number(position.slice(position.lastIndexOf('|') + 1));
}

/** The errors-report row of a skipped item or position. */
export function skipKey(rowKey: string): string {
  return `${SKIP_PREFIX}${rowKey}`;
}

export const SKIP_PREFIX = 'skip|';

/** The row of a container (a folder or a collection) in the containers table. */
export function containerRowKey(type: ItemType, identityKey: string): string {
  return `${type}|${identityKey}`;
}

/** The upper bound of every key starting with `prefix`, for a range query. */
export function prefixEnd(prefix: string): string {
  return `${prefix}\uffff`;
}

/**
 * The marker stamped on every mail copy where the target allows it, so a copy made before a crash can be
 * found. It names the mailbox and the item's identity (content and occurrence), not the batch or the
 * folder: a mailbox added again, a folder renamed or a message moved keeps its marker.
 */
export function mailMarker(mailboxKey: string, content: string, occurrence: number): string {
  return createHash('sha256').update(`${mailboxKey}\n${content}\n${occurrence}`).digest('base64url');
}

/**
 * What names a collection for the ledger and the markers: a DAV collection by its path alone (decoded,
 * with its trailing slash), so the same address book reached under another host name, port or scheme (the
 * endpoint's davUrl changed from an alias to the real name, or from http to https) is still the same one
 * and nothing is copied twice. An id that is not a URL (an EWS folder id) is itself.
 */
export function collectionIdentity(collectionId: string): string {
  let path: string;
  try {
    path = new URL(collectionId).pathname;
  } catch {
    return collectionId;
  }
  try {
    path = decodeURIComponent(path);
  } catch {
    // A stray % stays as the server wrote it.
  }
  return path.endsWith('/') ? path : `${path}/`;
}

/** A collection's key: a hash of its identity. */
export function collectionKey(collectionId: string): string {
  return createHash('sha256').update(collectionIdentity(collectionId), 'utf8').digest('hex').slice(0, 24);
}

/**
 * The marker of a contact or event copy: the mailbox, the type, the collection (by path) and the href; not
 * the batch, so a mailbox added to another batch finds its copies.
 */
export function davMarker(mailboxKey: string, type: Exclude<ItemType, 'mail'>, collectionId: string, href: string): string {
  return createHash('sha256')
    .update(`${mailboxKey}\n${type}\n${collectionIdentity(collectionId)}\n${href}`)
    .digest('base64url');
}
