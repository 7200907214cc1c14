import { z } from 'zod';
import { GraphError, graphErrors } from '../graphError';
import { pageOf, selectedProperties, applySelect } from '../http/odataQuery';
import { matchesFilter, parseFilter } from '../http/odataFilter';
import { parseActionParameters, parseJsonBody } from '../http/parseJsonBody';
import type { Router } from '../http/router';
import type { RouteParams, SandboxRequest, SandboxResponse } from '../http/sandboxRequest';
import { newExchangeId } from '../store/graphIds';
import type { TenantStore } from '../store/tenantStore';
import type { MailboxRecord, MessageRecord } from '../store/types';
import { messageFromJson, nowIso } from './createMessage';
import { normalisePropertyId } from './draftState';
import { MESSAGE_PROPERTIES_ONLY_ON_SELECT, toMessageJson } from './messageJson';
import { type CreateMessageInput, createMessageSchema, updateMessageSchema } from './messageSchemas';
import { exportMessageMime } from './mimeExport';
import { messageFromMime } from './mimeImport';

const SORTABLE_PROPERTIES = ['receivedDateTime', 'sentDateTime', 'createdDateTime', 'lastModifiedDateTime', 'subject'] as const;

/** Properties Exchange lets a client change only while the item is a draft. */
const DRAFT_ONLY_PROPERTIES = ['subject', 'body', 'toRecipients', 'ccRecipients', 'bccRecipients'] as const;

/** Messages (https://learn.microsoft.com/graph/api/resources/message): create as JSON or MIME, list, get, update, move, `$value`. */
export function addMessageRoutes(router: Router, store: TenantStore): void {
  router.add('POST', '/users/:user/messages', (req, p) => createMessage(req, store, p.user!, 'drafts'));
  router.add('POST', '/users/:user/mailFolders/:folder/messages', (req, p) => createMessage(req, store, p.user!, p.folder!));
  router.add('GET', '/users/:user/messages', (req, p) => listMessages(req, store, p.user!, undefined));
  router.add('GET', '/users/:user/mailFolders/:folder/messages', (req, p) => listMessages(req, store, p.user!, p.folder));
  for (const prefix of ['/users/:user/messages/:message', '/users/:user/mailFolders/:folder/messages/:message']) {
    router.add('GET', prefix, (req, p) => getMessage(req, store, p));
    router.add('PATCH', prefix, (req, p) => updateMessage(req, store, p));
    router.add('DELETE', prefix, (_req, p) => deleteMessage(store, p));
    router.add('GET', `${prefix}/$value`, (_req, p) => {
      const { message } = findMessage(store, p);
      return { status: 200, raw: { contentType: 'text/plain', body: exportMessageMime(message) } };
    });
    router.add('POST', `${prefix}/move`, (req, p) => moveMessage(req, store, p));
  }
}

export function findMessage(store: TenantStore, params: RouteParams): { mailbox: MailboxRecord; message: MessageRecord } {
  const mailbox = store.mailboxOf(params.user!);
  const message = mailbox.messages[params.message!];
  if (!message) throw graphErrors.notFound(`message ${params.message}`);
  if (params.folder !== undefined && store.folderOf(mailbox, params.folder).id !== message.parentFolderId)
    throw graphErrors.notFound(`message ${params.message}`);
  return { mailbox, message };
}

async function createMessage(req: SandboxRequest, store: TenantStore, user: string, folderIdOrName: string): Promise<SandboxResponse> {
  const mailbox = store.mailboxOf(user);
  const folder = store.folderOf(mailbox, folderIdOrName);
  const contentType = (req.headers['content-type'] ?? 'application/json').toLowerCase();
  const message = contentType.startsWith('text/plain')
    ? await messageFromMime(req.body.toString('ascii'), folder.id)
    : messageFromJson(parseMessageCreate(req), folder.id);
  mailbox.messages[message.id] = message;
  store.changed();
  return { status: 201, json: messageEntity(req, mailbox, message) };
}

function parseMessageCreate(req: SandboxRequest): CreateMessageInput {
  return parseJsonBody(req, createMessageSchema);
}

function messageEntity(req: SandboxRequest, mailbox: MailboxRecord, message: MessageRecord): Record<string, unknown> {
  return { '@odata.context': `${req.graphBaseUrl}/$metadata#users('${mailbox.userId}')/messages/$entity`, ...shapeMessage(req, mailbox, message) };
}

/** `$select` and `$expand=singleValueExtendedProperties($filter=id eq '...')` applied to one message. */
function shapeMessage(req: SandboxRequest, mailbox: MailboxRecord, message: MessageRecord): Record<string, unknown> {
  const select = selectedProperties(req);
  const json = toMessageJson(message, mailbox.userId);
  if (!select) for (const hidden of MESSAGE_PROPERTIES_ONLY_ON_SELECT) delete json[hidden];
  const shaped = applySelect(json, select);
  const expand = req.query.get('$expand');
  if (expand && /^singleValueExtendedProperties/i.test(expand)) {
    const wanted = /id eq '([^']+)'/i.exec(expand)?.[1];
    shaped.singleValueExtendedProperties = message.singleValueExtendedProperties.filter(
      (property) => wanted === undefined || normalisePropertyId(property.id) === normalisePropertyId(wanted),
    );
  }
  return shaped;
}

