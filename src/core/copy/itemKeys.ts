import { createHash } from 'node:crypto';

/**
 * Keys of the item map. A source message is known by its folder, the folder's UIDVALIDITY and its
 * UID: together unique for the life of the mailbox (RFC 3501 section 2.3.1.1), unlike Message-ID,
 * which may be missing or shared by different messages.
 */
export function folderKey(sourcePath: string): string {
  return createHash('sha256').update(sourcePath, 'utf8').digest('hex').slice(0, 24);
}

/** Table RowKey of an item: UIDVALIDITY and a zero-padded UID, so key order is UID order. */
export function itemRowKey(uidValidity: string, uid: number): string {
  return `${uidValidity}_${String(uid).padStart(10, '0')}`;
}

/**
 * What stays the same when a server renumbers a folder (new UIDVALIDITY): the message's own
 * bytes. A hash of them lets a re-numbered message be matched to the copy already made.
 */
export function contentKey(raw: Buffer): string {
  return createHash('sha256').update(raw).digest('base64url');
}

/**
 * Value of the marker property stamped on every copy, so a copy made before a crash can be found. It
 * names the mailbox and the item's identity (its content and which of the mailbox's byte-identical
 * items it is), not the batch or the folder: a mailbox added again to another batch, a folder renamed on
 * the source or a message moved between folders keeps its marker, and its copy is found, not made again.
 */
export function itemMarker(mailboxKey: string, contentKey: string, occurrence: number): string {
  return createHash('sha256').update(`${mailboxKey}\n${contentKey}\n${occurrence}`).digest('base64url');
}
