import { COMPLETED_BATCH_STATUSES } from '../core/batch/batchStatusGroups';
import { IN_FLIGHT_MAILBOX_STATUSES } from '../core/mailbox/mailboxStatusGroups';
import type { MigrationStores } from './migration/migrationStores';
import { updateMailbox } from './copy/mailboxStatistics';

/**
 * The periodic chores: mark mailboxes that stopped making progress as stalled, so the
 * administrator sees them; and forget batches finished long enough ago.
 */
export class Maintenance {
  constructor(private readonly stores: MigrationStores) {}

  /** Mailboxes syncing without an update for `stallMinutes` get the status detail "Stalled". */
  async markStalled(now: Date, stallMinutes: number): Promise<{ batchId: string; emailAddress: string }[]> {
    const stalled: { batchId: string; emailAddress: string }[] = [];
    const cutoff = now.getTime() - stallMinutes * 60_000;
    for (const batch of await this.stores.batches.list()) {
      if (batch.status !== 'Syncing' && batch.status !== 'Completing') continue;
      for (const { mailbox } of await this.stores.mailboxes.listAll(batch.id)) {
        const busy = IN_FLIGHT_MAILBOX_STATUSES.includes(mailbox.status);
        if (!busy || mailbox.statusDetail === 'Stalled' || Date.parse(mailbox.lastUpdatedTimestamp) > cutoff) continue;
        await updateMailbox(this.stores.mailboxes, batch.id, mailbox.mailboxKey, (m) => ({ ...m, statusDetail: 'Stalled' }));
        stalled.push({ batchId: batch.id, emailAddress: mailbox.emailAddress });
      }
    }
    return stalled;
  }

  /** Batches completed (or failed) more than `retentionDays` ago, whose traces may go. */
  async expiredBatches(now: Date, retentionDays: number): Promise<string[]> {
    const cutoff = now.getTime() - retentionDays * 24 * 3600_000;
    return (await this.stores.batches.list())
      .filter((b) => COMPLETED_BATCH_STATUSES.includes(b.status) && b.completedAt && Date.parse(b.completedAt) < cutoff)
      .map((b) => b.id);
  }
}
