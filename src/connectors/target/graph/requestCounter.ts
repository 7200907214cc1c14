import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

interface Counted { requests: number; messageCreates: number; concurrent: number }

/** The copy target sends batches as four dependsOn chains: at most four of a batch run at once. */
const MAX_CONCURRENT_IN_BATCH = 4;

/**
 * Counts the requests sent to Graph the way Graph counts them against a mailbox: each request
 * inside a `$batch` is one (https://learn.microsoft.com/graph/json-batching). The figures feed the
 * statistics and the benchmark: requests per message, and how busy the mailbox was kept.
 */
export class RequestCounter implements Middleware {
  requests = 0;
  httpCalls = 0;
  messageCreates = 0;
  /** Time in flight times requests running at once: divided by wall time, the mean concurrency. */
  requestMilliseconds = 0;
  private next: Middleware | undefined;

  async execute(context: Context): Promise<void> {
    const counted = countRequests(context);
    this.httpCalls += 1;
    this.requests += counted.requests;
    this.messageCreates += counted.messageCreates;
    if (!this.next) throw new Error('RequestCounter must not be the last middleware.');
    const started = performance.now();
    try {
      await this.next.execute(context);
    } finally {
      this.requestMilliseconds += (performance.now() - started) * counted.concurrent;
    }
  }

  setNext(next: Middleware): void {
    this.next = next;
  }

  /** Counts a request made outside the client (upload-session ranges go straight to their URL). */
  async countDirect<T>(request: () => Promise<T>): Promise<T> {
    this.httpCalls += 1;
    this.requests += 1;
    const started = performance.now();
    try {
      return await request();
    } finally {
      this.requestMilliseconds += performance.now() - started;
    }
  }
}

function isMessageCreate(method: string | undefined, url: string): boolean {
  return (method ?? 'GET').toUpperCase() === 'POST' && /\/messages$/.test(url.split('?')[0] ?? '');
}

function countRequests(context: Context): Counted {
  // The SDK types the request as the DOM's RequestInfo: a URL string or a Request.
  const request = context.request as unknown as string | { url: string };
  const url = typeof request === 'string' ? request : request.url;
  const method = context.options?.method;
  if (!url.endsWith('/$batch')) return { requests: 1, messageCreates: isMessageCreate(method, url) ? 1 : 0, concurrent: 1 };
  const body = context.options?.body;
  if (typeof body !== 'string') return { requests: 1, messageCreates: 0, concurrent: 1 };
  // A batch body can be megabytes of message content: scan it for the requests' method and url
  // (JSON.stringify writes them without spaces, in the order sendBatch builds them) instead of
  // parsing a second copy of it.
  const requests = [...body.matchAll(/"method":"([A-Z]+)","url":"([^"]*)"/g)];
  const count = requests.length || 1;
  return { requests: count, messageCreates: requests.filter((r) => isMessageCreate(r[1], r[2] ?? '')).length, concurrent: Math.min(count, MAX_CONCURRENT_IN_BATCH) };
}
