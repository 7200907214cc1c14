import { z } from 'zod';
import { graphErrors } from '../graphError';
import { nowIso } from '../mail/createMessage';
import { deleteFolder, deleteMessageAsUser, type FolderDeletion, findFolderByIdOrPath, type MessageDeletion } from '../mail/folderDeletion';
import type { TenantStore } from '../store/tenantStore';
import type { MessageRecord } from '../store/types';
import { type MessageSnapshot, toSnapshot } from './mailboxInspector';

/**
 * What the mailbox's owner does in Outlook while the migration runs, done to the store directly (not
 * through Graph, so no fault, throttle or permission applies): tests of the product use them to check
 * that a folder the user deleted, a message the user deleted, or a flag the user set survives the next pass.
 */

export const folderDeletionSchema = z.object({ folder: z.string().min(1), permanently: z.boolean().default(false) });
export const messageDeletionSchema = z.object({ permanently: z.boolean().default(false) });
export const userFlagSchema = z.object({
  flagStatus: z.enum(['notFlagged', 'flagged', 'complete']).optional(),
  isRead: z.boolean().optional(),
});

export type UserFlagChange = z.input<typeof userFlagSchema>;

/** Outlook's "Delete Folder" (`permanently: false`) or Shift+Delete (`permanently: true`); see deleteFolder. */
export function deleteFolderAsUser(
  store: TenantStore,
  userPrincipalName: string,
  folderIdOrDisplayPath: string,
  options: { permanently?: boolean } = {},
): FolderDeletion {
  const mailbox = store.mailboxOf(userPrincipalName);
  return deleteFolder(store, mailbox, findFolderByIdOrPath(mailbox, folderIdOrDisplayPath), { permanently: options.permanently === true });
}

/** Outlook's Delete on a message (to Deleted Items, with a new id) or Shift+Delete (`permanently`). */
export function deleteMessageByUser(
  store: TenantStore,
  userPrincipalName: string,
  messageId: string,
  options: { permanently?: boolean } = {},
): MessageDeletion {
  const mailbox = store.mailboxOf(userPrincipalName);
  return deleteMessageAsUser(store, mailbox, findMessageRecord(store, userPrincipalName, messageId), { permanently: options.permanently === true });
}

/**
 * The user flags, completes or clears a flag, or marks the message read or unread. Only what is given
 * changes; the id stays (an update is not a move) and `lastModifiedDateTime` moves on. Guess (Outlook's
 * quick flag also sets start and due dates, which no page pins down): `flagged` sets only the status,
 * `complete` adds `completedDateTime`, `notFlagged` clears the dates.
 */
export function setMessageFlagAsUser(store: TenantStore, userPrincipalName: string, messageId: string, change: UserFlagChange): MessageSnapshot {
  const { flagStatus, isRead } = userFlagSchema.parse(change);
  const message = findMessageRecord(store, userPrincipalName, messageId);
  const now = nowIso();
  if (flagStatus === 'flagged') message.flag = { ...message.flag, flagStatus, completedDateTime: undefined };
  if (flagStatus === 'complete') message.flag = { ...message.flag, flagStatus, completedDateTime: { dateTime: now.replace(/Z$/, ''), timeZone: 'UTC' } };
  if (flagStatus === 'notFlagged') message.flag = { flagStatus };
  for (const key of Object.keys(message.flag)) if (message.flag[key] === undefined) delete message.flag[key];
  if (isRead !== undefined) message.isRead = isRead;
  message.lastModifiedDateTime = now;
  store.changed();
  return toSnapshot(message);
}

function findMessageRecord(store: TenantStore, userPrincipalName: string, messageId: string): MessageRecord {
  const message = store.mailboxOf(userPrincipalName).messages[messageId];
  if (!message) throw graphErrors.notFound(`message ${messageId}`);
  return message;
}
