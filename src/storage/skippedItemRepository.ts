import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { folderKey, itemRowKey } from '../core/copy/itemKeys';
import { definedFields, ownFields } from './entityFields';
import { listAll, submitInTransactions } from './tableTransactions';
import type { SkippedItemStore, StoredSkippedItem } from '../services/ports/copyStores';

/**
 * Text from senders (subjects) and servers (details) is cut to this many characters: a Table Storage
 * string holds at most 64 KiB (32 K UTF-16 units), and one huge subject must not stop the item from
 * reaching the errors report.
 * https://learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model#property-types
 */
const MAX_TEXT = 2000;

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

/** The row of a skipped item, or of a whole folder that could not be copied (uid 0). */
function rowKeyOf(item: Pick<StoredSkippedItem, 'mailboxKey' | 'sourcePath' | 'uidValidity' | 'uid'>): string {
  return `${item.mailboxKey}|${folderKey(item.sourcePath)}|${item.uid === 0 ? 'folder' : itemRowKey(item.uidValidity, item.uid)}`;
}

/** Items that could not be copied, per batch (partition), for the errors report. */
export class SkippedItemRepository implements SkippedItemStore {
  constructor(private readonly table: () => Promise<TableClient>) {}

  async putAll(batchId: string, items: StoredSkippedItem[]): Promise<void> {
    const actions: TransactionAction[] = items.map((item) => [
      'upsert',
      { partitionKey: batchId, rowKey: rowKeyOf(item), ...definedFields({ ...item, subject: clip(item.subject), detail: clip(item.detail) }) },
      'Replace',
    ]);
    await submitInTransactions(await this.table(), actions);
  }

  /** Removes rows of items that a later try copied after all. */
  async deleteItems(batchId: string, items: Pick<StoredSkippedItem, 'mailboxKey' | 'sourcePath' | 'uidValidity' | 'uid'>[]): Promise<void> {
    const table = await this.table();
    await Promise.all(items.map((item) => table.deleteEntity(batchId, rowKeyOf(item)).catch(() => undefined)));
  }

  /** How many items of a mailbox were skipped in a pass, large items left out (they have their own limit). */
  async countBadItems(batchId: string, mailboxKey: string, pass: string): Promise<number> {
    const rows = await listAll<StoredSkippedItem>(
      await this.table(),
      odata`PartitionKey eq ${batchId} and RowKey ge ${`${mailboxKey}|`} and RowKey lt ${`${mailboxKey}|~`} and pass eq ${pass}`,
    );
    return rows.filter((row) => row.reason !== 'TooLarge').length;
  }

  async deleteBatch(batchId: string): Promise<void> {
    const table = await this.table();
    const rows = await listAll<StoredSkippedItem>(table, odata`PartitionKey eq ${batchId}`);
    await submitInTransactions(
      table,
      rows.map((row) => ['delete', { partitionKey: batchId, rowKey: row.rowKey }]),
    );
  }

  async listBatch(batchId: string): Promise<StoredSkippedItem[]> {
    const rows = await listAll<StoredSkippedItem>(await this.table(), odata`PartitionKey eq ${batchId}`);
    return rows.map((row) => ownFields(row) as unknown as StoredSkippedItem);
  }
}
