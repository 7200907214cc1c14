import { randomUUID } from 'node:crypto';
import { GraphError } from '../graphError';
import { newExchangeId } from '../store/graphIds';
import type { AttachmentRecord, MessageRecord } from '../store/types';
import { deliveryStateAtCreation } from './draftState';
import type { CreateMessageInput } from './messageSchemas';

export function nowIso(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A message from Graph's JSON create (https://learn.microsoft.com/graph/api/user-post-messages).
 * Custom Internet headers must be named `x-...` (https://learn.microsoft.com/graph/api/resources/internetmessageheader).
 */
export function messageFromJson(input: CreateMessageInput, folderId: string): MessageRecord {
  for (const header of input.internetMessageHeaders) {
    if (!/^x-/i.test(header.name)) {
      throw new GraphError(400, 'InvalidInternetMessageHeader', `The internet message header name '${header.name}' should start with 'x-' or 'X-'.`);
    }
  }
  const createdAt = nowIso();
  const state = deliveryStateAtCreation(input.singleValueExtendedProperties, createdAt);
  return {
    id: newExchangeId('message'),
    parentFolderId: folderId,
    createdDateTime: createdAt,
    lastModifiedDateTime: createdAt,
    receivedDateTime: state.receivedDateTime,
    sentDateTime: state.sentDateTime,
    isDraft: state.isDraft,
    isRead: input.isRead ?? state.isRead ?? true,
    subject: input.subject,
    body: input.body ?? { contentType: 'text', content: '' },
    from: input.from ?? null,
    sender: input.sender ?? input.from ?? null,
    toRecipients: input.toRecipients,
    ccRecipients: input.ccRecipients,
    bccRecipients: input.bccRecipients,
    replyTo: input.replyTo,
    internetMessageId: input.internetMessageId ?? newInternetMessageId(),
    conversationId: newExchangeId('item'),
    importance: input.importance,
    flag: input.flag ?? { flagStatus: 'notFlagged' },
    categories: input.categories,
    singleValueExtendedProperties: input.singleValueExtendedProperties,
    internetMessageHeaders: input.internetMessageHeaders,
    attachments: input.attachments.map((attachment) =>
      newAttachment(attachment.name, attachment.contentType, Buffer.from(attachment.contentBytes, 'base64'), attachment.isInline, attachment.contentId ?? null),
    ),
    mimeBase64: null,
  };
}

export function newInternetMessageId(): string {
  return `<${randomUUID().replace(/-/g, '')}@sandbox.m365.local>`;
}

export function newAttachment(name: string, contentType: string, bytes: Buffer, isInline: boolean, contentId: string | null): AttachmentRecord {
  return {
    id: newExchangeId('attachment'),
    name,
    contentType,
    size: bytes.length,
    isInline,
    contentId,
    lastModifiedDateTime: nowIso(),
    contentBytes: bytes.toString('base64'),
  };
}
