import type { TableEntity } from '@azure/data-tables';
import type { RuntimeStatus } from './runtimeStatus';
import type { TaskHubStorage } from './taskHubStorage';

export interface ParentRef {
  instanceId: string;
  executionId: string;
  taskId: number;
}

/** One row of `<hub>Instances`: what the status API answers without reading history. */
export interface InstanceRecord {
  instanceId: string;
  name: string;
  executionId: string;
  status: RuntimeStatus;
  /** JSON texts, as history stores them. */
  input?: string;
  output?: string;
  customStatus?: string;
  createdTime: string;
  lastUpdatedTime: string;
  parent?: ParentRef;
  /**
   * How many history events of this execution are committed. The row is written after the
   * history rows, so it is the commit point: rows past this count belong to an episode that a
   * crash interrupted, and are ignored (then overwritten when the episode is redone).
   */
  historyCount?: number;
}

type Row = TableEntity<Record<string, unknown>>;
type StoredRow = Record<string, unknown> & { partitionKey?: string };

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Reads and writes instance rows, moving big inputs and outputs to blobs. */
export class InstanceStore {
  constructor(private readonly storage: TaskHubStorage) {}

  async read(instanceId: string): Promise<InstanceRecord | undefined> {
    try {
      const row = await this.storage.instances.getEntity<Record<string, unknown>>(instanceId, '');
      return await this.fromRow(row);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  async write(record: InstanceRecord): Promise<void> {
    const row: Row = {
      partitionKey: record.instanceId,
      rowKey: '',
      Name: record.name,
      ExecutionId: record.executionId,
      RuntimeStatus: record.status,
      CreatedTime: record.createdTime,
      LastUpdatedTime: record.lastUpdatedTime,
      ParentJson: record.parent ? JSON.stringify(record.parent) : '',
      HistoryCount: record.historyCount ?? 0,
    };
    for (const field of ['input', 'output', 'customStatus'] as const) {
      const value = record[field];
      const column = field[0]!.toUpperCase() + field.slice(1);
      if (value === undefined) continue;
      const ref = await this.storage.offload(value);
      if (ref.inline !== undefined) row[column] = ref.inline;
      else row[`${column}Blob`] = ref.blob;
    }
    await this.storage.instances.upsertEntity(row, 'Replace');
  }

  async delete(instanceId: string): Promise<boolean> {
    const existing = await this.storage.instances.getEntity<Record<string, unknown>>(instanceId, '').catch(() => undefined);
    if (!existing) return false;
    for (const column of ['InputBlob', 'OutputBlob', 'CustomStatusBlob']) await this.storage.deleteBlob(existing[column]);
    await this.storage.instances.deleteEntity(instanceId, '');
    return true;
  }

  /** Every instance row matching an OData filter, oldest first. */
  async query(filter: string | undefined): Promise<InstanceRecord[]> {
    const out: InstanceRecord[] = [];
    const iterator = this.storage.instances.listEntities<Record<string, unknown>>(filter ? { queryOptions: { filter } } : {});
    for await (const row of iterator) out.push(await this.fromRow(row));
    return out.sort((a, b) => a.createdTime.localeCompare(b.createdTime) || a.instanceId.localeCompare(b.instanceId));
  }

  private async fromRow(row: StoredRow): Promise<InstanceRecord> {
    const parentJson = text(row.ParentJson);
    return {
      instanceId: row.partitionKey ?? '',
      name: text(row.Name) ?? '',
      executionId: text(row.ExecutionId) ?? '',
      status: (text(row.RuntimeStatus) ?? 'Pending') as RuntimeStatus,
      input: await this.storage.load({ inline: row.Input, blob: row.InputBlob }),
      output: await this.storage.load({ inline: row.Output, blob: row.OutputBlob }),
      customStatus: await this.storage.load({ inline: row.CustomStatus, blob: row.CustomStatusBlob }),
      createdTime: text(row.CreatedTime) ?? '',
      lastUpdatedTime: text(row.LastUpdatedTime) ?? '',
      parent: parentJson ? (JSON.parse(parentJson) as ParentRef) : undefined,
      historyCount: typeof row.HistoryCount === 'number' ? row.HistoryCount : 0,
    };
  }
}
