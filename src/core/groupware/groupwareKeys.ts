import { createHash } from 'node:crypto';

import type { GroupwareKind } from './groupwareKind';

/**
 * Keys of the groupware item map. An item is known at the source by its collection and its href (a
 * DAV resource name, which a server keeps for the item's life) and versioned by its ETag; hrefs hold
 * characters a table key may not (`/`, `?`, `#`), so keys are hashes of them.
 */
export function collectionKey(collectionId: string): string {
  return createHash('sha256').update(collectionId, 'utf8').digest('hex').slice(0, 24);
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
  return createHash('sha256').update(`${mailboxKey}\n${kind}\n${collectionId}\n${href}`).digest('base64url');
}
