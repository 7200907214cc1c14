import { randomBytes } from 'node:crypto';
import type { MessageRecord, RecipientRecord } from '../store/types';

/**
 * The message as RFC 5322 MIME, what `GET /messages/{id}/$value` returns
 * (https://learn.microsoft.com/graph/outlook-get-mime-message). A message created from MIME returns its
 * original bytes; one created from JSON is rendered from its properties.
 */
export function exportMessageMime(message: MessageRecord): Buffer {
  if (message.mimeBase64 !== null) return Buffer.from(message.mimeBase64, 'base64');
  const headers = [
    ...(message.from ? [`From: ${formatAddresses([message.from])}`] : []),
    ...(message.toRecipients.length ? [`To: ${formatAddresses(message.toRecipients)}`] : []),
    ...(message.ccRecipients.length ? [`Cc: ${formatAddresses(message.ccRecipients)}`] : []),
    `Subject: ${encodeWord(message.subject)}`,
    `Date: ${new Date(message.sentDateTime).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${message.internetMessageId}`,
    ...message.internetMessageHeaders.map((header) => `${header.name}: ${header.value}`),
    'MIME-Version: 1.0',
  ];
  const body = bodyPart(message);
  if (message.attachments.length === 0) return Buffer.from([...headers, ...body].join('\r\n'));
  const boundary = `_sandbox_${randomBytes(12).toString('hex')}_`;
  const parts = [
    [`--${boundary}`, ...body],
    ...message.attachments.map((attachment) => [
      `--${boundary}`,
      `Content-Type: ${attachment.contentType}; name="${encodeWord(attachment.name)}"`,
      `Content-Disposition: ${attachment.isInline ? 'inline' : 'attachment'}; filename="${encodeWord(attachment.name)}"`,
      ...(attachment.contentId ? [`Content-ID: <${attachment.contentId}>`] : []),
      'Content-Transfer-Encoding: base64',
      '',
      ...wrap(attachment.contentBytes, 76),
    ]),
  ];
  return Buffer.from([...headers, `Content-Type: multipart/mixed; boundary="${boundary}"`, '', ...parts.flat(), `--${boundary}--`, ''].join('\r\n'));
}

function bodyPart(message: MessageRecord): string[] {
  const type = message.body.contentType === 'html' ? 'text/html' : 'text/plain';
  return [
    `Content-Type: ${type}; charset=utf-8`,
    'Content-Transfer-Encoding: base64',
    '',
    ...wrap(Buffer.from(message.body.content, 'utf8').toString('base64'), 76),
    '',
  ];
}

function formatAddresses(recipients: RecipientRecord[]): string {
  return recipients
    .map(({ emailAddress }) =>
      emailAddress.name && emailAddress.name !== emailAddress.address ? `${encodeWord(emailAddress.name)} <${emailAddress.address}>` : emailAddress.address,
    )
    .join(', ');
}

/** RFC 2047 encoded-word for anything that is not printable ASCII. */
function encodeWord(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += width) lines.push(text.slice(i, i + width));
  return lines;
}
