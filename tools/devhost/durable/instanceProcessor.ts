import { randomUUID } from 'node:crypto';
import { toError } from '../errors';
import { EventType, newEvent, type HistoryEvent } from './historyEvents';
import type { ControlMessage, OutboundMessage } from './messages';
import { OrchestrationRuntime } from './orchestrationRuntime';
import type { OrchestrationWorkerDeps } from './orchestrationWorker';
import { runEpisode, type EpisodeOutcome } from './runEpisode';
import { isTerminal } from './runtimeStatus';

const MAX_CACHED_INSTANCES = 500;

/**
 * Applies one batch of control messages to one instance: loads (or reuses from memory) its history,
 * appends the new events, lets the SDK replay, then persists in a crash-safe order: outbound
 * messages first, then history (entity-group transactions), then the instance row. A crash anywhere
 * redoes the batch; duplicates are dropped by task id and signal id.
 */
export class InstanceProcessor {
  private readonly cache = new Map<string, OrchestrationRuntime>();

  constructor(private readonly deps: OrchestrationWorkerDeps) {}

  evict(instanceId: string): void {
    this.cache.delete(instanceId);
  }

  private async load(instanceId: string): Promise<OrchestrationRuntime | undefined> {
    const cached = this.cache.get(instanceId);
    if (cached) return cached;
    const record = await this.deps.instances.read(instanceId);
    if (!record) return undefined;
    const events = await this.deps.history.readExecution(instanceId, record.executionId);
    // Only committed history counts (see InstanceRecord.historyCount).
    return OrchestrationRuntime.fromHistory(record, events.slice(0, record.historyCount ?? 0));
  }

  async process(instanceId: string, messages: ControlMessage[]): Promise<'done' | 'deferred'> {
    let runtime = await this.load(instanceId);
    const starts = messages.some((m) => m.events.some((e) => e.EventType === EventType.ExecutionStarted));
    if (runtime && runtime.events.length === 0 && !starts) return 'deferred';
    let startedFresh = false;
    const newEvents: HistoryEvent[] = [];
    const outbound: OutboundMessage[] = [];
    for (const message of messages) {
      for (const event of message.events) {
        if (event.EventType === EventType.ExecutionStarted) {
          // A running instance ignores a second start; a finished one starts over (as DTFx allows).
          if (runtime && runtime.events.length > 0 && !isTerminal(runtime.record.status)) continue;
          // The same start sent again (a parent's redone episode) does not re-run a finished child.
          if (runtime && runtime.events.length > 0 && event.OrchestrationInstance?.ExecutionId === runtime.record.executionId) continue;
          const created = runtime && runtime.events.length === 0 ? runtime.record : undefined;
          runtime = this.newExecution(instanceId, event, created);
          startedFresh = true;
          newEvents.push(event);
          continue;
        }
        if (!runtime || isTerminal(runtime.record.status)) continue;
        if (message.executionId && message.executionId !== runtime.record.executionId) continue;
        if (event.EventType === EventType.TimerFired && event.FireAt && Date.parse(event.FireAt) > Date.now() + 50) {
          // Queue visibility is capped at 7 days: a longer timer comes back early and is re-posted.
          outbound.push({ kind: 'control', body: { ...message, events: [event] }, delayMs: Date.parse(event.FireAt) - Date.now() });
          continue;
        }
        if (!runtime.accepts(event) || newEvents.some((e) => isDuplicate(e, event))) continue;
        newEvents.push(event);
      }
    }
    if (!runtime) {
      if (outbound.length > 0) await this.deps.sender.sendAll(outbound);
      this.deps.log.warn(`Dropping messages for unknown orchestration instance ${instanceId}.`);
      return 'done';
    }
    if (startedFresh) {
      await this.deps.history.deleteRows(instanceId);
      this.deps.log.info(`Orchestration ${runtime.record.name} (${instanceId}) started.`);
    }
    await this.advance(runtime, newEvents, outbound);
    return 'done';
  }

