import type { AttachmentRecord, MessageRecord } from '../store/types';

/** A message as Graph returns it (https://learn.microsoft.com/graph/api/resources/message). */
export function toMessageJson(message: MessageRecord, userId: string): Record<string, unknown> {
  const changeKey = Buffer.from(message.lastModifiedDateTime).toString('base64');
  return {
    '@odata.etag': `W/"${changeKey}"`,
    id: message.id,
    createdDateTime: message.createdDateTime,
    lastModifiedDateTime: message.lastModifiedDateTime,
    changeKey,
    categories: message.categories,
    receivedDateTime: message.receivedDateTime,
    sentDateTime: message.sentDateTime,
    hasAttachments: message.attachments.some((attachment) => !attachment.isInline),
    internetMessageId: message.internetMessageId,
    subject: message.subject,
    bodyPreview: toBodyPreview(message.body),
    importance: message.importance,
    parentFolderId: message.parentFolderId,
    conversationId: message.conversationId,
    isDeliveryReceiptRequested: false,
    isReadReceiptRequested: false,
    isRead: message.isRead,
    isDraft: message.isDraft,
    webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(message.id)}&exvsurl=1&viewmodel=ReadMessageItem&mailbox=${userId}`,
    inferenceClassification: 'focused',
    body: message.body,
    sender: message.sender,
    from: message.from,
    toRecipients: message.toRecipients,
    ccRecipients: message.ccRecipients,
    bccRecipients: message.bccRecipients,
    replyTo: message.replyTo,
    flag: message.flag,
    internetMessageHeaders: message.internetMessageHeaders,
  };
}

/** Properties Graph leaves out unless `$select` asks for them. */
export const MESSAGE_PROPERTIES_ONLY_ON_SELECT = ['internetMessageHeaders'];

/** The first 255 characters of the body as text, as Graph's `bodyPreview`. */
function toBodyPreview(body: MessageRecord['body']): string {
  const text = body.contentType === 'html' ? body.content.replace(/<style[\s\S]*?<\/style>|<[^>]+>/gi, ' ').replace(/&nbsp;/g, ' ') : body.content;
  return text.replace(/\s+/g, ' ').trim().slice(0, 255);
}

export function toAttachmentJson(attachment: AttachmentRecord, withContent: boolean): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.fileAttachment',
    '@odata.mediaContentType': attachment.contentType,
    id: attachment.id,
    lastModifiedDateTime: attachment.lastModifiedDateTime,
    name: attachment.name,
    contentType: attachment.contentType,
    size: attachment.size,
    isInline: attachment.isInline,
    contentId: attachment.contentId,
    contentLocation: null,
    ...(withContent ? { contentBytes: attachment.contentBytes } : {}),
  };
}
