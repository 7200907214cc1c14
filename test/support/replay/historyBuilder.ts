import { type HistoryEvent, HistoryEventType } from './historyEvents';
import type { RetryPolicy } from './orchestratorActions';

/** A moment, as ISO text or a Date. */
export type Instant = string | Date;

/** A task the orchestrator scheduled, by the id the SDK gave it (its position among the tasks it tracks). */
export interface TaskRef {
  readonly id: number;
  readonly kind: RecordedTask['kind'];
  /** The activity's or sub-orchestration's name. */
  readonly name?: string;
}

/**
 * A task history records as the orchestrator's own (a retry's timers and re-runs are the SDK's, and
 * are not listed): what the replay must schedule again, in the same order.
 */
export type RecordedTask =
  { kind: 'activity'; name: string } | { kind: 'subOrchestration'; name: string; instanceId: string } | { kind: 'timer'; fireAt: string };

/** A built history: what the extension hands the SDK for one episode. */
export interface ReplayHistory {
  readonly name: string;
  readonly input: unknown;
  readonly events: readonly HistoryEvent[];
  readonly recorded: readonly RecordedTask[];
  /** The orchestration's clock in the episode replayed: its last OrchestratorStarted. */
  readonly now: string;
}

type Draft = Omit<HistoryEvent, 'IsPlayed'>;

const toIso = (at: Instant) => new Date(at).toISOString();

/**
 * Writes an orchestration's history the way the Durable extension records it, one episode after the
 * other: an episode starts (OrchestratorStarted), brings what happened since (completions, fired timers,
 * raised events), and ends with the tasks the orchestrator scheduled (TaskScheduled, TimerCreated,
 * SubOrchestrationInstanceCreated) and OrchestratorCompleted. Task ids are given in the order the SDK
 * numbers them. `build()` gives the history up to the episode a test replays: its events are the new ones.
 *
 *     const history = new HistoryBuilder('mailboxMigration', input, '2026-01-05T09:00:00Z');
 *     history.activity('startMailbox', { ok: true });           // scheduled, then completed in the next episode
 *     const result = await replay(mailboxMigration, history.build());
 */
export class HistoryBuilder {
  private readonly events: Draft[] = [];
  private readonly recorded: RecordedTask[] = [];
  private nextTaskId = 0;
  private clock: Date;

  constructor(
    private readonly name: string,
    private readonly input: unknown,
    startedAt: Instant,
  ) {
    this.clock = new Date(toIso(startedAt));
    this.push(HistoryEventType.OrchestratorStarted);
    this.push(HistoryEventType.ExecutionStarted, { Name: name, Input: JSON.stringify(input) });
  }

  /** The orchestration's clock in the current episode (what `context.df.currentUtcDateTime` reads). */
  get now(): string {
    return this.clock.toISOString();
  }

  /** The current episode's time plus some milliseconds, as ISO text. */
  later(milliseconds: number): string {
    return new Date(this.clock.getTime() + milliseconds).toISOString();
  }

  // The orchestrator's decisions in the current episode, as the host records them.

  scheduleActivity(name: string, input?: unknown): TaskRef {
    this.recorded.push({ kind: 'activity', name });
    return this.taskScheduled(name, input);
  }

  createSubOrchestration(name: string, instanceId: string, input?: unknown): TaskRef {
    const id = this.nextTaskId++;
    this.recorded.push({ kind: 'subOrchestration', name, instanceId });
    this.push(HistoryEventType.SubOrchestrationInstanceCreated, {
      EventId: id,
      Name: name,
      InstanceId: instanceId,
      ...(input === undefined ? {} : { Input: JSON.stringify(input) }),
    });
    return { id, kind: 'subOrchestration', name };
  }

  createTimer(fireAt: Instant): TaskRef {
    this.recorded.push({ kind: 'timer', fireAt: toIso(fireAt) });
    return this.timerCreated(fireAt);
  }

  /** Ends the episode and starts the next one at `at` (a second later unless told). */
  nextEpisode(at: Instant = this.later(1_000)): this {
    this.push(HistoryEventType.OrchestratorCompleted);
    this.clock = new Date(toIso(at));
    this.push(HistoryEventType.OrchestratorStarted);
    return this;
  }

  // What happened since the last episode.

  completeActivity(task: TaskRef, result: unknown): this {
    this.push(HistoryEventType.TaskCompleted, { TaskScheduledId: task.id, ...resultField(result) });
    return this;
  }

  /** An activity that threw `message`, as the host reports it once the function failed. */
  failActivity(task: TaskRef, message: string): this {
    this.push(HistoryEventType.TaskFailed, {
      TaskScheduledId: task.id,
      Reason: `Activity function '${task.name ?? ''}' failed: ${message}`,
      Details: `Error: ${message}\n    at ${task.name ?? 'activity'} (activity.js:1:1)`,
    });
    return this;
  }

