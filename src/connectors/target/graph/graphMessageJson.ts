import type { AddressObject, Attachment, ParsedMail } from 'mailparser';

/**
 * MAPI properties set on every imported message through `singleValueExtendedProperties`.
 * A message created through Graph is a draft, received "now", unless PR_MESSAGE_FLAGS is given at
 * creation without the unsent bit, with PR_MESSAGE_DELIVERY_TIME and PR_CLIENT_SUBMIT_TIME.
 * https://learn.microsoft.com/graph/api/resources/extended-properties-overview
 * https://learn.microsoft.com/office/client-developer/outlook/mapi/pidtagmessageflags-canonical-property
 */
export const MAPI = {
  messageFlags: 'Integer 0x0E07',
  deliveryTime: 'SystemTime 0x0E06',
  clientSubmitTime: 'SystemTime 0x0039',
  /** PR_TRANSPORT_MESSAGE_HEADERS: the original header block, shown by Outlook as the message's headers. */
  transportHeaders: 'String 0x007D',
  /** A named property of our own (in PS_PUBLIC_STRINGS) holding the source marker. */
  sourceMarker: 'String {00020329-0000-0000-C000-000000000046} Name StagedMigrationSourceKey',
} as const;

/** MSGFLAG_READ (0x1); MSGFLAG_UNSENT (0x8) is deliberately not set. */
const MSGFLAG_READ = 1;

/** Graph refuses a request body over 4 MB; attachments over 3 MB go through an upload session. */
export const INLINE_ATTACHMENT_LIMIT = 3 * 1024 * 1024;

export interface GraphMessagePlan {
  /** The create body's fields, without attachments. */
  fields: Record<string, unknown>;
  /** Attachments sent inside the create body. */
  inlineAttachments: Attachment[];
  /** Attachments uploaded afterwards through upload sessions. */
  largeAttachments: Attachment[];
  subject: string;
}

/** The create-message body: the fields plus the attachments that travel inside it. */
export function toCreateBody(plan: GraphMessagePlan): Record<string, unknown> {
  return plan.inlineAttachments.length > 0 ? { ...plan.fields, attachments: plan.inlineAttachments.map(toFileAttachment) } : plan.fields;
}

/** Size of the create body in bytes (attachments as base64), without building it. */
export function createBodyBytes(plan: GraphMessagePlan): number {
  const attachmentBytes = plan.inlineAttachments.reduce((n, a) => n + Math.ceil(a.content.length / 3) * 4 + 300, 0);
  return Buffer.byteLength(JSON.stringify(plan.fields)) + attachmentBytes;
}

/**
 * Moves inline attachments, largest first, to upload sessions until the create body fits in
 * `maxBytes` (several attachments under 3 MB can still add up to more than a request may carry).
 */
export function fitCreateBody(plan: GraphMessagePlan, maxBytes: number): GraphMessagePlan {
  const inline = [...plan.inlineAttachments].sort((a, b) => a.content.length - b.content.length);
  const moved: Attachment[] = [];
  let fitted = plan;
  while (inline.length > 0 && createBodyBytes(fitted) > maxBytes) {
    moved.push(inline.pop()!);
    fitted = { ...plan, inlineAttachments: [...inline], largeAttachments: [...plan.largeAttachments, ...moved] };
  }
  return fitted;
}

/** Builds the Graph create-message body for a parsed MIME message. */
export function toGraphMessage(mail: ParsedMail, options: { flags: string[]; internalDate: string; marker: string; headerBlock: string }): GraphMessagePlan {
  const isRead = options.flags.includes('\\Seen');
  const flagged = options.flags.includes('\\Flagged');
  const sentAt = (mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : new Date(options.internalDate)).toISOString();
  const fields: Record<string, unknown> = {
    subject: mail.subject ?? '',
    body: mail.html !== false && mail.html ? { contentType: 'html', content: mail.html } : { contentType: 'text', content: mail.text ?? '' },
    ...recipient('from', mail.from),
    ...recipient('sender', mail.from),
    ...recipients('toRecipients', mail.to),
    ...recipients('ccRecipients', mail.cc),
    ...recipients('bccRecipients', mail.bcc),
    ...recipients('replyTo', mail.replyTo),
    ...(mail.messageId ? { internetMessageId: mail.messageId } : {}),
    isRead,
    flag: { flagStatus: flagged ? 'flagged' : 'notFlagged' },
    singleValueExtendedProperties: [
      { id: MAPI.messageFlags, value: String(isRead ? MSGFLAG_READ : 0) },
      { id: MAPI.deliveryTime, value: new Date(options.internalDate).toISOString() },
      { id: MAPI.clientSubmitTime, value: sentAt },
      { id: MAPI.transportHeaders, value: options.headerBlock },
      { id: MAPI.sourceMarker, value: options.marker },
    ],
  };
  return {
    fields,
    inlineAttachments: mail.attachments.filter((a) => a.content.length <= INLINE_ATTACHMENT_LIMIT),
    largeAttachments: mail.attachments.filter((a) => a.content.length > INLINE_ATTACHMENT_LIMIT),
    subject: mail.subject ?? '',
  };
}

export function toFileAttachment(attachment: Attachment): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.fileAttachment',
    name: attachment.filename ?? 'attachment',
    contentType: attachment.contentType,
    contentBytes: attachment.content.toString('base64'),
    isInline: attachment.contentDisposition === 'inline' || attachment.related === true,
    ...(attachment.cid ? { contentId: attachment.cid } : {}),
  };
}

function toEmailAddresses(value: AddressObject | AddressObject[] | undefined): { emailAddress: { name: string; address: string } }[] {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return objects
    .flatMap((o) => o.value.flatMap((a) => (a.group ? a.group : [a])))
    .filter((a) => a.address)
    .map((a) => ({ emailAddress: { name: a.name || a.address!, address: a.address! } }));
}

function recipient(key: string, value: AddressObject | undefined): Record<string, unknown> {
  const first = toEmailAddresses(value)[0];
  return first ? { [key]: first } : {};
}

function recipients(key: string, value: AddressObject | AddressObject[] | undefined): Record<string, unknown> {
  const list = toEmailAddresses(value);
  return list.length > 0 ? { [key]: list } : {};
}

/** The header block of a raw message (up to the first empty line), for PR_TRANSPORT_MESSAGE_HEADERS. */
export function headerBlockOf(raw: Buffer): string {
  const limit = Math.min(raw.length, 256 * 1024);
  const head = raw.subarray(0, limit).toString('utf8');
  const end = head.search(/\r?\n\r?\n/);
  return end >= 0 ? head.slice(0, end + 2) : head;
}
