import { DevHostError, toError } from '../errors';
import type { FunctionRegistry } from '../functionRegistry';
import type { HostLog } from '../hostLog';
import { invokeFunction } from '../invokeFunction';
import { fromTypedData } from '../typedData';
import { EventType, newEvent, type HistoryEvent, type TaskPurpose } from './historyEvents';
import type { OutboundMessage } from './messages';
import type { OrchestrationRuntime } from './orchestrationRuntime';
import { readExecutorState, type OpenTask, type SdkAction } from './readExecutorState';
import { retryDelayMs } from './retryDelay';

/** ReplaySchema.V3 in durable-functions: compound actions, one flat action list per episode. */
const REPLAY_SCHEMA_V3 = 2;
const OUT_OF_PROC_LABEL = '\n\n$OutOfProcData$:';

/** durable-functions `ActionType` values (actions/ActionType.ts). */
const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
} as const;

interface SdkOrchestratorState {
  isDone?: boolean;
  actions?: unknown[][];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
}

/**
 * Timers longer than `maximumShortTimerDuration` run as legs of `longRunningTimerIntervalDuration`
 * (the Azure Storage provider's limits: 6 and 3 days, from queue visibility's 7-day cap). Tests may
 * shorten both with DEVHOST_MAX_SHORT_TIMER / DEVHOST_LONG_TIMER_INTERVAL (ISO 8601 durations).
 */
const timerLimits = {
  maximumShortTimerDuration: process.env.DEVHOST_MAX_SHORT_TIMER || 'P6D',
  longRunningTimerIntervalDuration: process.env.DEVHOST_LONG_TIMER_INTERVAL || 'P3D',
};

export interface EpisodeOutcome {
  /** Events this episode adds after its inputs: scheduled tasks, then OrchestratorCompleted (and ExecutionCompleted). */
  appended: HistoryEvent[];
  messages: OutboundMessage[];
  result:
    | { kind: 'running' }
    | { kind: 'completed'; output: string }
    | { kind: 'failed'; message: string; details: string }
    | { kind: 'continuedAsNew'; input?: string };
  customStatus?: string;
}

/** A JSON text of an SDK action input; the SDK pre-stringifies string inputs (`Utils.processInput`). */
function inputText(input: unknown, preStringified: boolean): string | undefined {
  if (input === undefined) return undefined;
  return preStringified && typeof input === 'string' ? input : JSON.stringify(input);
}

function flatten(actions: unknown[]): SdkAction[] {
  const out: SdkAction[] = [];
  for (const action of actions as (SdkAction & { compoundActions?: unknown[] })[]) {
    if (Array.isArray(action.compoundActions)) out.push(...flatten(action.compoundActions));
    else out.push(action);
  }
  return out;
}

function signatureOf(action: SdkAction): string {
  switch (action.actionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry:
      return `activity:${action.functionName ?? ''}`;
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry:
      return `subOrchestration:${action.functionName ?? ''}`;
    case ActionType.CreateTimer:
      return 'timer';
    default:
      return `action:${action.actionType}`;
  }
}

interface Invocation {
  state: SdkOrchestratorState;
  failure?: { message: string; details: string };
  invocationContext?: unknown;
}

/**
 * Invokes the orchestrator function with the binding the Durable extension sends out-of-process
 * workers. A failing orchestrator throws `OrchestrationFailureError`, whose message carries the
 * SDK's state after `$OutOfProcData$:`; the user's error is that state's `error`.
 */
