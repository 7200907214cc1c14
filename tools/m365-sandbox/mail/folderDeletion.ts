import { GraphError } from '../graphError';
import { newExchangeId } from '../store/graphIds';
import type { TenantStore } from '../store/tenantStore';
import type { MailboxRecord, MailFolderRecord, MessageRecord } from '../store/types';
import { nowIso } from './createMessage';
import { ROOT_WELL_KNOWN_NAME } from './wellKnownFolders';

/** What a delete did: moved the folder or item under Deleted Items, or removed it from the mailbox. */
export type DeletionOutcome = 'movedToDeletedItems' | 'removed';

export interface FolderDeletion {
  outcome: DeletionOutcome;
  /** The folder's id, unchanged by the move (folder ids do not change when a folder moves). */
  folderId: string;
  /** Its `/`-joined display path after the move (`Deleted Items/Projects`), or null once removed. */
  path: string | null;
  /** Messages in the folder and its subfolders, moved with it or removed with it. */
  messageCount: number;
}

export interface MessageDeletion {
  outcome: DeletionOutcome;
  /** The id of the copy in Deleted Items (a move gives the item a new id), or null once removed. */
  messageId: string | null;
}

/**
 * Deletes a folder as Exchange Online does. Outlook's "Delete Folder" moves the folder, its subfolders
 * and their items under Deleted Items; deleting it again from there (or Shift+Delete, or Graph's
 * `permanentDelete`) removes it, and every later request naming it gets 404 `ErrorItemNotFound`
 * (https://learn.microsoft.com/graph/api/mailfolder-permanentdelete: "Permanently deleted folders are
 * removed from the mailbox"). The folders Exchange creates with the mailbox cannot be deleted.
 *
 * Guesses, each the stricter choice where no page describes it: a folder moved under Deleted Items
 * keeps its id and so do the messages in it (the folder is what moved; "container types … regular IDs
 * were already constant", https://learn.microsoft.com/graph/outlook-immutable-id); a name already used
 * under Deleted Items gets a number appended (`Projects1`); a folder anywhere below Deleted Items is
 * removed, not moved again.
 */
export function deleteFolder(store: TenantStore, mailbox: MailboxRecord, folder: MailFolderRecord, options: { permanently: boolean }): FolderDeletion {
  if (folder.wellKnownName !== null) {
    throw new GraphError(400, 'ErrorDeleteDistinguishedFolder', 'Distinguished folders cannot be deleted.');
  }
  const subtree = folderSubtree(mailbox, folder);
  const messages = Object.values(mailbox.messages).filter((message) => subtree.has(message.parentFolderId));
  const deletedItems = wellKnownFolder(mailbox, 'deleteditems');
  if (options.permanently || isBelow(mailbox, folder, deletedItems)) {
    for (const message of messages) delete mailbox.messages[message.id];
    for (const id of subtree) delete mailbox.folders[id];
    for (const [id, session] of Object.entries(mailbox.uploadSessions))
      if (session.messageId !== undefined && !mailbox.messages[session.messageId]) delete mailbox.uploadSessions[id];
    store.changed();
    return { outcome: 'removed', folderId: folder.id, path: null, messageCount: messages.length };
  }
  folder.displayName = freeName(mailbox, deletedItems.id, folder.displayName);
  folder.parentFolderId = deletedItems.id;
  store.changed();
  return { outcome: 'movedToDeletedItems', folderId: folder.id, path: folderPath(mailbox, folder), messageCount: messages.length };
}

/**
 * Deletes a message as Outlook does: it moves to Deleted Items, with a new id as every move gives it
 * (https://learn.microsoft.com/graph/api/message-move); deleting it there, or `permanently`
 * (Shift+Delete), removes it ("If the containing folder is the Deleted Items folder, the Delete method
 * removes the item permanently": https://learn.microsoft.com/office/vba/api/outlook.mailitem.delete).
 * Guess: an item in a subfolder of Deleted Items is removed too.
 */
export function deleteMessageAsUser(store: TenantStore, mailbox: MailboxRecord, message: MessageRecord, options: { permanently: boolean }): MessageDeletion {
  const deletedItems = wellKnownFolder(mailbox, 'deleteditems');
  const folder = mailbox.folders[message.parentFolderId];
  delete mailbox.messages[message.id];
  if (options.permanently || (folder !== undefined && isBelow(mailbox, folder, deletedItems))) {
    store.changed();
    return { outcome: 'removed', messageId: null };
  }
  const moved: MessageRecord = { ...message, id: newExchangeId('message'), parentFolderId: deletedItems.id, lastModifiedDateTime: nowIso() };
  mailbox.messages[moved.id] = moved;
  store.changed();
  return { outcome: 'movedToDeletedItems', messageId: moved.id };
}

/**
 * A folder named by its id, or by its display path from the top of the mailbox as `listMailbox` shows
 * it (`Inbox/Projects`, matched case-insensitively, as Exchange compares folder names).
 */
export function findFolderByIdOrPath(mailbox: MailboxRecord, idOrPath: string): MailFolderRecord {
  const direct = mailbox.folders[idOrPath];
  if (direct) return direct;
  const wanted = idOrPath.toLowerCase();
  const byPath = Object.values(mailbox.folders).find(
    (folder) => folder.wellKnownName !== ROOT_WELL_KNOWN_NAME && folderPath(mailbox, folder).toLowerCase() === wanted,
  );
  if (!byPath) throw new GraphError(404, 'ErrorItemNotFound', `The specified object was not found in the store. (mailFolder ${idOrPath})`);
  return byPath;
}

/** Display names from the top of the mailbox, `/`-joined: `Inbox/Projects/2024`. */
export function folderPath(mailbox: MailboxRecord, folder: MailFolderRecord): string {
  const names: string[] = [];
  let current: MailFolderRecord | undefined = folder;
  while (current && current.wellKnownName !== ROOT_WELL_KNOWN_NAME) {
    names.unshift(current.displayName);
    current = mailbox.folders[current.parentFolderId];
  }
  return names.join('/');
}

function wellKnownFolder(mailbox: MailboxRecord, name: string): MailFolderRecord {
  const folder = Object.values(mailbox.folders).find((candidate) => candidate.wellKnownName === name);
  if (!folder) throw new Error(`the mailbox has no ${name} folder`);
  return folder;
}

/** The folder and every folder below it. */
function folderSubtree(mailbox: MailboxRecord, folder: MailFolderRecord): Set<string> {
  const ids = new Set([folder.id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const candidate of Object.values(mailbox.folders)) {
      if (!ids.has(candidate.id) && ids.has(candidate.parentFolderId)) {
        ids.add(candidate.id);
        grew = true;
      }
    }
  }
  return ids;
}

/** Whether `folder` is `ancestor` or lies somewhere below it. */
function isBelow(mailbox: MailboxRecord, folder: MailFolderRecord, ancestor: MailFolderRecord): boolean {
  for (let current: MailFolderRecord | undefined = folder; current; current = mailbox.folders[current.parentFolderId]) {
    if (current.id === ancestor.id) return true;
    if (current.wellKnownName === ROOT_WELL_KNOWN_NAME) return false;
  }
  return false;
}

function freeName(mailbox: MailboxRecord, parentId: string, name: string): string {
  const taken = new Set(
    Object.values(mailbox.folders)
      .filter((folder) => folder.parentFolderId === parentId)
      .map((folder) => folder.displayName.toLowerCase()),
  );
  if (!taken.has(name.toLowerCase())) return name;
  for (let n = 1; ; n += 1) if (!taken.has(`${name}${n}`.toLowerCase())) return `${name}${n}`;
}
