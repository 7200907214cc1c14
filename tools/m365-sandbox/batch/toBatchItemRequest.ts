import { randomUUID } from 'node:crypto';
import { GraphError } from '../graphError';
import type { SandboxRequest } from '../http/sandboxRequest';
import type { BatchItem } from './batchRoute';

/**
 * One request of a batch as if it had come alone. `url` is relative to the version (`/users/...`); the
 * Graph JS client sends `/v1.0/users/...`, so a leading version segment is dropped. A JSON body is an
 * object, a `text/*` body is the text itself, any other body is base64 (https://learn.microsoft.com/graph/json-batching#request-format).
 */
export function toBatchItemRequest(outer: SandboxRequest, item: BatchItem): SandboxRequest {
  const relative = item.url.replace(/^https?:\/\/[^/]+/i, '').replace(/^\/?(v1\.0|beta)(?=\/)/i, '');
  const url = new URL(relative.startsWith('/') ? relative : `/${relative}`, 'http://batch.invalid');
  const headers: Record<string, string> = { ...outer.headers };
  delete headers['content-type'];
  delete headers['content-length'];
  for (const [name, value] of Object.entries(item.headers ?? {})) headers[name.toLowerCase()] = value;
  if (item.body !== undefined && headers['content-type'] === undefined) {
    throw new GraphError(400, 'BadRequest', `Request '${item.id}' has a body but no Content-Type header.`);
  }
  return {
    method: item.method.toUpperCase(),
    path: url.pathname,
    query: url.searchParams,
    headers,
    body: toBody(item.body, headers['content-type'] ?? ''),
    requestId: randomUUID(),
    graphBaseUrl: outer.graphBaseUrl,
    ...(outer.roles ? { roles: outer.roles } : {}),
    ...(outer.directoryRoles ? { directoryRoles: outer.directoryRoles } : {}),
  };
}

function toBody(body: unknown, contentType: string): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  if (/json/i.test(contentType)) return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  if (typeof body !== 'string') return Buffer.from(JSON.stringify(body), 'utf8');
  // A text body (the base64 MIME of a message create) is taken as written; binary bodies are base64.
  return /^text\//i.test(contentType) ? Buffer.from(body, 'utf8') : Buffer.from(body, 'base64');
}
