import { z } from 'zod';
import { GraphError, graphErrors } from '../graphError';
import { matchesFilter, parseFilter } from '../http/odataFilter';
import { pageOf } from '../http/odataQuery';
import { parseJsonBody } from '../http/parseJsonBody';
import type { Router } from '../http/router';
import type { SandboxRequest, SandboxResponse } from '../http/sandboxRequest';
import { newExchangeId } from '../store/graphIds';
import type { TenantStore } from '../store/tenantStore';
import type { MailboxRecord, MailFolderRecord } from '../store/types';
import { deleteFolder } from './folderDeletion';
import { ROOT_WELL_KNOWN_NAME } from './wellKnownFolders';

const createFolderSchema = z.object({ displayName: z.string().trim().min(1), isHidden: z.boolean().optional() });

/**
 * Mail folders (https://learn.microsoft.com/graph/api/resources/mailfolder): `GET /mailFolders` lists the
 * top-level folders (children of `msgfolderroot`), 10 per page by default; names are unique per parent.
 */
export function addMailFolderRoutes(router: Router, store: TenantStore): void {
  router.add('GET', '/users/:user/mailFolders', (req, p) => listFolders(req, store, p.user!, ROOT_WELL_KNOWN_NAME));
  router.add('POST', '/users/:user/mailFolders', (req, p) => createFolder(req, store, p.user!, ROOT_WELL_KNOWN_NAME));
  router.add('GET', '/users/:user/mailFolders/:folder', (req, p) => {
    const mailbox = store.mailboxOf(p.user!);
    return {
      status: 200,
      json: {
        '@odata.context': `${req.graphBaseUrl}/$metadata#users('${mailbox.userId}')/mailFolders/$entity`,
        ...toFolderJson(mailbox, store.folderOf(mailbox, p.folder!)),
      },
    };
  });
  // https://learn.microsoft.com/graph/api/mailfolder-delete: 204. The page does not say where the folder
  // goes; it is not a permanent delete (that is permanentDelete, below), and it moves the folder with its
  // contents under Deleted Items as Outlook's delete does (third-party observations, README row 30).
  router.add('DELETE', '/users/:user/mailFolders/:folder', (_req, p) => {
    const mailbox = store.mailboxOf(p.user!);
    deleteFolder(store, mailbox, store.folderOf(mailbox, p.folder!), { permanently: false });
    return { status: 204 };
  });
  // https://learn.microsoft.com/graph/api/mailfolder-permanentdelete: 204, the folder and its items removed.
  router.add('POST', '/users/:user/mailFolders/:folder/permanentDelete', (_req, p) => {
    const mailbox = store.mailboxOf(p.user!);
    deleteFolder(store, mailbox, store.folderOf(mailbox, p.folder!), { permanently: true });
    return { status: 204 };
  });
  router.add('POST', '/users/:user/mailFolders/:folder/childFolders/:child/permanentDelete', (_req, p) => {
    const mailbox = store.mailboxOf(p.user!);
    const parent = store.folderOf(mailbox, p.folder!);
    const child = store.folderOf(mailbox, p.child!);
    if (child.parentFolderId !== parent.id) throw graphErrors.notFound(`mailFolder ${p.child}`);
    deleteFolder(store, mailbox, child, { permanently: true });
    return { status: 204 };
  });
  router.add('GET', '/users/:user/mailFolders/:folder/childFolders', (req, p) => listFolders(req, store, p.user!, p.folder!));
  router.add('POST', '/users/:user/mailFolders/:folder/childFolders', (req, p) => createFolder(req, store, p.user!, p.folder!));
}

export function toFolderJson(mailbox: MailboxRecord, folder: MailFolderRecord): Record<string, unknown> {
  const messages = Object.values(mailbox.messages).filter((message) => message.parentFolderId === folder.id);
  return {
    id: folder.id,
    displayName: folder.displayName,
    parentFolderId: folder.parentFolderId,
    childFolderCount: Object.values(mailbox.folders).filter((child) => child.parentFolderId === folder.id).length,
    unreadItemCount: messages.filter((message) => !message.isRead).length,
    totalItemCount: messages.length,
    sizeInBytes: messages.reduce((sum, message) => sum + message.body.content.length + message.attachments.reduce((bytes, a) => bytes + a.size, 0), 0),
    isHidden: false,
  };
}

function listFolders(req: SandboxRequest, store: TenantStore, user: string, parent: string): SandboxResponse {
  const mailbox = store.mailboxOf(user);
  const parentFolder = store.folderOf(mailbox, parent);
  const filter = parseFilter(req.query.get('$filter'));
  const children = Object.values(mailbox.folders)
    .filter((folder) => folder.parentFolderId === parentFolder.id)
    .map((folder) => toFolderJson(mailbox, folder))
    .filter((json) => matchesFilter(json, filter));
  return { status: 200, json: pageOf(req, children, (json) => json, { defaultTop: 10, maxTop: 1000, context: `users('${mailbox.userId}')/mailFolders` }) };
}

function createFolder(req: SandboxRequest, store: TenantStore, user: string, parent: string): SandboxResponse {
  const mailbox = store.mailboxOf(user);
  const parentFolder = store.folderOf(mailbox, parent);
  const body = parseJsonBody(req, createFolderSchema);
  const clash = Object.values(mailbox.folders).some(
    (folder) => folder.parentFolderId === parentFolder.id && folder.displayName.toLowerCase() === body.displayName.toLowerCase(),
  );
  if (clash) throw new GraphError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
  const folder: MailFolderRecord = { id: newExchangeId('folder'), displayName: body.displayName, parentFolderId: parentFolder.id, wellKnownName: null };
  mailbox.folders[folder.id] = folder;
  store.changed();
  return {
    status: 201,
    json: { '@odata.context': `${req.graphBaseUrl}/$metadata#users('${mailbox.userId}')/mailFolders/$entity`, ...toFolderJson(mailbox, folder) },
  };
}
