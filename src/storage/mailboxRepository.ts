import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { MigrationMailbox } from '../core/mailbox/migrationMailbox';
import { countStatuses, type MailboxStatus, type MailboxStatusCounts } from '../core/mailbox/mailboxStatus';
import { withConcurrencyCheck } from './concurrencyError';
import { unlessNotFound } from './unlessNotFound';
import { definedFields, ownFields } from './entityFields';
import { submitInTransactions } from './tableTransactions';
import type { MailboxPage, MailboxStore, StoredMailbox } from '../services/ports/batchStores';

type MailboxEntity = Omit<MigrationMailbox, 'batchId' | 'mailboxKey'> & { partitionKey: string; rowKey: string };

/** Mailboxes of batches: partition = batch id, row = mailbox key. */
export class MailboxRepository implements MailboxStore {
  constructor(private readonly table: () => Promise<TableClient>) {}

  /**
   * Writes a batch's mailbox rows in entity-group transactions of at most 100. Upserts, so an
   * intake that is run again after a crash writes the same rows, not a second set.
   */
  async insertAll(mailboxes: MigrationMailbox[]): Promise<void> {
    const actions: TransactionAction[] = mailboxes.map((m) => ['upsert', toEntity(m), 'Replace']);
    await submitInTransactions(await this.table(), actions);
  }

  async get(batchId: string, mailboxKey: string): Promise<StoredMailbox | undefined> {
    const table = await this.table();
    const entity = await unlessNotFound(() => table.getEntity<MailboxEntity>(batchId, mailboxKey));
    return entity && { mailbox: toMailbox(entity), etag: entity.etag };
  }

  /** One page of a batch's mailboxes, in key order. */
  async listPage(batchId: string, pageSize: number, continuationToken?: string): Promise<MailboxPage> {
    const table = await this.table();
    const pages = table
      .listEntities<MailboxEntity>({ queryOptions: { filter: odata`PartitionKey eq ${batchId}` } })
      .byPage({ maxPageSize: pageSize, ...(continuationToken ? { continuationToken } : {}) });
    const next = await pages.next();
    if (next.done) return { mailboxes: [] };
    const page = next.value;
    return {
      mailboxes: page.map(toMailbox),
      ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
    };
  }

  async listAll(batchId: string): Promise<StoredMailbox[]> {
    const table = await this.table();
    const rows: StoredMailbox[] = [];
    for await (const entity of table.listEntities<MailboxEntity>({ queryOptions: { filter: odata`PartitionKey eq ${batchId}` } })) {
      rows.push({ mailbox: toMailbox(entity), etag: entity.etag });
    }
    return rows;
  }

  /**
   * The batch's mailboxes counted by status, read now: one partition query that brings back only
   * the status column (a 2,000-mailbox batch is two pages of 1,000). Nothing is stored, so the
   * counts can never fall behind the rows.
   */
  async countStatuses(batchId: string): Promise<MailboxStatusCounts> {
    const table = await this.table();
    const statuses: MailboxStatus[] = [];
    const rows = table.listEntities<{ status: MailboxStatus }>({ queryOptions: { filter: odata`PartitionKey eq ${batchId}`, select: ['status'] } });
    for await (const row of rows) statuses.push(row.status);
    return countStatuses(statuses);
  }

  /** Replaces the row if it still has `etag`; otherwise a ConcurrencyError. Returns the new ETag. */
  async update(mailbox: MigrationMailbox, etag: string): Promise<string> {
    const table = await this.table();
    const result = await withConcurrencyCheck(`Mailbox ${mailbox.emailAddress}`, () => table.updateEntity(toEntity(mailbox), 'Replace', { etag }));
    return result.etag ?? etag;
  }

  async mergeFields(batchId: string, mailboxKey: string, fields: Partial<Omit<MigrationMailbox, 'batchId' | 'mailboxKey' | 'status'>>): Promise<void> {
    const table = await this.table();
    // A Merge leaves absent and null properties as they are (https://learn.microsoft.com/rest/api/storageservices/merge-entity):
    // a cleared field is written empty, which every reader takes for none.
    const entity = Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, value === undefined ? '' : value]));
    await table.updateEntity({ partitionKey: batchId, rowKey: mailboxKey, ...entity }, 'Merge', { etag: '*' });
  }

  async deleteBatch(batchId: string): Promise<void> {
    const rows = await this.listAll(batchId);
    const actions: TransactionAction[] = rows.map(({ mailbox }) => ['delete', { partitionKey: batchId, rowKey: mailbox.mailboxKey }]);
    await submitInTransactions(await this.table(), actions);
  }
}

function toEntity(mailbox: MigrationMailbox): MailboxEntity {
  const { batchId, mailboxKey, ...rest } = mailbox;
  return { partitionKey: batchId, rowKey: mailboxKey, ...definedFields(rest) };
}

function toMailbox(entity: MailboxEntity): MigrationMailbox {
  return { ...ownFields(entity), batchId: entity.partitionKey, mailboxKey: entity.rowKey } as MigrationMailbox;
}