  completeSubOrchestration(task: TaskRef, output: unknown): this {
    this.push(HistoryEventType.SubOrchestrationInstanceCompleted, { TaskScheduledId: task.id, ...resultField(output) });
    return this;
  }

  /** A sub-orchestration that failed (the orchestrator threw): the parent's task fails with its message. */
  failSubOrchestration(task: TaskRef, message: string): this {
    this.push(HistoryEventType.SubOrchestrationInstanceFailed, {
      TaskScheduledId: task.id,
      Reason: `Orchestrator function '${task.name ?? ''}' failed: ${message}`,
      Details: `Error: ${message}`,
    });
    return this;
  }

  fireTimer(task: TaskRef, fireAt: Instant = this.clock): this {
    this.push(HistoryEventType.TimerFired, { TimerId: task.id, FireAt: toIso(fireAt) });
    return this;
  }

  raiseEvent(name: string, input?: unknown): this {
    this.push(HistoryEventType.EventRaised, { Name: name, ...(input === undefined ? {} : { Input: JSON.stringify(input) }) });
    return this;
  }

  // Shorthands for an orchestrator that waits on one task at a time.

  /** The orchestrator calls an activity; it answers `result` in the next episode. */
  activity(name: string, result: unknown, options: { input?: unknown; at?: Instant } = {}): TaskRef {
    const task = this.scheduleActivity(name, options.input);
    this.nextEpisode(options.at);
    this.completeActivity(task, result);
    return task;
  }

  /** The orchestrator waits on a durable timer; the next episode starts when it fires. */
  timer(fireAt: Instant): TaskRef {
    const task = this.createTimer(fireAt);
    this.nextEpisode(fireAt);
    this.fireTimer(task, fireAt);
    return task;
  }

  /**
   * An activity called with a retry policy, that throws `failures` (one message per attempt) and then
   * answers `result`; with as many failures as the policy has attempts, the task fails for good. The
   * SDK runs the policy itself: after each failure it waits on a timer of its own and schedules the
   * activity again (both take task ids); after the last attempt it waits once more, then fails the task.
   * Only the first TaskScheduled is the orchestrator's own.
   */
  activityWithRetries(name: string, retry: RetryPolicy, failures: readonly string[], result?: unknown): TaskRef {
    const first = this.scheduleActivity(name);
    let attempt: TaskRef = first;
    for (const [index, message] of failures.entries()) {
      const failed = index + 1;
      this.nextEpisode();
      this.failActivity(attempt, message);
      const exhausted = failed >= retry.maxNumberOfAttempts;
      const delay = exhausted ? 0 : retry.firstRetryIntervalInMilliseconds * Math.pow(retry.backoffCoefficient ?? 1, failed - 1);
      const fireAt = this.later(delay);
      const retryTimer = this.timerCreated(fireAt);
      this.nextEpisode(fireAt);
      this.fireTimer(retryTimer, fireAt);
      if (exhausted) return first;
      attempt = this.taskScheduled(name, undefined);
    }
    this.nextEpisode();
    this.completeActivity(attempt, result);
    return first;
  }

  /** An activity that throws `message` on every attempt its retry policy allows. */
  activityFailingEveryAttempt(name: string, retry: RetryPolicy, message: string): TaskRef {
    return this.activityWithRetries(
      name,
      retry,
      Array.from({ length: retry.maxNumberOfAttempts }, () => message),
    );
  }

  /** The history so far; events after its last OrchestratorStarted are the new ones (not yet played). */
  build(): ReplayHistory {
    let lastStarted = -1;
    this.events.forEach((event, index) => {
      if (event.EventType === HistoryEventType.OrchestratorStarted) lastStarted = index;
    });
    return {
      name: this.name,
      input: this.input,
      events: this.events.map((event, index) => ({ ...event, IsPlayed: index < lastStarted })),
      recorded: [...this.recorded],
      now: this.now,
    };
  }

  private taskScheduled(name: string, input: unknown): TaskRef {
    const id = this.nextTaskId++;
    this.push(HistoryEventType.TaskScheduled, { EventId: id, Name: name, ...(input === undefined ? {} : { Input: JSON.stringify(input) }) });
    return { id, kind: 'activity', name };
  }

  private timerCreated(fireAt: Instant): TaskRef {
    const id = this.nextTaskId++;
    this.push(HistoryEventType.TimerCreated, { EventId: id, FireAt: toIso(fireAt) });
    return { id, kind: 'timer' };
  }

  private push(type: HistoryEventType, fields: Partial<Draft> = {}): void {
    this.events.push({ EventType: type, EventId: -1, Timestamp: this.now, ...fields });
  }
}

/** A result as the host stores it: JSON text, `null` for an activity that returns nothing. */
function resultField(result: unknown): { Result: string } {
  return { Result: JSON.stringify(result ?? null) };
}
