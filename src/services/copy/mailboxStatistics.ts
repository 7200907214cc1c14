import type { MigrationMailbox } from '../../core/mailbox/migrationMailbox';
import { MigrationError } from '../../core/errors/migrationError';
import { ConcurrencyError } from '../../core/errors/concurrencyError';
import type { MailboxStore } from '../ports/batchStores';

const MAX_ATTEMPTS = 8;

/**
 * Applies a change to a mailbox row with its ETag, reading again and re-applying when another
 * writer (the batch's watchdog, a status change) got there first, so no update is lost.
 */
export async function updateMailbox(
  mailboxes: MailboxStore,
  batchId: string,
  mailboxKey: string,
  change: (mailbox: MigrationMailbox) => MigrationMailbox,
): Promise<MigrationMailbox> {
  for (let attempt = 1; ; attempt += 1) {
    const stored = await mailboxes.get(batchId, mailboxKey);
    if (!stored) throw new MigrationError('MailboxNotFound', `The mailbox ${mailboxKey} is not in batch ${batchId}.`);
    const updated = change(stored.mailbox);
    try {
      await mailboxes.update(updated, stored.etag);
      return updated;
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
