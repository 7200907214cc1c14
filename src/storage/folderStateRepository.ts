import { odata, type TableClient } from '@azure/data-tables';
import type { FolderCheckpoint } from '../core/copy/folderCheckpoint';
import { folderKey } from '../core/copy/itemKeys';
import { unlessNotFound } from './unlessNotFound';
import { ownFields } from './entityFields';
import { listAll, submitInTransactions } from './tableTransactions';

type FolderStateEntity = Omit<FolderCheckpoint, never> & { partitionKey: string; rowKey: string };

export function mailboxScope(batchId: string, mailboxKey: string): string {
  return `${batchId}|${mailboxKey}`;
}

/** Per-folder copy checkpoints of a mailbox: partition = batch|mailbox, row = folder key. */
export class FolderStateRepository {
  constructor(private readonly table: () => Promise<TableClient>) {}

  async get(batchId: string, mailboxKey: string, sourcePath: string): Promise<FolderCheckpoint | undefined> {
    const table = await this.table();
    const entity = await unlessNotFound(() => table.getEntity<FolderStateEntity>(mailboxScope(batchId, mailboxKey), folderKey(sourcePath)));
    return entity && toCheckpoint(entity);
  }

  async list(batchId: string, mailboxKey: string): Promise<FolderCheckpoint[]> {
    const rows = await listAll<FolderStateEntity>(await this.table(), odata`PartitionKey eq ${mailboxScope(batchId, mailboxKey)}`);
    return rows.map(toCheckpoint);
  }

  async deleteMailbox(batchId: string, mailboxKey: string): Promise<void> {
    const table = await this.table();
    const scope = mailboxScope(batchId, mailboxKey);
    const rows = await listAll<FolderStateEntity>(table, odata`PartitionKey eq ${scope}`);
    await submitInTransactions(table, rows.map((row) => ['delete', { partitionKey: scope, rowKey: row.rowKey }]));
  }

  /** Saves the checkpoint. Only the mailbox's own copy step writes it, one page at a time. */
  async save(batchId: string, mailboxKey: string, checkpoint: FolderCheckpoint): Promise<void> {
    const table = await this.table();
    const defined = Object.fromEntries(Object.entries(checkpoint).filter(([, v]) => v !== undefined));
    await table.upsertEntity({ partitionKey: mailboxScope(batchId, mailboxKey), rowKey: folderKey(checkpoint.sourcePath), ...defined }, 'Replace');
  }
}

function toCheckpoint(entity: FolderStateEntity): FolderCheckpoint {
  return ownFields(entity) as unknown as FolderCheckpoint;
}
