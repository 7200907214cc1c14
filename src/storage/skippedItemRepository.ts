import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { SkippedItem } from '../core/copy/copyLimits';
import { folderKey, itemRowKey } from '../core/copy/itemKeys';
import { ownFields } from './entityFields';
import { listAll, submitInTransactions } from './tableTransactions';

export interface StoredSkippedItem extends SkippedItem {
  mailboxKey: string;
  uidValidity: string;
}

/** Items that could not be copied, per batch (partition), for the errors report. */
export class SkippedItemRepository {
  constructor(private readonly table: () => Promise<TableClient>) {}

  async putAll(batchId: string, items: StoredSkippedItem[]): Promise<void> {
    const actions: TransactionAction[] = items.map((item) => [
      'upsert',
      { partitionKey: batchId, rowKey: `${item.mailboxKey}|${folderKey(item.sourcePath)}|${itemRowKey(item.uidValidity, item.uid)}`, ...item },
      'Replace',
    ]);
    await submitInTransactions(await this.table(), actions);
  }

  async deleteBatch(batchId: string): Promise<void> {
    const table = await this.table();
    const rows = await listAll<StoredSkippedItem>(table, odata`PartitionKey eq ${batchId}`);
    await submitInTransactions(table, rows.map((row) => ['delete', { partitionKey: batchId, rowKey: row.rowKey }]));
  }

  async listBatch(batchId: string): Promise<StoredSkippedItem[]> {
    const rows = await listAll<StoredSkippedItem>(await this.table(), odata`PartitionKey eq ${batchId}`);
    return rows.map((row) => ownFields(row) as unknown as StoredSkippedItem);
  }
}
