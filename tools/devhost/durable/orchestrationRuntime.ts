import { completedTaskId, EventType, type HistoryEvent } from './historyEvents';
import type { InstanceRecord } from './instanceStore';

/** A task the orchestrator is waiting for; `signature` is checked against the SDK on every replay. */
export interface PendingTask {
  kind: 'activity' | 'timer' | 'subOrchestration' | 'internal';
  signature: string;
}

/**
 * The in-memory state of one orchestration execution: its history and what follows from it
 * (pending tasks, the next task id, suspension). Built by folding history, so a restarted host
 * rebuilds exactly what the crashed one had.
 */
export class OrchestrationRuntime {
  readonly events: HistoryEvent[] = [];
  readonly pending = new Map<number, PendingTask>();
  /** Signatures of the tasks the orchestrator scheduled itself, in task-id order (SDK-internal tasks excluded). */
  readonly scheduled: string[] = [];
  private readonly signals = new Set<string>();
  nextEventId = 0;
  suspended = false;
  /** How many of `events` are already in the history table. */
  persistedCount = 0;

  constructor(public record: InstanceRecord) {}

  static fromHistory(record: InstanceRecord, events: HistoryEvent[]): OrchestrationRuntime {
    const runtime = new OrchestrationRuntime(record);
    for (const event of events) runtime.apply(event);
    runtime.persistedCount = events.length;
    return runtime;
  }

  apply(event: HistoryEvent): void {
    this.events.push(event);
    if (event.SignalId) this.signals.add(event.SignalId);
    const id = event.EventId;
    switch (event.EventType) {
      case EventType.TaskScheduled:
        this.track(id, event.Purpose ? 'internal' : 'activity', `activity:${event.Name ?? ''}`);
        break;
      case EventType.TimerCreated:
        this.track(id, event.Purpose ? 'internal' : 'timer', 'timer');
        break;
      case EventType.SubOrchestrationInstanceCreated:
        this.track(id, event.Purpose ? 'internal' : 'subOrchestration', `subOrchestration:${event.Name ?? ''}`);
        break;
      case EventType.ExecutionSuspended:
        this.suspended = true;
        break;
      case EventType.ExecutionResumed:
        this.suspended = false;
        break;
      default: {
        const taskId = completedTaskId(event);
        if (taskId !== undefined) this.pending.delete(taskId);
      }
    }
  }

  /** True when an event is new: a completion of a task still awaited, or a signal not yet applied. */
  accepts(event: HistoryEvent): boolean {
    if (event.SignalId && this.signals.has(event.SignalId)) return false;
    const taskId = completedTaskId(event);
    return taskId === undefined || this.pending.has(taskId);
  }

  private track(id: number, kind: PendingTask['kind'], signature: string): void {
    this.pending.set(id, { kind, signature });
    if (kind !== 'internal') this.scheduled.push(signature);
    this.nextEventId = Math.max(this.nextEventId, id + 1);
  }
}