  /**
   * A new execution. Its id comes from the Pending row the client wrote, or from the start message,
   * so an episode redone after a crash gets the same id and its children still find their parent.
   */
  private newExecution(instanceId: string, started: HistoryEvent, pendingRow?: { executionId: string; createdTime: string }): OrchestrationRuntime {
    const now = new Date().toISOString();
    const parent = started.ParentInstance;
    return new OrchestrationRuntime({
      instanceId,
      name: started.Name ?? '',
      executionId: pendingRow?.executionId || started.OrchestrationInstance?.ExecutionId || randomUUID().replace(/-/g, ''),
      status: 'Pending',
      input: started.Input,
      createdTime: pendingRow?.createdTime || now,
      lastUpdatedTime: now,
      parent: parent ? { instanceId: parent.InstanceId, executionId: parent.ExecutionId, taskId: parent.TaskScheduledId } : undefined,
    });
  }

  /** Applies new events, runs the orchestrator when it should run, and persists the result. */
  private async advance(runtime: OrchestrationRuntime, newEvents: HistoryEvent[], outbound: OutboundMessage[]): Promise<void> {
    if (newEvents.length === 0) {
      if (outbound.length > 0) await this.deps.sender.sendAll(outbound);
      return;
    }
    const terminated = newEvents.find((e) => e.EventType === EventType.ExecutionTerminated);
    if (terminated) {
      this.terminate(runtime, terminated, outbound);
    } else if (willBeSuspended(runtime, newEvents)) {
      // A suspended instance keeps its events in history; the orchestrator sees them on resume.
      for (const event of newEvents) runtime.apply(event);
      runtime.record.status = 'Suspended';
    } else {
      const episodeInput = [newEvent(EventType.OrchestratorStarted), ...newEvents];
      const outcome = await this.runSafely(runtime, episodeInput);
      for (const event of [...episodeInput, ...outcome.appended]) runtime.apply(event);
      outbound.push(...outcome.messages);
      if (outcome.customStatus !== undefined) runtime.record.customStatus = outcome.customStatus;
      if (outcome.result.kind === 'continuedAsNew') {
        await this.continueAsNew(runtime, outcome.result.input, outbound);
        return;
      }
      this.settle(runtime, outcome.result, outbound);
    }
    await this.persist(runtime, outbound);
  }

  /** Runs an episode; anything it throws (non-determinism, a missing function) fails the instance. */
  private async runSafely(runtime: OrchestrationRuntime, episodeInput: HistoryEvent[]): Promise<EpisodeOutcome> {
    try {
      return await runEpisode(this.deps.registry, this.deps.log, runtime, episodeInput);
    } catch (thrown) {
      const error = toError(thrown);
      return {
        appended: [newEvent(EventType.OrchestratorCompleted)],
        messages: [],
        result: { kind: 'failed', message: error.message, details: error.stack ?? error.message },
      };
    }
  }

  private terminate(runtime: OrchestrationRuntime, terminated: HistoryEvent, outbound: OutboundMessage[]): void {
    const output = JSON.stringify(terminated.Input ?? '');
    runtime.apply(newEvent(EventType.OrchestratorStarted));
    runtime.apply(terminated);
    runtime.apply(newEvent(EventType.ExecutionCompleted, { OrchestrationStatus: 'Terminated', Result: output }));
    this.finish(runtime, 'Terminated', output, outbound, { failed: `Orchestration '${runtime.record.name}' was terminated: ${terminated.Input ?? ''}` });
  }

  /** Records the end (or not) of an episode that did not continue as new. */
  private settle(runtime: OrchestrationRuntime, result: Exclude<EpisodeOutcome['result'], { kind: 'continuedAsNew' }>, outbound: OutboundMessage[]): void {
    const record = runtime.record;
    if (result.kind === 'running') {
      record.status = 'Running';
    } else if (result.kind === 'completed') {
      runtime.apply(newEvent(EventType.ExecutionCompleted, { OrchestrationStatus: 'Completed', Result: result.output }));
      this.finish(runtime, 'Completed', result.output, outbound);
      this.deps.log.info(`Orchestration ${record.name} (${record.instanceId}) completed.`);
    } else {
      const output = JSON.stringify(result.message);
      runtime.apply(newEvent(EventType.ExecutionCompleted, { OrchestrationStatus: 'Failed', Result: output }));
      this.finish(runtime, 'Failed', output, outbound, { failed: result.message, details: result.details });
      this.deps.log.error(`Orchestration ${record.name} (${record.instanceId}) failed: ${result.message}`);
    }
  }