async function invokeOrchestrator(registry: FunctionRegistry, log: HostLog, runtime: OrchestrationRuntime, newEvents: HistoryEvent[]): Promise<Invocation> {
  const record = runtime.record;
  const fn = registry.get(record.name);
  const binding = {
    history: [...runtime.events.map((e) => ({ ...e, IsPlayed: true })), ...newEvents.map((e) => ({ ...e, IsPlayed: false }))],
    input: record.input === undefined ? undefined : (JSON.parse(record.input) as unknown),
    instanceId: record.instanceId,
    isReplaying: runtime.events.length > 0,
    parentInstanceId: record.parent?.instanceId,
    upperSchemaVersion: REPLAY_SCHEMA_V3,
    upperSchemaVersionNew: REPLAY_SCHEMA_V3,
    maximumShortTimerDuration: timerLimits.maximumShortTimerDuration,
    longRunningTimerIntervalDuration: timerLimits.longRunningTimerIntervalDuration,
    defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
  };
  try {
    const { response, context } = await invokeFunction(
      registry,
      fn,
      {
        inputData: [{ name: fn.trigger.name, data: { json: JSON.stringify(binding) } }],
      },
      log,
    );
    return { state: fromTypedData(response.returnValue) ?? {}, invocationContext: context };
  } catch (thrown) {
    const error = toError(thrown);
    const at = error.message.indexOf(OUT_OF_PROC_LABEL);
    const state = at >= 0 ? (JSON.parse(error.message.slice(at + OUT_OF_PROC_LABEL.length)) as SdkOrchestratorState) : {};
    const message = state.error ?? (at >= 0 ? error.message.slice(0, at) : error.message);
    return { state, failure: { message: `Orchestrator function '${record.name}' failed: ${message}`, details: error.stack ?? message } };
  }
}

/** Runs the orchestrator once over its history plus `newEvents`, through the library and the SDK. */
export async function runEpisode(registry: FunctionRegistry, log: HostLog, runtime: OrchestrationRuntime, newEvents: HistoryEvent[]): Promise<EpisodeOutcome> {
  const { state, failure, invocationContext } = await invokeOrchestrator(registry, log, runtime, newEvents);
  const customStatus = state.customStatus === undefined ? undefined : JSON.stringify(state.customStatus);
  const completed = newEvent(EventType.OrchestratorCompleted);
  if (failure) return { appended: [completed], messages: [], result: { kind: 'failed', ...failure }, customStatus };
  const flat = flatten(state.actions?.[0] ?? []);
  checkDeterminism(runtime, flat, state.isDone === true);
  const continueAsNew = flat.find((a) => a.actionType === ActionType.ContinueAsNew);
  if (continueAsNew) {
    return { appended: [completed], messages: [], result: { kind: 'continuedAsNew', input: inputText(continueAsNew.input, true) }, customStatus };
  }
  if (state.isDone) {
    return { appended: [completed], messages: [], result: { kind: 'completed', output: JSON.stringify(state.output ?? null) }, customStatus };
  }
  // New tasks are those the SDK numbered at or past the host's next id, in id order.
  const appended: HistoryEvent[] = [];
  const messages: OutboundMessage[] = [];
  for (const task of readExecutorState(invocationContext).openTasks) {
    if (task.id >= runtime.nextEventId) schedule(runtime, task, appended, messages);
  }
  appended.push(completed);
  return { appended, messages, result: { kind: 'running' }, customStatus };
}

/**
 * The SDK does not compare replayed actions with history; the host does, so a changed orchestrator
 * fails clearly instead of hanging, or silently taking one task's result for another. The V3 action
 * list holds every action of the execution in yield order, where a `Task.any`/`Task.all` may repeat
 * tasks yielded before; walking it, each action must either be the next task history recorded or
 * repeat one already matched.
 */
function checkDeterminism(runtime: OrchestrationRuntime, actions: SdkAction[], done: boolean): void {
  const recorded = runtime.scheduled;
  const matched = new Set<string>();
  let next = 0;
  for (const action of actions) {
    if (action.actionType === ActionType.WaitForExternalEvent || action.actionType === ActionType.ContinueAsNew) continue;
    if (next >= recorded.length) break;
    const signature = signatureOf(action);
    if (recorded[next] === signature) {
      matched.add(signature);
      next++;
    } else if (!matched.has(signature)) {
      throw nonDeterministic(runtime, next, recorded[next]!, signature);
    }
  }
  if (!done && next < recorded.length) throw nonDeterministic(runtime, next, recorded[next]!, 'nothing');
}

