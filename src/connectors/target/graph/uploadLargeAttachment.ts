import type { Attachment } from 'mailparser';
import { MigrationError } from '../../../core/errors/migrationError';
import type { GraphSession } from './graphConnection';

/** Upload-session chunks must be multiples of 320 KiB; ten of them stay under the 4 MB request limit. */
const CHUNK_BYTES = 10 * 320 * 1024;

/**
 * Adds an attachment over 3 MB to a message through an upload session: create the session, then
 * PUT the bytes in ranges to the URL it returned (which carries its own authorisation).
 * https://learn.microsoft.com/graph/outlook-large-attachments
 */
export async function uploadLargeAttachment(graph: GraphSession, userPath: string, messageId: string, attachment: Attachment): Promise<void> {
  const session = (await graph.client.api(`${userPath}/messages/${messageId}/attachments/createUploadSession`).post({
    AttachmentItem: {
      attachmentType: 'file',
      name: attachment.filename ?? 'attachment',
      size: attachment.content.length,
      contentType: attachment.contentType,
      isInline: attachment.contentDisposition === 'inline' || attachment.related === true,
      ...(attachment.cid ? { contentId: attachment.cid } : {}),
    },
  })) as { uploadUrl: string };
  const content = attachment.content;
  for (let start = 0; start < content.length; start += CHUNK_BYTES) {
    const end = Math.min(start + CHUNK_BYTES, content.length);
    const response = await graph.counter.countDirect(() => fetch(session.uploadUrl, {
      ...(graph.fetchOptions as RequestInit),
      method: 'PUT',
      headers: { 'Content-Range': `bytes ${start}-${end - 1}/${content.length}`, 'Content-Type': 'application/octet-stream' },
      body: content.subarray(start, end),
    }));
    if (!response.ok) {
      const transient = response.status === 429 || response.status >= 500;
      throw new MigrationError('AttachmentUploadFailed', `Uploading "${attachment.filename ?? 'attachment'}" failed at byte ${start}: HTTP ${response.status}.`, transient ? 'transient' : 'permanent');
    }
  }
}
