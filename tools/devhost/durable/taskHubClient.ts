import { randomUUID } from 'node:crypto';
import { EventType, newEvent, type HistoryEvent } from './historyEvents';
import type { HistoryStore } from './historyStore';
import type { InstanceRecord, InstanceStore } from './instanceStore';
import type { MessageSender } from './messageSender';
import { isTerminal, type RuntimeStatus } from './runtimeStatus';

export interface InstanceFilter {
  runtimeStatus?: RuntimeStatus[];
  createdTimeFrom?: string;
  createdTimeTo?: string;
  instanceIdPrefix?: string;
}

export type ClientResult = 'accepted' | 'notFound' | 'gone' | 'conflict';

/**
 * What a durable client can do to a task hub (DurableTask.Core `TaskHubClient`): start, signal,
 * query and purge instances. Signals are control messages; the engine applies them in order.
 */
export class TaskHubClient {
  constructor(
    private readonly instances: InstanceStore,
    private readonly history: HistoryStore,
    private readonly sender: MessageSender,
    private readonly onPurged: (instanceId: string) => void,
  ) {}

  /** Writes the Pending row first, so a status query right after `startNew` finds the instance. */
  async start(name: string, instanceId: string | undefined, input: string | undefined): Promise<{ result: ClientResult; instanceId: string }> {
    const id = instanceId ?? randomUUID().replace(/-/g, '');
    const existing = await this.instances.read(id);
    if (existing && !isTerminal(existing.status)) return { result: 'conflict', instanceId: id };
    const now = new Date().toISOString();
    const executionId = randomUUID().replace(/-/g, '');
    await this.instances.write({ instanceId: id, name, executionId, status: 'Pending', input, createdTime: now, lastUpdatedTime: now });
    const started = newEvent(EventType.ExecutionStarted, { Name: name, Input: input, OrchestrationInstance: { InstanceId: id, ExecutionId: executionId } });
    await this.sender.sendControl({ instanceId: id, events: [started] });
    return { result: 'accepted', instanceId: id };
  }

  async raiseEvent(instanceId: string, eventName: string, data: string | undefined): Promise<ClientResult> {
    return this.signal(instanceId, newEvent(EventType.EventRaised, { Name: eventName, Input: data }));
  }

  async terminate(instanceId: string, reason: string): Promise<ClientResult> {
    return this.signal(instanceId, newEvent(EventType.ExecutionTerminated, { Input: reason }));
  }

  async suspend(instanceId: string, reason: string): Promise<ClientResult> {
    return this.signal(instanceId, newEvent(EventType.ExecutionSuspended, { Reason: reason }));
  }

  async resume(instanceId: string, reason: string): Promise<ClientResult> {
    return this.signal(instanceId, newEvent(EventType.ExecutionResumed, { Reason: reason }));
  }

  async read(instanceId: string): Promise<InstanceRecord | undefined> {
    return this.instances.read(instanceId);
  }

  async readHistory(record: InstanceRecord): Promise<HistoryEvent[]> {
    return this.history.readExecution(record.instanceId, record.executionId);
  }

  async query(filter: InstanceFilter): Promise<InstanceRecord[]> {
    const all = await this.instances.query(undefined);
    return all.filter(
      (r) =>
        (!filter.runtimeStatus?.length || filter.runtimeStatus.includes(r.status)) &&
        (!filter.createdTimeFrom || r.createdTime >= filter.createdTimeFrom) &&
        (!filter.createdTimeTo || r.createdTime <= filter.createdTimeTo) &&
        (!filter.instanceIdPrefix || r.instanceId.startsWith(filter.instanceIdPrefix)),
    );
  }

  /** Deletes a finished instance's row and history; running instances are not purged (as DTFx). */
  async purge(instanceId: string): Promise<number> {
    const record = await this.instances.read(instanceId);
    if (!record || !isTerminal(record.status)) return 0;
    await this.history.deleteRows(instanceId);
    await this.instances.delete(instanceId);
    this.onPurged(instanceId);
    return 1;
  }

  async purgeBy(filter: InstanceFilter): Promise<number> {
    const terminal: RuntimeStatus[] = ['Completed', 'Failed', 'Terminated'];
    const statuses = filter.runtimeStatus?.length ? filter.runtimeStatus.filter((s) => terminal.includes(s)) : terminal;
    let deleted = 0;
    for (const record of await this.query({ ...filter, runtimeStatus: statuses })) deleted += await this.purge(record.instanceId);
    return deleted;
  }

  private async signal(instanceId: string, event: HistoryEvent): Promise<ClientResult> {
    const record = await this.instances.read(instanceId);
    if (!record) return 'notFound';
    if (isTerminal(record.status)) return 'gone';
    await this.sender.sendControl({ instanceId, events: [{ ...event, SignalId: randomUUID() }] });
    return 'accepted';
  }
}
