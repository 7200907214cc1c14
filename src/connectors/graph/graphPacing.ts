import type { Context, Middleware, MiddlewareOptions } from '@microsoft/microsoft-graph-client';
import { BudgetExhausted, type MailboxBudget, type RequestCost } from './mailboxBudget';
import type { RequestCounter } from './requestCounter';

/** Path segments under `/users/{id}` served by the user's Exchange mailbox, and so counted against its limits. */
const MAILBOX_SEGMENTS = new Set(['messages', 'mailfolders', 'contactfolders', 'contacts', 'calendars', 'calendar', 'events', 'sendmail']);

/**
 * What a `$batch` costs its mailbox, given by whoever builds the batch (the middleware does not parse a
 * body that can be megabytes). A sequential batch runs one request at a time, so it holds one of the
 * mailbox's 4 slots; a parallel one up to 4 (throttling-limits, "Outlook service limits for JSON batching").
 */
export class BatchCost implements MiddlewareOptions {
  constructor(
    readonly mailbox: string | undefined,
    readonly cost: RequestCost,
    readonly messageCreates: number,
  ) {}
}

/** The per-mailbox budgets of one Graph session, keyed by the `{id}` of `/users/{id}` as sent. */
export interface BudgetRegistry {
  budgetOf(mailbox: string): MailboxBudget;
}

/**
 * The Graph client's middleware that paces every request to a mailbox through that mailbox's budget
 * (mailboxBudget.ts), counts it, and feeds a 429's Retry-After back into the budget. Placed after the
 * RetryHandler, so each attempt of a retried request is paced and counted. A Retry-After too long to wait
 * in place ends the call with BudgetExhausted (the Graph client hands it to the caller as a GraphError
 * whose `code` is `BudgetExhausted`; see tryBudgetExhausted).
 */
export class GraphPacing implements Middleware {
  private next: Middleware | undefined;

  constructor(
    private readonly budgets: BudgetRegistry,
    private readonly counter: RequestCounter,
    private readonly maxInlineWaitMs: number,
  ) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error('GraphPacing must not be the last middleware.');
    const { mailbox, cost, messageCreates } = describe(context);
    const budget = mailbox === undefined ? undefined : this.budgets.budgetOf(mailbox);
    const release = budget ? await budget.acquire(cost) : undefined;
    const started = performance.now();
    try {
      await this.next.execute(context);
    } finally {
      release?.();
      this.counter.record(cost, messageCreates, performance.now() - started);
    }
    if (context.response) noteThrottling(context.response, budget, this.counter, this.maxInlineWaitMs);
  }
}

/**
 * What a 429 means for the mailbox, wherever the answer came from (the Graph client or an upload URL):
 * it is counted, its Retry-After holds the mailbox's budget, and a wait too long to spend in place ends
 * the call with BudgetExhausted. Any other answer passes.
 */
export function noteThrottling(response: Response, budget: MailboxBudget | undefined, counter: RequestCounter, maxInlineWaitMs: number): void {
  if (response.status !== 429) return;
  counter.recordThrottled(1);
  const seconds = retryAfterSeconds(response.headers.get('Retry-After'));
  budget?.throttled(seconds);
  if (seconds * 1000 > maxInlineWaitMs) {
    throw new BudgetExhausted(new Date(Date.now() + seconds * 1000), `Microsoft Graph throttled the mailbox for ${seconds} s (429 Retry-After).`);
  }
}

/** The mailbox (the `{id}` of `/users/{id}/messages...`) a URL reaches, if it reaches one. */
function mailboxOfUrl(url: string): string | undefined {
  const path = new URL(url, 'https://graph.invalid').pathname.split('/').filter(Boolean);
  const users = path.findIndex((segment) => segment.toLowerCase() === 'users');
  if (users < 0 || path.length < users + 3) return undefined;
  if (!MAILBOX_SEGMENTS.has(path[users + 2]!.toLowerCase())) return undefined;
  return decodeURIComponent(path[users + 1]!).toLowerCase();
}

function describe(context: Context): { mailbox: string | undefined; cost: RequestCost; messageCreates: number } {
  const batch = context.middlewareControl?.getMiddlewareOptions(BatchCost) as BatchCost | undefined;
  if (batch) return { mailbox: batch.mailbox?.toLowerCase(), cost: batch.cost, messageCreates: batch.messageCreates };
  // The SDK types the request as the DOM's RequestInfo: a URL string or a Request.
  const request = context.request as unknown as string | { url: string };
  const url = typeof request === 'string' ? request : request.url;
  const method = (context.options?.method ?? 'GET').toUpperCase();
  const body = context.options?.body;
  const uploadBytes = ['POST', 'PUT', 'PATCH'].includes(method) && typeof body === 'string' ? Buffer.byteLength(body) : 0;
  const isCreate = method === 'POST' && /\/messages$/i.test(new URL(url, 'https://graph.invalid').pathname);
  return { mailbox: mailboxOfUrl(url), cost: { slots: 1, requests: 1, uploadBytes }, messageCreates: isCreate ? 1 : 0 };
}

/** Retry-After in seconds (Graph sends seconds; an HTTP date is accepted too); 1 s when absent. */
export function retryAfterSeconds(header: string | null | undefined): number {
  if (header === null || header === undefined || header.trim() === '') return 1;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
  const at = Date.parse(header);
  return Number.isNaN(at) ? 1 : Math.max(1, Math.ceil((at - Date.now()) / 1000));
}

/** The BudgetExhausted behind an error the Graph client wrapped (its `code` is the error's name), if it is one. */
export function tryBudgetExhausted(error: unknown): BudgetExhausted | undefined {
  if (error instanceof BudgetExhausted) return error;
  const wrapped = error as { code?: unknown; message?: unknown } | undefined;
  if (wrapped?.code !== 'BudgetExhausted' || typeof wrapped.message !== 'string') return undefined;
  const match = /^Paused until (\S+): (.*)$/s.exec(wrapped.message);
  const at = match ? Date.parse(match[1]!) : NaN;
  return Number.isNaN(at) ? undefined : new BudgetExhausted(new Date(at), match![2]!);
}