function nonDeterministic(runtime: OrchestrationRuntime, index: number, expected: string, found: string): DevHostError {
  return new DevHostError(
    'DEVHOST_NON_DETERMINISTIC',
    `Non-deterministic orchestrator '${runtime.record.name}' (instance ${runtime.record.instanceId}): history has scheduled task #${index} as ${expected}, but the replay produced ${found}.`,
  );
}

function schedule(runtime: OrchestrationRuntime, task: OpenTask, appended: HistoryEvent[], messages: OutboundMessage[]): void {
  if (task.retry) {
    if (task.retry.waitingOnTimer) {
      // Past the last attempt the SDK fails the task when this timer fires, so fire it at once.
      const exhausted = task.retry.attemptNumber > task.retry.options.maxNumberOfAttempts;
      const fireAt = new Date(Date.now() + (exhausted ? 0 : retryDelayMs(task.retry.options, task.retry.attemptNumber - 1)));
      scheduleTimer(runtime, task.id, fireAt, 'retry', appended, messages);
      return;
    }
    scheduleAction(runtime, task.id, task.retry.action, 'retry', appended, messages);
    return;
  }
  if (!task.action) {
    throw new DevHostError('DEVHOST_BAD_ORCHESTRATOR_STATE', `Task ${task.id} of ${runtime.record.instanceId} has no action.`);
  }
  scheduleAction(runtime, task.id, task.action, task.longTimerLeg ? 'longTimer' : undefined, appended, messages);
}

function scheduleTimer(
  runtime: OrchestrationRuntime,
  id: number,
  fireAt: Date,
  purpose: TaskPurpose | undefined,
  appended: HistoryEvent[],
  messages: OutboundMessage[],
): void {
  const { instanceId, executionId } = runtime.record;
  appended.push(newEvent(EventType.TimerCreated, { EventId: id, FireAt: fireAt.toISOString(), Purpose: purpose }));
  const fired = newEvent(EventType.TimerFired, { TimerId: id, FireAt: fireAt.toISOString() });
  messages.push({ kind: 'control', body: { instanceId, executionId, events: [fired] }, delayMs: fireAt.getTime() - Date.now() });
}

function scheduleAction(
  runtime: OrchestrationRuntime,
  id: number,
  action: SdkAction,
  purpose: TaskPurpose | undefined,
  appended: HistoryEvent[],
  messages: OutboundMessage[],
): void {
  const { instanceId, executionId } = runtime.record;
  switch (action.actionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry: {
      const name = action.functionName ?? '';
      const input = inputText(action.input, true);
      appended.push(newEvent(EventType.TaskScheduled, { EventId: id, Name: name, Input: input, Purpose: purpose }));
      messages.push({ kind: 'workItem', body: { instanceId, executionId, tasks: [{ taskId: id, name, input }] } });
      return;
    }
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry: {
      const name = action.functionName ?? '';
      const childId = action.instanceId ?? `${instanceId}:${String(id).padStart(4, '0')}`;
      const input = inputText(action.input, false);
      appended.push(newEvent(EventType.SubOrchestrationInstanceCreated, { EventId: id, Name: name, InstanceId: childId, Input: input, Purpose: purpose }));
      const started = newEvent(EventType.ExecutionStarted, {
        Name: name,
        Input: input,
        ParentInstance: { InstanceId: instanceId, ExecutionId: executionId, TaskScheduledId: id },
        OrchestrationInstance: { InstanceId: childId, ExecutionId: `${executionId}x${id}` },
      });
      messages.push({ kind: 'control', body: { instanceId: childId, events: [started] } });
      return;
    }
    case ActionType.CreateTimer: {
      const fireAt = action.fireAt instanceof Date ? action.fireAt : new Date(String(action.fireAt));
      scheduleTimer(runtime, id, fireAt, purpose, appended, messages);
      return;
    }
    default:
      throw new DevHostError(
        'DEVHOST_BAD_ORCHESTRATOR_STATE',
        `Orchestrator '${runtime.record.name}' used action type ${action.actionType} (entities or durable HTTP), which this devhost does not run.`,
      );
  }
}
