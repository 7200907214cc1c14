import { graphErrors } from '../graphError';
import { folderPath } from '../mail/folderDeletion';
import { exportMessageMime } from '../mail/mimeExport';
import { toContactJson } from '../pim/contactRoutes';
import { toEventJson } from '../pim/eventModel';
import type { TenantStore } from '../store/tenantStore';
import type { MessageRecord } from '../store/types';

export interface MessageSnapshot {
  id: string;
  internetMessageId: string;
  subject: string;
  from: string | null;
  isDraft: boolean;
  isRead: boolean;
  /** Changes with every update (a flag, isRead) and move, as Graph's `lastModifiedDateTime` does. */
  lastModifiedDateTime: string;
  receivedDateTime: string;
  sentDateTime: string;
  flagStatus: string;
  categories: string[];
  attachments: { name: string; contentType: string; size: number; isInline: boolean }[];
  createdFromMime: boolean;
}

export interface FolderSnapshot {
  id: string;
  displayName: string;
  /** Display names from the top of the mailbox, `/`-joined: `Inbox/Projects/2024`. */
  path: string;
  /** The parent's id (the root's for top-level folders), to follow a folder moved under Deleted Items. */
  parentFolderId: string;
  wellKnownName: string | null;
  messages: MessageSnapshot[];
}

export interface MailboxSnapshot {
  userPrincipalName: string;
  folders: FolderSnapshot[];
  contacts: ContactSnapshot[];
  events: EventSnapshot[];
}

export interface ContactSnapshot {
  id: string;
  /** The folder's display name (`Contacts` for the default folder). */
  folder: string;
  /** The contact as `GET …/contacts/{id}` returns it. */
  properties: Record<string, unknown>;
  photo: { contentType: string; size: number; width: number | null; height: number | null } | null;
  singleValueExtendedProperties: { id: string; value: string }[];
  multiValueExtendedProperties: { id: string; value: string[] }[];
}

export interface EventSnapshot {
  id: string;
  calendar: string;
  /** The event as `GET …/events/{id}` returns it, times in UTC. */
  properties: Record<string, unknown>;
  attachments: { name: string; contentType: string; size: number }[];
  /** A series master's changed occurrences: original start (UTC) → the properties changed. */
  exceptions: Record<string, Record<string, unknown>>;
  /** A series master's cancelled occurrences, by original start (UTC). */
  cancelledOccurrences: string[];
  singleValueExtendedProperties: { id: string; value: string }[];
}

/** What a mailbox holds, item by item, for tests that compare source and target. */
export function listMailbox(store: TenantStore, userPrincipalName: string): MailboxSnapshot {
  const mailbox = store.mailboxOf(userPrincipalName);
  const folders = Object.values(mailbox.folders).filter((folder) => folder.wellKnownName !== 'msgfolderroot');
  return {
    userPrincipalName: store.findUser(userPrincipalName).userPrincipalName,
    folders: folders.map((folder) => ({
      id: folder.id,
      displayName: folder.displayName,
      path: folderPath(mailbox, folder),
      parentFolderId: folder.parentFolderId,
      wellKnownName: folder.wellKnownName,
      messages: Object.values(mailbox.messages)
        .filter((message) => message.parentFolderId === folder.id)
        .map(toSnapshot),
    })),
    contacts: Object.values(mailbox.contacts).map((item) => ({
      id: item.id,
      folder: mailbox.contactFolders[item.containerId]?.displayName ?? '',
      properties: toContactJson(item),
      photo: item.photo
        ? { contentType: item.photo.contentType, size: Buffer.from(item.photo.base64, 'base64').length, width: item.photo.width, height: item.photo.height }
        : null,
      singleValueExtendedProperties: item.singleValueExtendedProperties ?? [],
      multiValueExtendedProperties: item.multiValueExtendedProperties ?? [],
    })),
    events: Object.values(mailbox.events).map((item) => ({
      id: item.id,
      calendar: mailbox.calendars[item.containerId]?.name ?? '',
      properties: toEventJson(item, { preferredZone: undefined }),
      attachments: (item.attachments ?? []).map((a) => ({ name: a.name, contentType: a.contentType, size: a.size })),
      exceptions: Object.fromEntries(Object.entries(item.exceptions ?? {}).map(([start, exception]) => [start, exception.properties])),
      cancelledOccurrences: item.cancelledOccurrences ?? [],
      singleValueExtendedProperties: item.singleValueExtendedProperties ?? [],
    })),
  };
}

export function exportMailboxMessage(store: TenantStore, userPrincipalName: string, messageId: string): Buffer {
  const message = store.mailboxOf(userPrincipalName).messages[messageId];
  if (!message) throw graphErrors.notFound(`message ${messageId}`);
  return exportMessageMime(message);
}

export function toSnapshot(message: MessageRecord): MessageSnapshot {
  return {
    id: message.id,
    internetMessageId: message.internetMessageId,
    subject: message.subject,
    from: message.from?.emailAddress.address ?? null,
    isDraft: message.isDraft,
    isRead: message.isRead,
    lastModifiedDateTime: message.lastModifiedDateTime,
    receivedDateTime: message.receivedDateTime,
    sentDateTime: message.sentDateTime,
    flagStatus: message.flag.flagStatus,
    categories: message.categories,
    attachments: message.attachments.map((a) => ({ name: a.name, contentType: a.contentType, size: a.size, isInline: a.isInline })),
    createdFromMime: message.mimeBase64 !== null,
  };
}
