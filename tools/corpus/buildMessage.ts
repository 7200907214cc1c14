import { encodeHeaderWords, toBase64Lines, toFilenameParameter, toRfc5322Date } from './mimeEncoding';
import type { SeededRandom } from './seededRandom';

export interface Mailbox {
  name: string;
  address: string;
}

export interface AttachmentSpec {
  filename: string;
  contentType: string;
  /** Decoded size in bytes (the base64 in the message is about 4/3 of it). */
  size: number;
  /** Set for an inline part referenced from the HTML as `cid:<contentId>`. */
  contentId?: string;
}

export interface MessageSpec {
  from: Mailbox;
  to: Mailbox;
  subject: string;
  date: Date;
  /** Null: no Message-ID header at all (RFC 5322 only says SHOULD). */
  messageId: string | null;
  text: string;
  html?: string;
  attachments?: AttachmentSpec[];
  /** Send a non-ASCII text body as raw 8-bit (RFC 6152) instead of base64. */
  eightBit?: boolean;
}

const CRLF = '\r\n';

/** Builds the RFC 5322 / MIME octets of a message; attachment bytes and boundaries come from `random`. */
export function buildMessage(spec: MessageSpec, random: SeededRandom): Buffer {
  const headers = [
    `From: ${address(spec.from)}`,
    `To: ${address(spec.to)}`,
    `Subject: ${encodeHeaderWords(spec.subject)}`,
    `Date: ${toRfc5322Date(spec.date)}`,
    ...(spec.messageId === null ? [] : [`Message-ID: ${spec.messageId}`]),
    'MIME-Version: 1.0',
  ];
  const body = buildBody(spec, random);
  return Buffer.from(`${headers.join(CRLF)}${CRLF}${body}`);
}

function address(mailbox: Mailbox): string {
  return `${encodeHeaderWords(mailbox.name)} <${mailbox.address}>`;
}

/** Returns the Content-* headers, a blank line and the content of the body part. */
function buildBody(spec: MessageSpec, random: SeededRandom): string {
  const inline = (spec.attachments ?? []).filter((a) => a.contentId !== undefined);
  const regular = (spec.attachments ?? []).filter((a) => a.contentId === undefined);
  let body = textPart(spec.text, 'plain', spec.eightBit ?? false);
  if (spec.html !== undefined) {
    let html = textPart(spec.html, 'html', spec.eightBit ?? false);
    if (inline.length > 0) {
      html = multipart('related', [html, ...inline.map((a) => attachmentPart(a, random))], random);
    }
    body = multipart('alternative', [body, html], random);
  }
  if (regular.length > 0) body = multipart('mixed', [body, ...regular.map((a) => attachmentPart(a, random))], random);
  return body;
}

function textPart(text: string, subtype: 'plain' | 'html', eightBit: boolean): string {
  const lines = text.replace(/\r?\n/g, CRLF);
  // eslint-disable-next-line no-control-regex
  const ascii = /^[\x00-\x7f]*$/.test(text);
  if (ascii || eightBit) {
    return `Content-Type: text/${subtype}; charset=utf-8${CRLF}Content-Transfer-Encoding: ${ascii ? '7bit' : '8bit'}${CRLF}${CRLF}${lines}${CRLF}`;
  }
  return `Content-Type: text/${subtype}; charset=utf-8${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}${toBase64Lines(Buffer.from(lines))}${CRLF}`;
}

function attachmentPart(attachment: AttachmentSpec, random: SeededRandom): string {
  const disposition = attachment.contentId ? 'inline' : 'attachment';
  return [
    `Content-Type: ${attachment.contentType}; name="${attachment.filename.replace(/[^\x20-\x7e]/g, '_')}"`,
    'Content-Transfer-Encoding: base64',
    `Content-Disposition: ${disposition}; ${toFilenameParameter(attachment.filename)}`,
    ...(attachment.contentId ? [`Content-ID: <${attachment.contentId}>`] : []),
    '',
    toBase64Lines(random.bytes(attachment.size)),
    '',
  ].join(CRLF);
}

function multipart(subtype: string, parts: string[], random: SeededRandom): string {
  const boundary = `=_part_${random.int(0, 0xffffffff).toString(16)}_${random.int(0, 0xffffffff).toString(16)}`;
  const inner = parts.map((part) => `--${boundary}${CRLF}${part}`).join(CRLF);
  return `Content-Type: multipart/${subtype}; boundary="${boundary}"${CRLF}${CRLF}${inner}${CRLF}--${boundary}--${CRLF}`;
}
