import { randomUUID } from 'node:crypto';
import { MigrationError } from '../../core/errors/migrationError';
import type { CopyLeaseStore } from '../ports/copyStores';
import type { HeldLease } from '../ports/copyStores';

/**
 * A mailbox's copy lease held by this run, renewed in the background at a third of its length. If a
 * renewal finds it lost (the run stalled past its expiry and another run took over), the run stops at its
 * next check: before it sends creates or moves to the target, and before it saves a checkpoint.
 */
export class HeldCopyLease {
  private lost = false;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly leases: CopyLeaseStore,
    private readonly mailboxKey: string,
    private lease: HeldLease,
    private readonly seconds: number,
  ) {
    this.timer = setInterval(() => void this.renew().catch(() => undefined), (seconds * 1000) / 3);
    this.timer.unref();
  }

  /** Takes the lease, or answers when the run holding it will have let it go. */
  static async take(leases: CopyLeaseStore, mailboxKey: string, seconds: number): Promise<HeldCopyLease | { busyUntil: string }> {
    const answer = await leases.acquire(mailboxKey, randomUUID(), new Date(), seconds);
    if ('heldByOther' in answer) return { busyUntil: answer.heldByOther.expiresAt };
    return new HeldCopyLease(leases, mailboxKey, answer.held, seconds);
  }

  /** Throws (transient) when the lease is no longer ours; renews it first when it is close to expiring. */
  async assertHeld(): Promise<void> {
    if (!this.lost && Date.parse(this.lease.expiresAt) - Date.now() < (this.seconds * 1000) / 3) await this.renew();
    if (this.lost)
      throw new MigrationError('CopyLeaseLost', 'Another run took over this mailbox while this one was stalled; it goes on from what was saved.', 'transient');
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    if (!this.lost) await this.leases.release(this.mailboxKey, this.lease);
  }

  private async renew(): Promise<void> {
    if (this.lost) return;
    const renewed = await this.leases.renew(this.mailboxKey, this.lease, new Date(), this.seconds);
    if (renewed) this.lease = renewed;
    else this.lost = true;
  }
}
