import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { folderKey, itemRowKey } from '../core/copy/itemKeys';
import { definedFields, ownFields } from './entityFields';
import { copyScope } from './folderStateRepository';
import { listAll, submitInTransactions } from './tableTransactions';
import type { ItemMapEntry, ItemMapStore } from '../services/ports/copyStores';

type ItemEntity = ItemMapEntry & { partitionKey: string; rowKey: string };

/** The item map of one folder of one mailbox: partition = mailbox|folder, row = UIDVALIDITY_UID. */
export class ItemMapRepository implements ItemMapStore {
  constructor(private readonly table: () => Promise<TableClient>) {}

  scope(mailboxKey: string, sourcePath: string): string {
    return `${copyScope(mailboxKey)}|${folderKey(sourcePath)}`;
  }

  /** Entries of one UIDVALIDITY with UIDs in [fromUid, toUid]. */
  async listRange(scope: string, uidValidity: string, fromUid: number, toUid: number): Promise<ItemMapEntry[]> {
    const low = itemRowKey(uidValidity, fromUid);
    const high = itemRowKey(uidValidity, toUid);
    const rows = await listAll<ItemEntity>(await this.table(), odata`PartitionKey eq ${scope} and RowKey ge ${low} and RowKey le ${high}`);
    return rows.map(toEntry);
  }

  async listGeneration(scope: string, uidValidity: string): Promise<ItemMapEntry[]> {
    return this.listRange(scope, uidValidity, 0, 9_999_999_999);
  }

  /** Skipped entries of a generation that a later pass tries again. */
  async listRetryable(scope: string, uidValidity: string): Promise<ItemMapEntry[]> {
    const low = itemRowKey(uidValidity, 0);
    const high = itemRowKey(uidValidity, 9_999_999_999);
    const rows = await listAll<ItemEntity>(
      await this.table(),
      odata`PartitionKey eq ${scope} and RowKey ge ${low} and RowKey le ${high} and retryable eq ${true}`,
    );
    return rows.map(toEntry);
  }

  /** Deletes the item maps of every folder of a mailbox (the folders' checkpoints name them). */
  async deleteMailbox(mailboxKey: string, folders: { sourcePath: string }[]): Promise<void> {
    const table = await this.table();
    for (const folder of folders) {
      const scope = this.scope(mailboxKey, folder.sourcePath);
      const rows = await listAll<ItemEntity>(table, odata`PartitionKey eq ${scope}`);
      await submitInTransactions(
        table,
        rows.map((row) => ['delete', { partitionKey: scope, rowKey: row.rowKey }]),
      );
    }
  }

  /** Writes entries in transactions of at most 100 (one partition per folder). */
  async putAll(scope: string, entries: ItemMapEntry[]): Promise<void> {
    const actions: TransactionAction[] = entries.map((entry) => {
      return [
        'upsert',
        { partitionKey: scope, rowKey: itemRowKey(entry.uidValidity, entry.uid), ...definedFields({ ...entry, retryable: entry.retryable ?? false }) },
        'Replace',
      ];
    });
    await submitInTransactions(await this.table(), actions);
  }
}

function toEntry(entity: ItemEntity): ItemMapEntry {
  return ownFields(entity) as unknown as ItemMapEntry;
}
