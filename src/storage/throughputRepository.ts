import { odata, type TableClient } from '@azure/data-tables';
import { unlessNotFound } from './unlessNotFound';
import { listAll } from './tableTransactions';
import type { ThroughputSample, ThroughputStore } from '../services/ports/throughputStore';

/** Seconds per throughput sample: fine enough to chart a short demo, coarse enough for a long batch. */
export const THROUGHPUT_BUCKET_SECONDS = 10;

interface SampleEntity {
  at: string;
  items: number;
  bytes: number;
}

/**
 * Items and bytes copied per 10-second interval, for the dashboard's throughput chart. Each
 * mailbox writes its own row per interval (its pages run one after another), so writers never
 * contend; reading adds the mailboxes up.
 */
export class ThroughputRepository implements ThroughputStore {
  constructor(private readonly table: () => Promise<TableClient>) {}

  async record(batchId: string, mailboxKey: string, now: string, items: number, bytes: number): Promise<void> {
    if (items === 0 && bytes === 0) return;
    const table = await this.table();
    const bucket = Math.floor(Date.parse(now) / 1000 / THROUGHPUT_BUCKET_SECONDS) * THROUGHPUT_BUCKET_SECONDS;
    const rowKey = `${String(bucket).padStart(12, '0')}|${mailboxKey}`;
    const previous = await unlessNotFound(() => table.getEntity<SampleEntity>(batchId, rowKey));
    await table.upsertEntity(
      {
        partitionKey: batchId,
        rowKey,
        at: new Date(bucket * 1000).toISOString(),
        items: (previous?.items ?? 0) + items,
        bytes: (previous?.bytes ?? 0) + bytes,
      },
      'Replace',
    );
  }

  async list(batchId: string): Promise<ThroughputSample[]> {
    const rows = await listAll<SampleEntity>(await this.table(), odata`PartitionKey eq ${batchId}`);
    const byTime = new Map<string, ThroughputSample>();
    for (const row of rows) {
      const sample = byTime.get(row.at) ?? { at: row.at, items: 0, bytes: 0 };
      sample.items += row.items;
      sample.bytes += row.bytes;
      byTime.set(row.at, sample);
    }
    return [...byTime.values()].sort((a, b) => a.at.localeCompare(b.at));
  }
}
