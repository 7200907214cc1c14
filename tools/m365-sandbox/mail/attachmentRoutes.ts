import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { GraphError, graphErrors } from '../graphError';
import { pageOf } from '../http/odataQuery';
import { parseActionParameters, parseJsonBody } from '../http/parseJsonBody';
import type { Router } from '../http/router';
import type { RouteParams, SandboxRequest, SandboxResponse } from '../http/sandboxRequest';
import { newExchangeId } from '../store/graphIds';
import type { TenantStore } from '../store/tenantStore';
import type { MailboxRecord, UploadSessionRecord } from '../store/types';
import { newAttachment, nowIso } from './createMessage';
import { toAttachmentJson } from './messageJson';
import { fileAttachmentSchema } from './messageSchemas';
import { findMessage } from './messageRoutes';

const MB = 1024 * 1024;
/** https://learn.microsoft.com/graph/api/attachment-createuploadsession : upload sessions are for files of 3 MB to 150 MB. */
export const UPLOAD_SESSION_MIN_BYTES = 3 * MB;
export const UPLOAD_SESSION_MAX_BYTES = 150 * MB;

const createUploadSessionSchema = z.object({
  AttachmentItem: z.object({
    attachmentType: z.string().refine((type) => type.toLowerCase() === 'file', { message: "attachmentType must be 'file'" }),
    name: z.string().min(1),
    size: z.number().int().nonnegative(),
    contentType: z.string().default('application/octet-stream'),
    isInline: z.boolean().default(false),
    contentId: z.string().nullish(),
  }),
});

/** Attachments of a message (https://learn.microsoft.com/graph/api/message-post-attachments) and their upload sessions. */
export function addAttachmentRoutes(router: Router, store: TenantStore, origin: () => string): void {
  for (const prefix of ['/users/:user/messages/:message', '/users/:user/mailFolders/:folder/messages/:message']) {
    router.add('GET', `${prefix}/attachments`, (req, p) => {
      const { message } = findMessage(store, p);
      return {
        status: 200,
        json: pageOf(req, message.attachments, (a) => toAttachmentJson(a, true), { defaultTop: 1000, maxTop: 1000, context: 'attachments' }),
      };
    });
    router.add('POST', `${prefix}/attachments`, (req, p) => addAttachment(req, store, p));
    router.add('GET', `${prefix}/attachments/:attachment`, (_req, p) => ({ status: 200, json: toAttachmentJson(findAttachment(store, p), true) }));
    router.add('GET', `${prefix}/attachments/:attachment/$value`, (_req, p) => {
      const attachment = findAttachment(store, p);
      return { status: 200, raw: { contentType: attachment.contentType, body: Buffer.from(attachment.contentBytes, 'base64') } };
    });
    router.add('POST', `${prefix}/attachments/createUploadSession`, (req, p) => createUploadSession(req, store, p, origin()));
  }
}

function findAttachment(store: TenantStore, params: RouteParams): ReturnType<typeof newAttachment> {
  const { message } = findMessage(store, params);
  const attachment = message.attachments.find((a) => a.id === params.attachment);
  if (!attachment) throw graphErrors.notFound(`attachment ${params.attachment}`);
  return attachment;
}

function addAttachment(req: SandboxRequest, store: TenantStore, params: RouteParams): SandboxResponse {
  const { message } = findMessage(store, params);
  const input = parseJsonBody(req, fileAttachmentSchema);
  const bytes = Buffer.from(input.contentBytes, 'base64');
  ensureMessageSize(store, message.attachments.reduce((sum, a) => sum + a.size, 0) + bytes.length);
  const attachment = newAttachment(input.name, input.contentType, bytes, input.isInline, input.contentId ?? null);
  message.attachments.push(attachment);
  message.lastModifiedDateTime = nowIso();
  store.changed();
  return { status: 201, json: { '@odata.context': `${req.graphBaseUrl}/$metadata#attachments/$entity`, ...toAttachmentJson(attachment, true) } };
}

/**
 * The tenant's maximum message size (35 MB by default, 1 to 150 MB as the administrator sets it: Exchange
 * Online limits page); an attachment that takes a message over it gets ErrorMessageSizeExceeded
 * (microsoft-graph-docs issue #15579; the 413 status is a guess, the code and text are Graph's).
 */
export function ensureMessageSize(store: TenantStore, totalBytes: number): void {
  if (totalBytes > store.maxMessageBytes) throw new GraphError(413, 'ErrorMessageSizeExceeded', 'The message exceeds the maximum supported size.');
}

function createUploadSession(req: SandboxRequest, store: TenantStore, params: RouteParams, origin: string): SandboxResponse {
  const { mailbox, message } = findMessage(store, params);
  return openUploadSession(req, store, mailbox, { messageId: message.id }, message.attachments, origin);
}

/**
 * An upload session for a message's or an event's attachment ("The item can be a message or event",
 * https://learn.microsoft.com/graph/api/attachment-createuploadsession): 3 to 150 MB, within the tenant's
 * maximum message size counting the item's attachments so far.
 */
export function openUploadSession(
  req: SandboxRequest,
  store: TenantStore,
  mailbox: MailboxRecord,
  item: { messageId: string } | { eventId: string },
  attachments: readonly { size: number }[],
  origin: string,
): SandboxResponse {
  const attachmentItem = parseActionParameters(req, createUploadSessionSchema).AttachmentItem;
  if (attachmentItem.size < UPLOAD_SESSION_MIN_BYTES) {
    throw new GraphError(
      400,
      'ErrorAttachmentSizeShouldNotBeLessThanMinimumSize',
      'Attachment size must be at least 3 MB to use an upload session; add smaller files with POST /attachments.',
    );
  }
  if (attachmentItem.size > UPLOAD_SESSION_MAX_BYTES)
    throw new GraphError(400, 'ErrorAttachmentSizeExceeded', 'Attachment size exceeds the 150 MB limit of an upload session.');
  ensureMessageSize(store, attachments.reduce((sum, a) => sum + a.size, 0) + attachmentItem.size);
  const session: UploadSessionRecord = {
    id: newExchangeId('item'),
    token: randomBytes(24).toString('base64url'),
    ...item,
    name: attachmentItem.name,
    contentType: attachmentItem.contentType,
    size: attachmentItem.size,
    isInline: attachmentItem.isInline,
    contentId: attachmentItem.contentId ?? null,
    expirationDateTime: new Date(Date.now() + 15 * 60 * 1000).toISOString(),
    receivedBase64: '',
  };
  mailbox.uploadSessions[session.id] = session;
  store.changed();
  return {
    status: 201,
    json: {
      '@odata.context': `${req.graphBaseUrl}/$metadata#microsoft.graph.uploadSession`,
      uploadUrl: `${origin}/_upload/users/${mailbox.userId}/attachmentSessions/${session.id}?authtoken=${session.token}`,
      expirationDateTime: session.expirationDateTime,
      nextExpectedRanges: ['0-'],
    },
  };
}
