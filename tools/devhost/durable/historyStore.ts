import type { TransactionAction } from '@azure/data-tables';
import type { HistoryEvent } from './historyEvents';
import type { TaskHubStorage } from './taskHubStorage';

function rowKey(executionId: string, sequence: number): string {
  return `${executionId}.${String(sequence).padStart(8, '0')}`;
}

/**
 * `<hub>History`: one row per event, partition = instance id, row key = execution id and sequence,
 * so one execution reads back in order with one partition query and appends in one transaction.
 */
export class HistoryStore {
  constructor(private readonly storage: TaskHubStorage) {}

  async readExecution(instanceId: string, executionId: string): Promise<HistoryEvent[]> {
    const rows = await this.storage.listPartition(this.storage.history, instanceId);
    const mine = rows.filter((r) => r.rowKey.startsWith(`${executionId}.`)).sort((a, b) => a.rowKey.localeCompare(b.rowKey));
    const events: HistoryEvent[] = [];
    for (const row of mine) {
      const json = await this.storage.load({ inline: row.Event, blob: row.EventBlob });
      if (json) events.push(JSON.parse(json) as HistoryEvent);
    }
    return events;
  }

  /** Appends events at sequence numbers `firstSequence...`; re-writing the same rows is harmless (upsert). */
  async append(instanceId: string, executionId: string, firstSequence: number, events: HistoryEvent[]): Promise<void> {
    const actions: TransactionAction[] = [];
    for (const [i, event] of events.entries()) {
      const { IsPlayed: _played, ...stored } = event;
      const ref = await this.storage.offload(JSON.stringify(stored));
      const entity = {
        partitionKey: instanceId,
        rowKey: rowKey(executionId, firstSequence + i),
        EventType: event.EventType,
        ...(ref.inline !== undefined ? { Event: ref.inline } : { EventBlob: ref.blob }),
      };
      actions.push(['upsert', entity, 'Replace']);
    }
    await this.storage.submitBatched(this.storage.history, actions);
  }

  /** Deletes every history row of an instance, or only those not of `keepExecutionId`. */
  async deleteRows(instanceId: string, keepExecutionId?: string): Promise<void> {
    const rows = await this.storage.listPartition(this.storage.history, instanceId);
    const doomed = rows.filter((r) => !keepExecutionId || !r.rowKey.startsWith(`${keepExecutionId}.`));
    for (const row of doomed) await this.storage.deleteBlob(row.EventBlob);
    await this.storage.submitBatched(
      this.storage.history,
      doomed.map((r): TransactionAction => ['delete', { partitionKey: r.partitionKey, rowKey: r.rowKey }]),
    );
  }
}
