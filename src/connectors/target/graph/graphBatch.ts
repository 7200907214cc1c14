import type { Client } from '@microsoft/microsoft-graph-client';
import { MigrationError } from '../../../core/errors/migrationError';

export interface BatchItem {
  id: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Relative to the version root, e.g. `/users/{id}/messages`. */
  url: string;
  body?: unknown;
  /** Ids of requests of the same batch that must succeed first; Graph runs this one after them. */
  dependsOn?: string[];
}

export interface BatchAnswer {
  id: string;
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** Graph takes at most 20 requests in one `$batch` (https://learn.microsoft.com/graph/json-batching). */
export const MAX_BATCH_REQUESTS = 20;
const MAX_ATTEMPTS = 5;

/**
 * Sends requests as one JSON batch. A batch answers 200 even when some of its requests were
 * throttled: those (429, and 503/504) are sent again after the longest Retry-After they carried,
 * as the throttling guidance asks, up to five attempts; so are requests that did not run because
 * one they depended on failed (424), without that dependency. Other answers are returned as they are.
 * https://learn.microsoft.com/graph/throttling#best-practices-to-handle-throttling
 */
export async function sendBatch(client: Client, items: BatchItem[], sleep = defaultSleep): Promise<Map<string, BatchAnswer>> {
  if (items.length > MAX_BATCH_REQUESTS) throw new Error(`A $batch takes at most ${MAX_BATCH_REQUESTS} requests, not ${items.length}.`);
  const answers = new Map<string, BatchAnswer>();
  let pending = items;
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    const ids = new Set(pending.map((p) => p.id));
    const requests = pending.map((item) => toRequest({ ...item, ...(item.dependsOn ? { dependsOn: item.dependsOn.filter((id) => ids.has(id)) } : {}) }));
    const response = (await client.api('/$batch').post({ requests })) as { responses: BatchAnswer[] };
    const retry: BatchItem[] = [];
    let waitSeconds = 0;
    for (const answer of response.responses) {
      const item = pending.find((p) => p.id === answer.id);
      if (item && isRetryable(answer.status) && attempt < MAX_ATTEMPTS) {
        retry.push(item);
        waitSeconds = Math.max(waitSeconds, retryAfterSeconds(answer));
      } else {
        answers.set(answer.id, answer);
      }
    }
    pending = retry;
    if (pending.length > 0) await sleep(waitSeconds * 1000);
  }
  return answers;
}

function toRequest(item: BatchItem): Record<string, unknown> {
  return {
    id: item.id,
    method: item.method,
    url: item.url,
    ...(item.body !== undefined ? { body: item.body, headers: { 'Content-Type': 'application/json' } } : {}),
    ...(item.dependsOn && item.dependsOn.length > 0 ? { dependsOn: item.dependsOn } : {}),
  };
}

function isRetryable(status: number): boolean {
  return status === 429 || status === 503 || status === 504 || status === 424;
}

function retryAfterSeconds(answer: BatchAnswer): number {
  if (answer.status === 424) return 0;
  const header = Object.entries(answer.headers ?? {}).find(([k]) => k.toLowerCase() === 'retry-after')?.[1];
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 300) : 2;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The error text Graph put in a failed answer's body (`error.code: error.message`). */
export function describeGraphError(answer: BatchAnswer): string {
  const error = (answer.body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return error ? `${error.code ?? 'Error'}: ${error.message ?? ''}`.trim() : `HTTP ${answer.status}`;
}

export function requireSuccess(answer: BatchAnswer | undefined, what: string): BatchAnswer {
  if (!answer) throw new MigrationError('TargetNoAnswer', `Microsoft Graph gave no answer for ${what}.`, 'transient');
  if (answer.status >= 400) {
    const transient = answer.status === 429 || answer.status >= 500;
    throw new MigrationError('TargetRejected', `Microsoft Graph refused ${what}: ${describeGraphError(answer)}`, transient ? 'transient' : 'permanent');
  }
  return answer;
}
