import { createHash } from 'node:crypto';

import type { GroupwareKind } from './groupwareKind';

/**
 * Keys of the groupware item map. An item is known at the source by its collection and its href (a
 * DAV resource name, which a server keeps for the item's life) and versioned by its ETag; hrefs hold
 * characters a table key may not (`/`, `?`, `#`), so keys are hashes of them.
 */
export function collectionKey(collectionId: string): string {
  return createHash('sha256').update(collectionIdentity(collectionId), 'utf8').digest('hex').slice(0, 24);
}

/**
 * What names a collection for the item map and the markers: a DAV collection by its path alone (decoded,
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

export function groupwareItemKey(href: string): string {
  return createHash('sha256').update(href, 'utf8').digest('hex');
}

/**
 * The marker stamped on every contact and event the copy makes (an extended property), so a create
 * whose answer was lost is found on the next try instead of made twice. It names the mailbox, the
 * item type, the collection and the href: not the batch, so a mailbox added to another batch finds its
 * copies.
 */
export function groupwareMarker(mailboxKey: string, kind: GroupwareKind, collectionId: string, href: string): string {
  return createHash('sha256')
    .update(`${mailboxKey}\n${kind}\n${collectionIdentity(collectionId)}\n${href}`)
    .digest('base64url');
}