function listMessages(req: SandboxRequest, store: TenantStore, user: string, folderIdOrName: string | undefined): SandboxResponse {
  const mailbox = store.mailboxOf(user);
  const folderId = folderIdOrName === undefined ? undefined : store.folderOf(mailbox, folderIdOrName).id;
  const filter = parseFilter(req.query.get('$filter'));
  const order = /^\s*(\w+)(?:\s+(asc|desc))?\s*$/i.exec(req.query.get('$orderby') ?? 'receivedDateTime desc');
  if (!order) throw graphErrors.badRequest(`Invalid $orderby: '${req.query.get('$orderby')}'.`);
  const key = SORTABLE_PROPERTIES.find((name) => name.toLowerCase() === order[1]!.toLowerCase());
  if (!key) throw graphErrors.badRequest(`The property '${order[1]}' cannot be used in $orderby here.`);
  const direction = order[2]?.toLowerCase() === 'asc' ? 1 : -1;
  const messages = Object.values(mailbox.messages)
    .filter((message) => folderId === undefined || message.parentFolderId === folderId)
    .filter((message) => filter.length === 0 || matchesFilter(toFilterView(message), filter))
    .sort((a, b) => (a[key] < b[key] ? -direction : a[key] > b[key] ? direction : 0));
  return {
    status: 200,
    json: pageOf(req, messages, (message) => shapeMessage(req, mailbox, message), {
      defaultTop: 10,
      maxTop: 1000,
      context: `users('${mailbox.userId}')/messages`,
    }),
  };
}

/** What `$filter` sees: the stored record plus the computed properties, without building the whole JSON (a mailbox can hold 100k items). */
function toFilterView(message: MessageRecord): Record<string, unknown> {
  return { ...message, hasAttachments: message.attachments.some((attachment) => !attachment.isInline) };
}

function getMessage(req: SandboxRequest, store: TenantStore, params: RouteParams): SandboxResponse {
  const { mailbox, message } = findMessage(store, params);
  return { status: 200, json: messageEntity(req, mailbox, message) };
}

/** https://learn.microsoft.com/graph/api/message-update : `isRead`, `flag`, `categories` always; content only on drafts. */
function updateMessage(req: SandboxRequest, store: TenantStore, params: RouteParams): SandboxResponse {
  const { mailbox, message } = findMessage(store, params);
  const patch = parseJsonBody(req, updateMessageSchema);
  if (!message.isDraft && DRAFT_ONLY_PROPERTIES.some((name) => patch[name] !== undefined)) {
    throw new GraphError(
      400,
      'ErrorInvalidPropertyUpdateSentMessage',
      'Update operation failed: the property cannot be updated on a message that is not a draft.',
    );
  }
  if (patch.isRead !== undefined) message.isRead = patch.isRead;
  if (patch.flag !== undefined) message.flag = patch.flag;
  if (patch.categories !== undefined) message.categories = patch.categories;
  if (patch.importance !== undefined) message.importance = patch.importance;
  if (patch.subject !== undefined) message.subject = patch.subject;
  if (patch.body !== undefined) message.body = patch.body;
  if (patch.toRecipients !== undefined) message.toRecipients = patch.toRecipients;
  if (patch.ccRecipients !== undefined) message.ccRecipients = patch.ccRecipients;
  if (patch.bccRecipients !== undefined) message.bccRecipients = patch.bccRecipients;
  // Stored but without effect on isDraft or the times: the flags are read-only after the first save.
  for (const property of patch.singleValueExtendedProperties ?? []) {
    const others = message.singleValueExtendedProperties.filter((existing) => normalisePropertyId(existing.id) !== normalisePropertyId(property.id));
    message.singleValueExtendedProperties = [...others, property];
  }
  message.lastModifiedDateTime = nowIso();
  store.changed();
  return { status: 200, json: messageEntity(req, mailbox, message) };
}

function deleteMessage(store: TenantStore, params: RouteParams): SandboxResponse {
  const { mailbox, message } = findMessage(store, params);
  delete mailbox.messages[message.id];
  store.changed();
  return { status: 204 };
}

/**
 * https://learn.microsoft.com/graph/api/message-move: 201 Created with the moved message, which has a new
 * id (an item's id changes when it moves to another folder: https://learn.microsoft.com/graph/outlook-immutable-id);
 * the old id then answers 404. `destinationId` is a folder id or a well-known name.
 */
function moveMessage(req: SandboxRequest, store: TenantStore, params: RouteParams): SandboxResponse {
  const { mailbox, message } = findMessage(store, params);
  const { destinationId } = parseActionParameters(req, z.object({ destinationId: z.string() }));
  const folder = store.folderOf(mailbox, destinationId);
  delete mailbox.messages[message.id];
  const moved: MessageRecord = { ...message, id: newExchangeId('message'), parentFolderId: folder.id, lastModifiedDateTime: nowIso() };
  mailbox.messages[moved.id] = moved;
  store.changed();
  return { status: 201, json: messageEntity(req, mailbox, moved) };
}
