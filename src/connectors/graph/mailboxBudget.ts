import { TargetPaused } from '../../services/ports/copyTarget';

/**
 * Outlook's limits for one app and one mailbox (https://learn.microsoft.com/graph/throttling-limits,
 * "Outlook service limits"): 4 concurrent requests, 10,000 requests per 10 minutes and 150 MB uploaded
 * (the bodies of PATCH, POST and PUT) per 5 minutes. Requests inside a `$batch` count one by one.
 */
export interface OutlookLimits {
  concurrency: number;
  requestsPerWindow: number;
  requestWindowMs: number;
  uploadBytesPerWindow: number;
  uploadWindowMs: number;
}

export const OUTLOOK_LIMITS: OutlookLimits = {
  concurrency: 4,
  requestsPerWindow: 10_000,
  requestWindowMs: 10 * 60_000,
  uploadBytesPerWindow: 150 * 1024 * 1024,
  uploadWindowMs: 5 * 60_000,
};

/** What one HTTP call costs the mailbox: slots it holds while in flight, requests it counts, bytes it uploads. */
export interface RequestCost {
  slots: number;
  requests: number;
  uploadBytes: number;
}

export type ReleaseSlots = () => void;

/** Thrown when the budget will not have room for a long while: the caller stops and comes back at `resumeAt`. */
export class BudgetExhausted extends TargetPaused {
  constructor(resumeAt: Date, why: string) {
    super(resumeAt, why);
    this.name = 'BudgetExhausted';
  }
}

interface Waiter {
  slots: number;
  wake: () => void;
}

/**
 * Graph counts a request when it arrives, which is later than this process counts it (a 3 MB body takes
 * a while to send), so a request counted here is held in its window this much longer than the window.
 */
const WINDOW_MARGIN_MS = 1_000;

/**
 * Paces the requests of one mailbox so they stay inside Outlook's limits instead of bouncing off them:
 * at most `concurrency` requests in flight, and no more requests or upload bytes in a window than the
 * window allows. Short waits happen here; a wait longer than `maxInlineWaitMs` (the window is spent, or
 * Graph asked for a long Retry-After) throws BudgetExhausted so a Durable caller can wait on a timer.
 *
 * The windows are this process's view: another worker may have used part of the same budget, and Graph
 * answers that with 429 and Retry-After, which `throttled()` folds in.
 */
export class MailboxBudget {
  private inFlight = 0;
  private readonly waiters: Waiter[] = [];
  private readonly requests: { at: number; count: number }[] = [];
  private readonly uploads: { at: number; bytes: number }[] = [];
  private pausedUntil = 0;

  constructor(
    private readonly limits: OutlookLimits = OUTLOOK_LIMITS,
    private readonly maxInlineWaitMs = 20_000,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** Waits for room for one call, then holds its slots until the returned function is called. */
  async acquire(cost: RequestCost): Promise<ReleaseSlots> {
    const slots = Math.min(Math.max(cost.slots, 1), this.limits.concurrency);
    await this.waitForWindows(cost);
    await this.waitForSlots(slots);
    // Another caller may have spent the windows while this one waited for slots.
    const at = this.now();
    if (this.windowWait(cost, at) > 0) {
      this.releaseSlots(slots);
      return this.acquire(cost);
    }
    this.requests.push({ at, count: cost.requests });
    if (cost.uploadBytes > 0) this.uploads.push({ at, bytes: cost.uploadBytes });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.releaseSlots(slots);
    };
  }

  /** Graph answered 429 (or 503) with Retry-After: nothing more is sent to the mailbox until then. */
  throttled(retryAfterSeconds: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + Math.max(1, retryAfterSeconds) * 1000);
  }

  private async waitForWindows(cost: RequestCost): Promise<void> {
    for (;;) {
      const wait = this.windowWait(cost, this.now());
      if (wait <= 0) return;
      if (wait > this.maxInlineWaitMs) throw new BudgetExhausted(new Date(this.now() + wait), this.reason(cost));
      await this.sleep(wait);
    }
  }

  /** Milliseconds until the windows and any Retry-After leave room for `cost`. */
  private windowWait(cost: RequestCost, at: number): number {
    this.prune(at);
    let until = this.pausedUntil;
    until = Math.max(
      until,
      untilRoom(
        this.requests.map((r) => ({ at: r.at, amount: r.count })),
        cost.requests,
        this.limits.requestsPerWindow,
        this.limits.requestWindowMs + WINDOW_MARGIN_MS,
      ),
    );
    if (cost.uploadBytes > 0) {
      const allowed = Math.max(this.limits.uploadBytesPerWindow, cost.uploadBytes); // one call larger than the window still goes, alone
      until = Math.max(
        until,
        untilRoom(
          this.uploads.map((u) => ({ at: u.at, amount: u.bytes })),
          cost.uploadBytes,
          allowed,
          this.limits.uploadWindowMs + WINDOW_MARGIN_MS,
        ),
      );
    }
    return until - at;
  }

  private reason(cost: RequestCost): string {
    if (this.pausedUntil > this.now()) return 'Microsoft Graph asked to wait (429 Retry-After) before more requests to this mailbox.';
    const uploaded = sum(this.uploads.map((u) => u.bytes));
    if (cost.uploadBytes > 0 && uploaded + cost.uploadBytes > this.limits.uploadBytesPerWindow) {
      return `the mailbox's upload budget (${Math.round(this.limits.uploadBytesPerWindow / 1048576)} MB per ${this.limits.uploadWindowMs / 60_000} minutes) is used up.`;
    }
    return `the mailbox's request budget (${this.limits.requestsPerWindow} requests per ${this.limits.requestWindowMs / 60_000} minutes) is used up.`;
  }

  private async waitForSlots(slots: number): Promise<void> {
    if (this.waiters.length === 0 && this.inFlight + slots <= this.limits.concurrency) {
      this.inFlight += slots;
      return;
    }
    await new Promise<void>((wake) => this.waiters.push({ slots, wake }));
  }

  private releaseSlots(slots: number): void {
    this.inFlight -= slots;
    // First come, first served, so a call needing several slots is not starved by single ones.
    while (this.waiters.length > 0 && this.inFlight + this.waiters[0]!.slots <= this.limits.concurrency) {
      const next = this.waiters.shift()!;
      this.inFlight += next.slots;
      next.wake();
    }
  }

  private prune(at: number): void {
    while (this.requests.length > 0 && this.requests[0]!.at <= at - this.limits.requestWindowMs - WINDOW_MARGIN_MS) this.requests.shift();
    while (this.uploads.length > 0 && this.uploads[0]!.at <= at - this.limits.uploadWindowMs - WINDOW_MARGIN_MS) this.uploads.shift();
  }
}

/** When the oldest entries leave the window so that `amount` more fits under `limit`. */
function untilRoom(entries: { at: number; amount: number }[], amount: number, limit: number, windowMs: number): number {
  let used = sum(entries.map((e) => e.amount));
  if (used + amount <= limit) return 0;
  for (const entry of entries) {
    used -= entry.amount;
    if (used + amount <= limit) return entry.at + windowMs + 1;
  }
  return 0;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
