import type { HistoryEvent } from './historyEvents';

/** A control-queue message: new history events for one execution of one instance. */
export interface ControlMessage {
  instanceId: string;
  /** Absent for a start (ExecutionStarted) and for client events that target whatever execution runs. */
  executionId?: string;
  events: HistoryEvent[];
}

/** One activity invocation. */
export interface ActivityTask {
  taskId: number;
  name: string;
  input?: string;
}

/**
 * A work-item message: activity invocations of one execution. DTFx sends one message per activity;
 * the devhost packs an episode's activities into few messages, since each queue operation costs a
 * round-trip to Azurite and a fan-out schedules hundreds at once.
 */
export interface WorkItemMessage {
  instanceId: string;
  executionId: string;
  tasks: ActivityTask[];
}

export type OutboundMessage = { kind: 'control'; body: ControlMessage; delayMs?: number } | { kind: 'workItem'; body: WorkItemMessage };

/** Activities per work-item message, and the size a message's tasks may reach before a new one starts. */
const MAX_TASKS_PER_MESSAGE = 50;
const MAX_TASK_TEXT_PER_MESSAGE = 40_000;

/** Packs the work items of one execution into as few messages as the limits allow. */
export function packWorkItems(messages: OutboundMessage[]): OutboundMessage[] {
  const out: OutboundMessage[] = [];
  const open = new Map<string, { body: WorkItemMessage; size: number }>();
  for (const message of messages) {
    if (message.kind !== 'workItem') {
      out.push(message);
      continue;
    }
    const { instanceId, executionId } = message.body;
    for (const task of message.body.tasks) {
      const key = `${instanceId}\u0000${executionId}`;
      const size = (task.input?.length ?? 0) + task.name.length + 40;
      let current = open.get(key);
      if (!current || current.body.tasks.length >= MAX_TASKS_PER_MESSAGE || current.size + size > MAX_TASK_TEXT_PER_MESSAGE) {
        current = { body: { instanceId, executionId, tasks: [] }, size: 0 };
        open.set(key, current);
        out.push({ kind: 'workItem', body: current.body });
      }
      current.body.tasks.push(task);
      current.size += size;
    }
  }
  return out;
}
