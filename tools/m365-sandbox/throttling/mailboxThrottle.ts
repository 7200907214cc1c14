import { GraphError } from '../graphError';

export const MAILBOX_CONCURRENCY_LIMIT = 4;
export const DEFAULT_MAILBOX_BUDGET_PER_10_MIN = 10_000;
export const DEFAULT_UPLOAD_BYTES_PER_5_MIN = 150 * 1024 * 1024;

export interface MailboxSlot {
  release(): void;
}

interface MailboxUsage {
  inFlight: number;
  requests: number[];
  uploads: { at: number; bytes: number }[];
}

/**
 * Outlook's per-app, per-mailbox limits (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits):
 * 4 concurrent requests, 10,000 requests per 10 minutes and 150 MB uploaded per 5 minutes. A request over
 * any of them gets 429 `ApplicationThrottled` with `Retry-After`. Each request inside a `$batch` counts on
 * its own. A slot is taken synchronously, so requests started in the same tick compete deterministically.
 */
export class MailboxThrottle {
  private readonly usage = new Map<string, MailboxUsage>();

  constructor(
    public budgetPer10Min: number,
    private readonly now: () => number = Date.now,
    public uploadBytesPer5Min: number = DEFAULT_UPLOAD_BYTES_PER_5_MIN,
    private readonly windows: { requestWindowMs: number; uploadWindowMs: number } = { requestWindowMs: 10 * 60 * 1000, uploadWindowMs: 5 * 60 * 1000 },
  ) {}

  acquire(mailboxKey: string, requestBytes = 0): MailboxSlot {
    const usage = this.usageOf(mailboxKey);
    if (usage.inFlight >= MAILBOX_CONCURRENCY_LIMIT) throw throttled('Application is over its MailboxConcurrency limit.', 1);
    const now = this.now();
    usage.requests = usage.requests.filter((at) => at > now - this.windows.requestWindowMs);
    if (usage.requests.length >= this.budgetPer10Min) {
      throw throttled(
        'Application is over its MailboxRequestBudget limit (requests per 10 minutes).',
        secondsUntil(usage.requests[0]! + this.windows.requestWindowMs, now),
      );
    }
    usage.uploads = usage.uploads.filter((upload) => upload.at > now - this.windows.uploadWindowMs);
    const uploaded = usage.uploads.reduce((sum, upload) => sum + upload.bytes, 0);
    if (requestBytes > 0 && uploaded + requestBytes > this.uploadBytesPer5Min) {
      throw throttled('Application is over its IncomingBytes limit.', secondsUntil((usage.uploads[0]?.at ?? now) + this.windows.uploadWindowMs, now));
    }
    usage.requests.push(now);
    if (requestBytes > 0) usage.uploads.push({ at: now, bytes: requestBytes });
    usage.inFlight += 1;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        usage.inFlight -= 1;
      },
    };
  }

  /** Forgets the request and upload history (tests that lower a budget start from a clean window). */
  reset(): void {
    for (const usage of this.usage.values()) {
      usage.requests = [];
      usage.uploads = [];
    }
  }

  private usageOf(mailboxKey: string): MailboxUsage {
    let usage = this.usage.get(mailboxKey);
    if (!usage) {
      usage = { inFlight: 0, requests: [], uploads: [] };
      this.usage.set(mailboxKey, usage);
    }
    return usage;
  }
}

function secondsUntil(at: number, now: number): number {
  return Math.max(1, Math.ceil((at - now) / 1000));
}

function throttled(message: string, retryAfterSeconds: number): GraphError {
  return new GraphError(429, 'ApplicationThrottled', message, { 'Retry-After': String(retryAfterSeconds) });
}
