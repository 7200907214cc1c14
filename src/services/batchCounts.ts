import { COMPLETED_BATCH_STATUSES } from '../core/batch/batchStatusGroups';
import type { MigrationBatch } from '../core/batch/migrationBatch';
import type { MailboxStatusCounts } from '../core/mailbox/mailboxStatus';

/** Where the counts come from: the batch's mailbox rows (MailboxRepository.countStatuses). */
export interface StatusCountSource {
  countStatuses(batchId: string): Promise<MailboxStatusCounts>;
}

/** Batches counted at once when a list is shown (each count is one partition query). */
const LIST_CONCURRENCY = 8;

/**
 * A batch's counts by mailbox status, as the API shows them: counted from the mailbox rows when
 * asked, never kept up to date by the mailbox steps. So they follow the mailboxes at once, and no
 * mailbox writes to a row it shares with the others. The batch row's own `counts` are a snapshot
 * taken at its last status change; they are shown only once the batch is settled.
 *
 * Requests for the same batch that arrive while its count is running share that one query, so
 * many dashboards polling at once cost one query per batch at a time.
 */
export class BatchCounts {
  private readonly running = new Map<string, Promise<MailboxStatusCounts>>();

  constructor(private readonly source: StatusCountSource) {}

  /** The batch's mailboxes by status, counted now (or by the count already under way). */
  count(batchId: string): Promise<MailboxStatusCounts> {
    let counting = this.running.get(batchId);
    if (!counting) {
      counting = this.source.countStatuses(batchId).finally(() => this.running.delete(batchId));
      this.running.set(batchId, counting);
    }
    return counting;
  }

  /** The batch with its counts as they are now. */
  async current(batch: MigrationBatch): Promise<MigrationBatch> {
    // Its mailboxes no longer change: the orchestration counted them when it set the status (after
    // the last mailbox step), so the stored counts are final and need no query.
    if (COMPLETED_BATCH_STATUSES.includes(batch.status)) return batch;
    return { ...batch, counts: await this.count(batch.id) };
  }

  /** Each batch with its counts as they are now, in the same order; at most 8 counted at once. */
  async currentAll(batches: readonly MigrationBatch[]): Promise<MigrationBatch[]> {
    const result = [...batches];
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < batches.length; i = next++) result[i] = await this.current(batches[i]!);
    };
    await Promise.all(Array.from({ length: Math.min(LIST_CONCURRENCY, batches.length) }, worker));
    return result;
  }
}

const perSource = new WeakMap<StatusCountSource, BatchCounts>();

/**
 * The BatchCounts of a mailbox store, one per store, so requests served by the same app share
 * counts under way (the app rebuilds its stores when its settings change, and with them this).
 */
export function batchCountsOf(source: StatusCountSource): BatchCounts {
  let counts = perSource.get(source);
  if (!counts) {
    counts = new BatchCounts(source);
    perSource.set(source, counts);
  }
  return counts;
}