  /**
   * Starts the next execution with the new input and runs its first episode. Only the new
   * execution's history is kept (continueAsNew exists to bound history); the old rows are deleted
   * after the new execution is stored, so a crash in between loses nothing.
   */
  private async continueAsNew(runtime: OrchestrationRuntime, input: string | undefined, outbound: OutboundMessage[]): Promise<void> {
    const record = runtime.record;
    await this.deps.sender.sendAll(outbound);
    const carried = newEvent(EventType.ExecutionStarted, { Name: record.name, Input: input });
    const next = this.newExecution(record.instanceId, carried);
    next.record.createdTime = record.createdTime;
    next.record.parent = record.parent;
    next.record.customStatus = record.customStatus;
    carried.OrchestrationInstance = { InstanceId: record.instanceId, ExecutionId: next.record.executionId };
    await this.advance(next, [carried], []);
    await this.deps.history.deleteRows(record.instanceId, next.record.executionId);
  }

  private finish(
    runtime: OrchestrationRuntime,
    status: 'Completed' | 'Failed' | 'Terminated',
    output: string,
    outbound: OutboundMessage[],
    failure?: { failed: string; details?: string },
  ): void {
    const record = runtime.record;
    record.status = status;
    record.output = output;
    const parent = record.parent;
    if (!parent) return;
    const event = failure
      ? newEvent(EventType.SubOrchestrationInstanceFailed, {
          TaskScheduledId: parent.taskId,
          Reason: failure.failed,
          Details: failure.details ?? failure.failed,
        })
      : newEvent(EventType.SubOrchestrationInstanceCompleted, { TaskScheduledId: parent.taskId, Result: output });
    outbound.push({ kind: 'control', body: { instanceId: parent.instanceId, executionId: parent.executionId, events: [event] } });
  }

  private async persist(runtime: OrchestrationRuntime, outbound: OutboundMessage[]): Promise<void> {
    const record = runtime.record;
    await this.deps.sender.sendAll(outbound);
    const fresh = runtime.events.slice(runtime.persistedCount);
    await this.deps.history.append(record.instanceId, record.executionId, runtime.persistedCount, fresh);
    runtime.persistedCount = runtime.events.length;
    record.historyCount = runtime.events.length;
    record.lastUpdatedTime = new Date().toISOString();
    await this.deps.instances.write(record);
    if (isTerminal(record.status)) {
      this.cache.delete(record.instanceId);
      return;
    }
    this.cache.delete(record.instanceId);
    this.cache.set(record.instanceId, runtime);
    if (this.cache.size > MAX_CACHED_INSTANCES) this.cache.delete(this.cache.keys().next().value!);
  }
}

/** Two events of one batch that are the same completion or the same client signal. */
function isDuplicate(a: HistoryEvent, b: HistoryEvent): boolean {
  if (a.SignalId !== undefined && a.SignalId === b.SignalId) return true;
  const ids = (e: HistoryEvent): number | undefined => e.TaskScheduledId ?? e.TimerId;
  return ids(a) !== undefined && ids(a) === ids(b);
}

/** Whether the instance is suspended once these events apply (the last suspend/resume wins). */
function willBeSuspended(runtime: OrchestrationRuntime, events: HistoryEvent[]): boolean {
  let suspended = runtime.suspended;
  for (const event of events) {
    if (event.EventType === EventType.ExecutionSuspended) suspended = true;
    else if (event.EventType === EventType.ExecutionResumed) suspended = false;
  }
  return suspended;
}
