import { odata, type TableClient } from '@azure/data-tables';
import type { MigrationBatch } from '../core/batch/migrationBatch';
import { withConcurrencyCheck } from './concurrencyError';
import { unlessNotFound } from './unlessNotFound';
import { listAll } from './tableTransactions';
import type { BatchStore, StoredBatch } from '../services/ports/batchStores';

const PARTITION = 'batch';

/** What a stored batch row looks like: nested values as JSON text, since tables hold flat properties. */
interface BatchEntity {
  name: string;
  endpoint: string;
  kind: MigrationBatch['kind'];
  status: MigrationBatch['status'];
  statusDetail?: string;
  mailboxCount: number;
  /** Counts by mailbox status when the status last changed; the API counts the mailbox rows instead (services/batchCounts.ts). */
  countsJson: string;
  notificationEmailsJson: string;
  incrementalSyncIntervalHours: number;
  autoStart: boolean;
  source: string;
  createdAt: string;
  startedAt?: string;
  syncedAt?: string;
  completedAt?: string;
  reportsJson?: string;
  usageLocation?: string;
}

/** Migration batches, one row each, keyed by batch id. */
export class BatchRepository implements BatchStore {
  constructor(private readonly table: () => Promise<TableClient>) {}

  /** Creates the batch; a ConcurrencyError when its id is taken. */
  async create(batch: MigrationBatch): Promise<void> {
    const table = await this.table();
    await withConcurrencyCheck(`Batch "${batch.name}"`, () => table.createEntity(toEntity(batch)));
  }

  async get(id: string): Promise<StoredBatch | undefined> {
    const table = await this.table();
    const entity = await unlessNotFound(() => table.getEntity<BatchEntity>(PARTITION, id));
    return entity && { batch: toBatch(entity.rowKey ?? id, entity), etag: entity.etag };
  }

  async list(): Promise<MigrationBatch[]> {
    const rows = await listAll<BatchEntity>(await this.table(), odata`PartitionKey eq ${PARTITION}`);
    return rows.map((row) => toBatch(row.rowKey, row)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Replaces the row if it still has `etag`; otherwise a ConcurrencyError. Returns the new ETag. */
  async update(batch: MigrationBatch, etag: string): Promise<string> {
    const table = await this.table();
    const result = await withConcurrencyCheck(`Batch "${batch.name}"`, () => table.updateEntity(toEntity(batch), 'Replace', { etag }));
    return result.etag ?? etag;
  }

  async delete(id: string): Promise<void> {
    const table = await this.table();
    await unlessNotFound(() => table.deleteEntity(PARTITION, id));
  }
}

function toEntity(batch: MigrationBatch): BatchEntity & { partitionKey: string; rowKey: string } {
  const { id, counts, notificationEmails, reports, ...rest } = batch;
  return {
    partitionKey: PARTITION,
    rowKey: id,
    ...rest,
    countsJson: JSON.stringify(counts),
    notificationEmailsJson: JSON.stringify(notificationEmails),
    ...(reports ? { reportsJson: JSON.stringify(reports) } : {}),
  };
}

function toBatch(id: string, entity: BatchEntity): MigrationBatch {
  const optional = (key: 'statusDetail' | 'startedAt' | 'syncedAt' | 'completedAt' | 'usageLocation') => (entity[key] ? { [key]: entity[key] } : {});
  return {
    id,
    name: entity.name,
    endpoint: entity.endpoint,
    kind: entity.kind,
    status: entity.status,
    mailboxCount: entity.mailboxCount,
    counts: JSON.parse(entity.countsJson) as MigrationBatch['counts'],
    notificationEmails: JSON.parse(entity.notificationEmailsJson) as string[],
    incrementalSyncIntervalHours: entity.incrementalSyncIntervalHours,
    autoStart: entity.autoStart,
    source: entity.source,
    createdAt: entity.createdAt,
    ...optional('statusDetail'),
    ...optional('startedAt'),
    ...optional('syncedAt'),
    ...optional('completedAt'),
    ...optional('usageLocation'),
    ...(entity.reportsJson ? { reports: JSON.parse(entity.reportsJson) as MigrationBatch['reports'] } : {}),
  };
}
