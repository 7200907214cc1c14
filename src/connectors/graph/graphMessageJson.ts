import type { EmailAddress, FileAttachment, Message, Recipient } from '@microsoft/microsoft-graph-types';
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

const MB = 1024 * 1024;
/**
 * Attachments under 3 MB go in one request (inside the create, or `POST .../attachments`); from 3 MB
 * to 150 MB only through an upload session, which refuses anything smaller with
 * ErrorAttachmentSizeShouldNotBeLessThanMinimumSize (https://learn.microsoft.com/graph/api/attachment-createuploadsession,
 * https://learn.microsoft.com/graph/api/message-post-attachments).
 */
const UPLOAD_SESSION_MIN_BYTES = 3 * MB;
const UPLOAD_SESSION_MAX_BYTES = 150 * MB;
/** Graph refuses a request over 4 MB; a create (alone or in a `$batch`) keeps room for the envelope. */
export const MAX_CREATE_BODY_BYTES = 3_500_000;

/** How one message goes to Graph: the create body, then what must follow it to make the copy whole. */
export interface GraphMessagePlan {
  /** The create-message body, with the attachments that travel inside it. */
  create: Message;
  /** Bytes of `create` as JSON, for packing batches under Graph's 4 MB request limit. */
  createBytes: number;
  /** Attachments under 3 MB that did not fit in the create: one `POST .../attachments` each. */
  postedAttachments: Attachment[];
  /** Attachments of 3 MB to 150 MB: an upload session each. */
  uploadedAttachments: Attachment[];
  /** Every attachment the copy must end with; a copy with fewer is not finished. */
  attachmentCount: number;
  subject: string;
}

/** Why a message cannot be created through Graph at all, whatever is retried. */
export class UnplannableMessage extends Error {}

/** Builds the plan for a parsed MIME message (see GraphMessagePlan). */
export function planGraphMessage(mail: ParsedMail, options: { flags: string[]; internalDate: string; marker: string; headerBlock: string }): GraphMessagePlan {
  const fields = toGraphMessage(mail, options);
  const tooBig = mail.attachments.find((a) => a.content.length > UPLOAD_SESSION_MAX_BYTES);
  if (tooBig)
    throw new UnplannableMessage(
      `The attachment "${tooBig.filename ?? 'attachment'}" is ${tooBig.content.length} bytes; Microsoft Graph takes attachments of at most 150 MB.`,
    );
  const uploaded = mail.attachments.filter((a) => a.content.length >= UPLOAD_SESSION_MIN_BYTES);
  // Smallest first inside the create, so the fewest separate requests remain.
  const small = mail.attachments.filter((a) => a.content.length < UPLOAD_SESSION_MIN_BYTES).sort((a, b) => a.content.length - b.content.length);
  const fieldBytes = jsonBytes(fields);
  if (fieldBytes > MAX_CREATE_BODY_BYTES) {
    throw new UnplannableMessage(
      `The message's body and headers take ${fieldBytes} bytes as JSON; Microsoft Graph accepts at most 4 MB in one request, and the body cannot be added in parts.`,
    );
  }
  const inline: Attachment[] = [];
  let bytes = fieldBytes;
  for (const attachment of small) {
    const size = attachmentJsonBytes(attachment);
    if (bytes + size > MAX_CREATE_BODY_BYTES) break;
    inline.push(attachment);
    bytes += size;
  }
  return {
    create: inline.length > 0 ? { ...fields, attachments: inline.map(toFileAttachment) } : fields,
    createBytes: bytes,
    postedAttachments: small.slice(inline.length),
    uploadedAttachments: uploaded,
    attachmentCount: mail.attachments.length,
    subject: mail.subject ?? '',
  };
}

/**
 * The PATCH body for a change of IMAP flags on a copy made earlier: \Seen is `isRead`, \Flagged is
 * `flag.flagStatus`; other flags (\Answered, keywords) have no Graph property and send nothing.
 */
