import { type AddressObject, simpleParser } from 'mailparser';
import { GraphError } from '../graphError';
import { newExchangeId } from '../store/graphIds';
import type { MessageRecord, RecipientRecord } from '../store/types';
import { newAttachment, newInternetMessageId, nowIso } from './createMessage';
import { deliveryStateAtCreation } from './draftState';

/**
 * A message from Graph's MIME create: the body is the base64 of the RFC 5322 message, sent as `text/plain`
 * (https://learn.microsoft.com/graph/api/user-post-messages, "Create a message in MIME format").
 * A MIME create cannot carry extended properties, so the item is always a draft with the creation time as
 * its received time. The original bytes are kept, so `$value` and the export return them unchanged.
 */
export async function messageFromMime(base64Body: string, folderId: string): Promise<MessageRecord> {
  const text = base64Body.replace(/\s+/g, '');
  if (text.length === 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw new GraphError(400, 'ErrorMimeContentInvalidBase64String', 'Invalid base64 string for MIME content.');
  }
  const mime = Buffer.from(text, 'base64');
  const parsed = await simpleParser(mime, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  const createdAt = nowIso();
  const state = deliveryStateAtCreation([], createdAt);
  const from = toRecipients(parsed.from)[0] ?? null;
  return {
    id: newExchangeId('message'),
    parentFolderId: folderId,
    createdDateTime: createdAt,
    lastModifiedDateTime: createdAt,
    receivedDateTime: state.receivedDateTime,
    sentDateTime: state.sentDateTime,
    isDraft: state.isDraft,
    isRead: true,
    subject: parsed.subject ?? '',
    body: typeof parsed.html === 'string' ? { contentType: 'html', content: parsed.html } : { contentType: 'text', content: parsed.text ?? '' },
    from,
    sender: from,
    toRecipients: toRecipients(parsed.to),
    ccRecipients: toRecipients(parsed.cc),
    bccRecipients: toRecipients(parsed.bcc),
    replyTo: toRecipients(parsed.replyTo),
    internetMessageId: parsed.messageId ?? newInternetMessageId(),
    conversationId: newExchangeId('item'),
    importance: 'normal',
    flag: { flagStatus: 'notFlagged' },
    categories: [],
    singleValueExtendedProperties: [],
    internetMessageHeaders: parsed.headerLines.map((line) => ({ name: line.key, value: line.line.slice(line.line.indexOf(':') + 1).trim() })),
    attachments: parsed.attachments.map((attachment) =>
      newAttachment(
        attachment.filename ?? 'attachment',
        attachment.contentType,
        attachment.content,
        attachment.contentDisposition === 'inline',
        attachment.contentId ?? null,
      ),
    ),
    mimeBase64: mime.toString('base64'),
  };
}

function toRecipients(field: AddressObject | AddressObject[] | undefined): RecipientRecord[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects
    .flatMap((object) => object.value)
    .filter((address) => address.address)
    .map((address) => ({ emailAddress: { name: address.name || address.address!, address: address.address! } }));
}
