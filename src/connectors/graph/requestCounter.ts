import type { RequestCost } from './mailboxBudget';

/**
 * The requests sent to Graph, counted the way Graph counts them against a mailbox: each request inside
 * a `$batch` is one (https://learn.microsoft.com/graph/json-batching). The figures feed the benchmark:
 * requests per message, 429s per thousand requests, and how busy each mailbox was kept.
 */
export class RequestCounter {
  requests = 0;
  httpCalls = 0;
  messageCreates = 0;
  /** Requests Graph answered 429 (inside batches too). */
  throttled = 0;
  /** Bytes of PATCH/POST/PUT bodies sent to mailboxes (what Outlook's upload limit counts). */
  uploadBytes = 0;
  /** Time in flight times requests running at once (the slots held): divided by wall time, the mean concurrency. */
  requestMilliseconds = 0;

  record(cost: RequestCost, messageCreates: number, milliseconds: number): void {
    this.httpCalls += 1;
    this.requests += cost.requests;
    this.messageCreates += messageCreates;
    this.uploadBytes += cost.uploadBytes;
    this.requestMilliseconds += milliseconds * cost.slots;
  }

  recordThrottled(count: number): void {
    this.throttled += count;
  }
}
