import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { folderKey, itemRowKey } from '../core/copy/itemKeys';
import { ownFields } from './entityFields';
import { listAll, submitInTransactions } from './tableTransactions';

/**
 * One source message and what became of it. `pending` is written before the target is asked to
 * create the copy; `copied` once it answered. A `pending` entry found by a later run means the
 * earlier run may have made the copy: the target is searched for its marker before copying again.
 */
export interface ItemMapEntry {
  uidValidity: string;
  uid: number;
  state: 'pending' | 'copied' | 'skipped';
  targetId?: string;
  /** Hash of the message bytes, to recognise it after a UIDVALIDITY change. */
  contentKey: string;
  marker: string;
  size: number;
  /** Source flags last applied to the target (JSON list), for incremental flag sync. */
  flagsJson: string;
}

type ItemEntity = ItemMapEntry & { partitionKey: string; rowKey: string };

/** The item map of one folder of one mailbox: partition = batch|mailbox|folder, row = UIDVALIDITY_UID. */
export class ItemMapRepository {
  constructor(private readonly table: () => Promise<TableClient>) {}

  scope(batchId: string, mailboxKey: string, sourcePath: string): string {
    return `${batchId}|${mailboxKey}|${folderKey(sourcePath)}`;
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

  /** Deletes the item maps of every folder of a mailbox (the folders' checkpoints name them). */
  async deleteMailbox(batchId: string, mailboxKey: string, folders: { sourcePath: string }[]): Promise<void> {
    const table = await this.table();
    for (const folder of folders) {
      const scope = this.scope(batchId, mailboxKey, folder.sourcePath);
      const rows = await listAll<ItemEntity>(table, odata`PartitionKey eq ${scope}`);
      await submitInTransactions(table, rows.map((row) => ['delete', { partitionKey: scope, rowKey: row.rowKey }]));
    }
  }

  /** Forgets entries (written `pending` for items that were then never sent). */
  async deleteAll(scope: string, entries: Pick<ItemMapEntry, 'uidValidity' | 'uid'>[]): Promise<void> {
    await submitInTransactions(await this.table(), entries.map((entry) => ['delete', { partitionKey: scope, rowKey: itemRowKey(entry.uidValidity, entry.uid) }]));
  }

  /** Writes entries in transactions of at most 100 (one partition per folder). */
  async putAll(scope: string, entries: ItemMapEntry[]): Promise<void> {
    const actions: TransactionAction[] = entries.map((entry) => {
      const defined = Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined));
      return ['upsert', { partitionKey: scope, rowKey: itemRowKey(entry.uidValidity, entry.uid), ...defined }, 'Replace'];
    });
    await submitInTransactions(await this.table(), actions);
  }
}

function toEntry(entity: ItemEntity): ItemMapEntry {
  return ownFields(entity) as unknown as ItemMapEntry;
}