export function toGraphFlagPatch(change: { add: readonly string[]; remove: readonly string[] }): Message {
  const patch: Message = {};
  if (change.add.includes('\\Seen')) patch.isRead = true;
  if (change.remove.includes('\\Seen')) patch.isRead = false;
  if (change.add.includes('\\Flagged')) patch.flag = { flagStatus: 'flagged' };
  if (change.remove.includes('\\Flagged')) patch.flag = { flagStatus: 'notFlagged' };
  return patch;
}

/** The create body's fields for a parsed MIME message, without attachments. */
function toGraphMessage(mail: ParsedMail, options: { flags: string[]; internalDate: string; marker: string; headerBlock: string }): Message {
  const isRead = options.flags.includes('\\Seen');
  const flagged = options.flags.includes('\\Flagged');
  const sentAt = (mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : new Date(options.internalDate)).toISOString();
  const from = toRecipients(mail.from)[0];
  return {
    subject: mail.subject ?? '',
    body: mail.html !== false && mail.html ? { contentType: 'html', content: mail.html } : { contentType: 'text', content: mail.text ?? '' },
    ...(from ? { from, sender: from } : {}),
    ...listOf('toRecipients', mail.to),
    ...listOf('ccRecipients', mail.cc),
    ...listOf('bccRecipients', mail.bcc),
    ...listOf('replyTo', mail.replyTo),
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
}

export function toFileAttachment(attachment: Attachment): FileAttachment {
  return {
    '@odata.type': '#microsoft.graph.fileAttachment',
    name: attachmentName(attachment),
    contentType: attachment.contentType,
    contentBytes: attachment.content.toString('base64'),
    isInline: isInline(attachment),
    ...(attachment.cid ? { contentId: attachment.cid } : {}),
  } as FileAttachment;
}

export function attachmentName(attachment: Attachment): string {
  return attachment.filename ?? 'attachment';
}

export function isInline(attachment: Attachment): boolean {
  return attachment.contentDisposition === 'inline' || attachment.related === true;
}

/** Bytes of an attachment inside a JSON body: base64 plus its other properties. */
function attachmentJsonBytes(attachment: Attachment): number {
  return Math.ceil(attachment.content.length / 3) * 4 + Buffer.byteLength(attachmentName(attachment)) + 300;
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

function toRecipients(value: AddressObject | AddressObject[] | undefined): Recipient[] {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return objects
    .flatMap((o) => o.value.flatMap((a) => (a.group ? a.group : [a])))
    .filter((a) => a.address)
    .map((a) => ({ emailAddress: { name: a.name || a.address!, address: a.address! } satisfies EmailAddress }));
}

function listOf(key: 'toRecipients' | 'ccRecipients' | 'bccRecipients' | 'replyTo', value: AddressObject | AddressObject[] | undefined): Partial<Message> {
  const list = toRecipients(value);
  return list.length > 0 ? { [key]: list } : {};
}

/** The header block of a raw message (up to the first empty line), for PR_TRANSPORT_MESSAGE_HEADERS. */
export function headerBlockOf(raw: Buffer): string {
  const head = raw.subarray(0, Math.min(raw.length, 256 * 1024));
  // Found in the bytes, so only the header is decoded (decoding 256 KB of every message cost more than its parse).
  const end = blankLineAt(head);
  return (end >= 0 ? head.subarray(0, end + 2) : head).toString('utf8');
}

/** Where the first empty line's terminator pair (`\r?\n\r?\n`) starts, or -1. */
function blankLineAt(head: Buffer): number {
  for (let lf = head.indexOf(0x0a); lf >= 0; lf = head.indexOf(0x0a, lf + 1)) {
    const next = head[lf + 1];
    if (next === 0x0a || (next === 0x0d && head[lf + 2] === 0x0a)) return lf > 0 && head[lf - 1] === 0x0d ? lf - 1 : lf;
  }
  return -1;
}
