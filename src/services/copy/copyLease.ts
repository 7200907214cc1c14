import { MigrationError } from '../../core/errors/migrationError';
import type { Stored } from '../../core/ledger/ledgerRows';
import type { CopyLedgerStore, LeaseRow, LedgerWrite } from '../ports/copyLedgerStore';
import type { RunClock } from './runClock';

/**
 * A mailbox's copy lease, held by one run. One run at a time copies a mailbox, as Dovecot's dsync locks a
 * mailbox while it syncs it: Durable activities run at least once, and a host killed mid-page or a
 * Stop→Resume while a page still runs can start the same page twice. The second run finds the lease held
 * and answers when to come back (the orchestration waits on a durable timer) instead of copying alongside.
 *
 * The holder renews it at a third of its length. Before every target write the run checks it holds it
 * (`assertHeld`): on its own clock while far from expiry, by a renewal when close; a run that stalled past
 * its expiry and lost it stops there. The ledger's holds and ETags catch what a stall between the check and
 * the write lets through.
 */
export class CopyLease {
  private lost = false;
  private done = false;
  private renewing: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly store: CopyLedgerStore,
    private readonly mailboxKey: string,
    private readonly holder: string,
    private readonly clock: RunClock,
    private readonly seconds: number,
    private held: Stored<LeaseRow>,
  ) {
    this.timer = setInterval(() => void this.renew().catch(() => undefined), (seconds * 1000) / 3);
    this.timer.unref();
  }

  /**
   * Takes the lease from the row `current` (as the containers' query read it): free, expired, or this
   * run's own. Answers when the run holding it will have let it go otherwise.
   */
  static async take(
    store: CopyLedgerStore,
    mailboxKey: string,
    holder: string,
    clock: RunClock,
    seconds: number,
    current: Stored<LeaseRow> | undefined,
  ): Promise<CopyLease | { busyUntil: string }> {
    if (current && current.row.holder !== holder && Date.parse(current.row.expiresAt) > clock.now()) return { busyUntil: current.row.expiresAt };
    const row = { holder, expiresAt: new Date(clock.now() + seconds * 1000).toISOString() };
    const etag = await writeLease(store, mailboxKey, current ? { op: 'lease', lease: row, etag: current.etag } : { op: 'lease', lease: row });
    // Another run took it between the read and this write.
    if (!etag) return { busyUntil: row.expiresAt };
    return new CopyLease(store, mailboxKey, holder, clock, seconds, { row, etag });
  }

  /** Throws (transient) when the lease is no longer this run's; renews it first when it is close to expiring. */
  async assertHeld(): Promise<void> {
    if (!this.lost && Date.parse(this.held.row.expiresAt) - this.clock.now() < (this.seconds * 1000) / 3) await this.renew();
    if (this.lost)
      throw new MigrationError('CopyLeaseLost', 'Another run took over this mailbox while this one was stalled; it goes on from what was saved.', 'transient');
  }

  /**
   * The write that releases the lease in the page's closing transaction. Renewals stop first, so the ETag
   * it names is the last one written.
   */
  async releaseWrite(): Promise<LedgerWrite> {
    await this.stop();
    await this.assertHeld();
    return { op: 'lease', lease: 'release', etag: this.held.etag };
  }

  /** Gives the lease back on its own (a page that writes no checkpoint), so the next page need not wait for it to expire. */
  async release(): Promise<void> {
    await this.stop();
    if (this.lost || this.done) return;
    this.done = true;
    await writeLease(this.store, this.mailboxKey, { op: 'lease', lease: 'release', etag: this.held.etag }).catch(() => undefined);
  }

  /** The closing transaction released it. */
  released(): void {
    this.done = true;
  }

  private async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing?.catch(() => undefined);
  }

  private renew(): Promise<void> {
    if (this.lost || this.done) return Promise.resolve();
    this.renewing ??= this.renewOnce().finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  private async renewOnce(): Promise<void> {
    const row = { holder: this.holder, expiresAt: new Date(this.clock.now() + this.seconds * 1000).toISOString() };
    const etag = await writeLease(this.store, this.mailboxKey, { op: 'lease', lease: row, etag: this.held.etag });
    if (etag) this.held = { row, etag };
    else this.lost = true;
  }
}

/** Writes the lease's row alone: its new ETag, or undefined when another run changed it since it was read. */
async function writeLease(store: CopyLedgerStore, mailboxKey: string, write: LedgerWrite): Promise<string | undefined> {
  const answer = await store.transact(mailboxKey, [], [write]);
  return answer.kind === 'written' ? (answer.shared[0] ?? '*') : undefined;
}
