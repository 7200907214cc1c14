import type { Client } from '@microsoft/microsoft-graph-client';
import { BatchCost, retryAfterSeconds, tryBudgetExhausted } from './graphPacing';
import type { BudgetRegistry } from './graphPacing';
import type { BudgetExhausted } from './mailboxBudget';
import type { RequestCounter } from './requestCounter';

export interface BatchItem {
  id: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Relative to the version root, e.g. `/users/{id}/messages`, query already encoded (odataQuery.ts). */
  url: string;
  /** JSON, or for another content type (`headers`) the bytes as base64 (https://learn.microsoft.com/graph/json-batching#request-format). */
  body?: unknown;
  /** The request's own headers; a body without them is JSON. */
  headers?: Record<string, string>;
}

export interface BatchAnswer {
  id: string;
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/**
 * How Graph runs the requests of one batch: all at once (at most 4 at a time for Outlook) or one after
 * another, each depending on the one before. Nothing else is accepted: a mix gets 400 "Batch should be
 * either fully sequential or fully parallel" (microsoft-graph-docs issue #16280; Microsoft Q&A 1532547).
 */
export type BatchShape = 'parallel' | 'sequential';

/** Graph takes at most 20 requests in one `$batch` (https://learn.microsoft.com/graph/json-batching). */
export const MAX_BATCH_REQUESTS = 20;
/** A parallel batch to the Outlook service runs at most 4 requests at once (throttling-limits, "JSON batching"). */
const OUTLOOK_BATCH_PARALLELISM = 4;
const MAX_ATTEMPTS = 5;

export interface BatchContext {
  client: Client;
  budgets: BudgetRegistry;
  counter: RequestCounter;
  /** The mailbox the requests reach (the `{id}` of `/users/{id}`), for pacing; undefined for directory requests. */
  mailbox?: string;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Sends requests as one JSON batch of the given shape and returns an answer per request.
 *
 * Requests Graph did not run are sent again: those answered 429 (after the longest Retry-After, through
 * the mailbox's budget) and, in a sequential batch, those answered 424 because an earlier one failed.
 * A 503, 504 or a lost batch answer leaves it open whether a request ran: requests whose repetition is
 * harmless (`idempotent` returns true: GET, PATCH, DELETE by default) are sent again; the others are
 * answered with status 0 ("unknown") for the caller to settle, by looking for what they may have made.
 * When the mailbox's budget is spent for long, the requests not yet run are answered 429 with the
 * Retry-After to come back at: this never throws away the answers of requests that did run.
 */
export async function sendBatch(
  context: BatchContext,
  items: BatchItem[],
  shape: BatchShape,
  idempotent: (item: BatchItem) => boolean = (item) => item.method !== 'POST',
): Promise<Map<string, BatchAnswer>> {
  if (items.length > MAX_BATCH_REQUESTS) throw new Error(`A $batch takes at most ${MAX_BATCH_REQUESTS} requests, not ${items.length}.`);
  const sleep = context.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const answers = new Map<string, BatchAnswer>();
  let pending = items;
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    let responses: Map<string, BatchAnswer> | undefined;
    try {
      responses = await postBatch(context, pending, shape);
    } catch (error) {
      // The mailbox's budget is spent for longer than is worth waiting here: nothing of this attempt was
      // sent, so its requests are answered as throttled, with when to come back.
      const exhausted = tryBudgetExhausted(error);
      if (!exhausted) throw error;
      for (const item of pending) answers.set(item.id, throttledAnswer(item.id, exhausted));
      break;
    }
    const again: BatchItem[] = [];
    let waitSeconds = 0;
    for (const item of pending) {
      const answer = responses?.get(item.id) ?? unknownAnswer(item.id);
      const ran = !(answer.status === 429 || answer.status === 424);
      const unknown = answer.status === 0 || answer.status === 503 || answer.status === 504;
      if (answer.status === 429) {
        context.counter.recordThrottled(1);
        waitSeconds = Math.max(waitSeconds, retryAfterSeconds(answer.headers['Retry-After'] ?? answer.headers['retry-after']));
      }
      const retry = attempt < MAX_ATTEMPTS && (!ran || (unknown && idempotent(item)));
      if (retry) again.push(item);
      else answers.set(item.id, unknown ? { ...answer, status: 0 } : answer);
    }
    pending = again;
    if (pending.length > 0 && waitSeconds > 0) {
      if (context.mailbox) context.budgets.budgetOf(context.mailbox).throttled(waitSeconds);
      else await sleep(waitSeconds * 1000);
    }
  }
  return answers;
}

/** The batch's answers by id, or undefined when the batch itself failed in a way that leaves every request open. */
async function postBatch(context: BatchContext, items: BatchItem[], shape: BatchShape): Promise<Map<string, BatchAnswer> | undefined> {
  const requests = items.map((item, index) => toRequest(item, shape === 'sequential' && index > 0 ? items[index - 1]!.id : undefined));
  const cost = new BatchCost(
    context.mailbox,
    {
      slots: shape === 'sequential' ? 1 : Math.min(items.length, OUTLOOK_BATCH_PARALLELISM),
      requests: items.length,
      uploadBytes: items.reduce((sum, item) => sum + (item.method !== 'GET' && item.body !== undefined ? Buffer.byteLength(JSON.stringify(item.body)) : 0), 0),
    },
    items.filter((item) => item.method === 'POST' && /\/messages$/.test(item.url)).length,
  );
  try {
    const response = (await context.client.api('/$batch').middlewareOptions([cost]).post({ requests })) as { responses?: BatchAnswer[] };
    return new Map((response.responses ?? []).map((answer) => [answer.id, { ...answer, headers: answer.headers ?? {} }]));
  } catch (error) {
    if (tryBudgetExhausted(error)) throw error;
    const status = (error as { statusCode?: number }).statusCode ?? -1;
    // The whole batch was refused before any request ran (bad shape, too large, unauthorised).
    if (status >= 400 && status < 500 && status !== 408 && status !== 429) throw error;
    return undefined;
  }
}

function throttledAnswer(id: string, exhausted: BudgetExhausted): BatchAnswer {
  const seconds = Math.max(1, Math.ceil((exhausted.resumeAt.getTime() - Date.now()) / 1000));
  return { id, status: 429, headers: { 'Retry-After': String(seconds) }, body: { error: { code: 'BudgetExhausted', message: exhausted.message } } };
}

function toRequest(item: BatchItem, dependsOn: string | undefined): Record<string, unknown> {
  return {
    id: item.id,
    method: item.method,
    url: item.url,
    ...(item.body !== undefined ? { body: item.body, headers: item.headers ?? { 'Content-Type': 'application/json' } } : {}),
    ...(dependsOn !== undefined ? { dependsOn: [dependsOn] } : {}),
  };
}

function unknownAnswer(id: string): BatchAnswer {
  return { id, status: 0, body: undefined, headers: {} };
}

/** The error text Graph put in a failed answer's body (`error.code: error.message`). */
export function describeGraphError(answer: BatchAnswer): string {
  if (answer.status === 0) return 'no answer from Microsoft Graph (the request may or may not have run)';
  const error = (answer.body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return error ? `${error.code ?? 'Error'}: ${error.message ?? ''}`.trim() : `HTTP ${answer.status}`;
}
