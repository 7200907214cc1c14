/**
 * History events in the JSON shape the Durable Functions extension hands to out-of-process SDKs
 * (DurableTask.Core `HistoryEvent` serialised with PascalCase names). `durable-functions` reads
 * `EventType`, `EventId`, `IsPlayed`, `Timestamp` and the per-type fields below.
 */
export enum EventType {
  ExecutionStarted = 0,
  ExecutionCompleted = 1,
  ExecutionFailed = 2,
  ExecutionTerminated = 3,
  TaskScheduled = 4,
  TaskCompleted = 5,
  TaskFailed = 6,
  SubOrchestrationInstanceCreated = 7,
  SubOrchestrationInstanceCompleted = 8,
  SubOrchestrationInstanceFailed = 9,
  TimerCreated = 10,
  TimerFired = 11,
  OrchestratorStarted = 12,
  OrchestratorCompleted = 13,
  EventSent = 14,
  EventRaised = 15,
  ContinueAsNew = 16,
  ExecutionSuspended = 19,
  ExecutionResumed = 20,
}

export interface HistoryEvent {
  EventType: EventType;
  EventId: number;
  Timestamp: string;
  IsPlayed?: boolean;
  Name?: string;
  Input?: string;
  Result?: string;
  Reason?: string;
  Details?: string;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  InstanceId?: string;
  OrchestrationStatus?: string;
  ParentInstance?: { InstanceId: string; TaskScheduledId: number; ExecutionId: string };
  OrchestrationInstance?: { InstanceId: string; ExecutionId: string };
  /**
   * Devhost bookkeeping the SDK ignores: a task the SDK numbered for itself rather than for a
   * yielded action (a retry's timer or re-run, a long timer's next leg). Such tasks are not in the
   * action list, so the determinism check skips them.
   */
  Purpose?: TaskPurpose;
  /** Devhost bookkeeping: a client signal's unique id, so a redelivered signal is applied once. */
  SignalId?: string;
}

export type TaskPurpose = 'retry' | 'longTimer';

export function newEvent(type: EventType, fields: Partial<HistoryEvent> = {}, at = new Date()): HistoryEvent {
  return { EventType: type, EventId: -1, Timestamp: at.toISOString(), ...fields };
}

/** The task id a completion event answers, or undefined when the event completes no task. */
export function completedTaskId(event: HistoryEvent): number | undefined {
  switch (event.EventType) {
    case EventType.TaskCompleted:
    case EventType.TaskFailed:
    case EventType.SubOrchestrationInstanceCompleted:
    case EventType.SubOrchestrationInstanceFailed:
      return event.TaskScheduledId;
    case EventType.TimerFired:
      return event.TimerId;
    default:
      return undefined;
  }
}

/** Names the history event types, for the status API and logs. */
export function eventTypeName(type: EventType): string {
  return EventType[type] ?? String(type);
}
