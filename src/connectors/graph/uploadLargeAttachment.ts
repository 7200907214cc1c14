import type { AttachmentItem, UploadSession } from '@microsoft/microsoft-graph-types';
import { MigrationError } from '../../core/errors/migrationError';
import type { GraphSession } from './graphConnection';

/** Upload-session ranges must be multiples of 320 KiB; ten of them stay under the 4 MB request limit. */
const CHUNK_BYTES = 10 * 320 * 1024;
/** A range that fails for a reason other than throttling is sent again this often before giving up. */
const MAX_RANGE_ATTEMPTS = 4;

/** A file for an upload session: what the session is told, and the bytes. */
export interface LargeFile {
  name: string;
  contentType: string;
  content: Buffer;
  isInline: boolean;
  contentId?: string;
}

/**
 * Adds an attachment of 3 MB to 150 MB to a message or an event (`itemPath`, e.g. `/users/{id}/events/{id}`)
 * through an upload session ("The item can be a message or event",
 * https://learn.microsoft.com/graph/api/attachment-createuploadsession): create the session,
 * then PUT the bytes in ranges to the URL it returned, which carries its own authorisation
 * (https://learn.microsoft.com/graph/outlook-large-attachments). Each range counts against the
 * mailbox's concurrency and upload budget like any request (GraphSession.direct). A 429 on a range
 * waits its Retry-After and sends the same range again; a wait too long to spend here ends with
 * BudgetExhausted, and the copy is finished later (the upload session is abandoned; a new one starts
 * from the first byte).
 */
export async function uploadLargeAttachment(graph: GraphSession, mailbox: string, itemPath: string, file: LargeFile): Promise<void> {
  const item: AttachmentItem = {
    attachmentType: 'file',
    name: file.name,
    size: file.content.length,
    contentType: file.contentType,
    isInline: file.isInline,
    ...(file.contentId ? { contentId: file.contentId } : {}),
  };
  const session = (await graph.client.api(`${itemPath}/attachments/createUploadSession`).post({ AttachmentItem: item })) as UploadSession;
  if (!session.uploadUrl) throw new MigrationError('UploadSessionMissing', 'Microsoft Graph created an upload session without an upload URL.', 'transient');
  const content = file.content;
  for (let start = 0; start < content.length;) {
    const end = Math.min(start + CHUNK_BYTES, content.length);
    start = await putRange(graph, mailbox, session.uploadUrl, content, start, end, item.name!);
  }
}

/** Sends one range; returns where the next one starts. */
async function putRange(graph: GraphSession, mailbox: string, uploadUrl: string, content: Buffer, start: number, end: number, name: string): Promise<number> {
  for (let attempt = 1; ; attempt += 1) {
    const chunk = content.subarray(start, end);
    const response = await graph.direct(mailbox, { slots: 1, requests: 1, uploadBytes: chunk.length }, (init) =>
      fetch(uploadUrl, {
        ...init,
        method: 'PUT',
        headers: { 'Content-Range': `bytes ${start}-${end - 1}/${content.length}`, 'Content-Type': 'application/octet-stream' },
        body: chunk,
      }),
    );
    if (response.ok) {
      await response.arrayBuffer();
      return end;
    }
    const detail = await response.text().catch(() => '');
    // The session counted the 429 and holds the mailbox's budget for its Retry-After (or gave up on a long one).
    if (response.status === 429) continue;
    // 416: the range was stored already (its answer was lost before): go on from where the session stands.
    const transient = response.status >= 500 || response.status === 408 || response.status === 416;
    if (!transient || attempt >= MAX_RANGE_ATTEMPTS) {
      throw new MigrationError(
        'AttachmentUploadFailed',
        `Uploading "${name}" failed at byte ${start}: HTTP ${response.status} ${summarise(detail)}`.trim(),
        transient ? 'transient' : 'permanent',
      );
    }
    // A 5xx may come after the range was stored, and sending it again is refused (416): ask the session
    // where it stands and go on from there (https://learn.microsoft.com/graph/api/resources/uploadsession).
    const next = await nextExpected(graph, mailbox, uploadUrl, name).catch((error: unknown) => {
      if (error instanceof MigrationError && error.code === 'UploadOutcomeUnknown') throw error;
      return start; // the question failed too: try the range again
    });
    if (next !== start) return next;
  }
}

/**
 * Where the session expects the next byte. A session that is gone answered the last range already (the
 * attachment exists) or expired: whether the attachment is whole is checked on the message later.
 */
async function nextExpected(graph: GraphSession, mailbox: string, uploadUrl: string, name: string): Promise<number> {
  const response = await graph.direct(mailbox, { slots: 1, requests: 1, uploadBytes: 0 }, (init) => fetch(uploadUrl, { ...init, method: 'GET' }));
  const body = await response.text().catch(() => '');
  if (response.status === 404) {
    throw new MigrationError(
      'UploadOutcomeUnknown',
      `The upload session of "${name}" ended without a confirmed answer; the attachment is checked on the message later.`,
      'transient',
    );
  }
  if (!response.ok)
    throw new MigrationError(
      'AttachmentUploadFailed',
      `Asking the upload session of "${name}" where it stands failed: HTTP ${response.status} ${summarise(body)}`.trim(),
      'transient',
    );
  const ranges = (JSON.parse(body) as UploadSession).nextExpectedRanges ?? [];
  const start = Number.parseInt(ranges[0] ?? '', 10);
  if (Number.isNaN(start)) throw new MigrationError('AttachmentUploadFailed', `The upload session of "${name}" named no next range.`, 'transient');
  return start;
}

function summarise(body: string): string {
  try {
    const error = (JSON.parse(body) as { error?: { code?: string; message?: string } }).error;
    return error ? `${error.code ?? ''}: ${error.message ?? ''}` : '';
  } catch {
    return '';
  }
}
