import type { IncomingMessage } from 'node:http';

/** Graph refuses request bodies over 4 MB (https://learn.microsoft.com/graph/api/attachment-createuploadsession). */
export const GRAPH_MAX_REQUEST_BYTES = 4 * 1024 * 1024;

export type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'tooLarge' };

/** Reads the whole body, stopping to keep at `limit` bytes (the rest is drained so the answer can still be sent). */
export async function readBody(request: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(request.headers['content-length'] ?? NaN);
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = declared > limit;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) tooLarge = true;
    if (!tooLarge) chunks.push(buffer);
  }
  return tooLarge ? { ok: false, reason: 'tooLarge' } : { ok: true, body: Buffer.concat(chunks) };
}
