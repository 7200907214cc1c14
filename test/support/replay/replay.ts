import { DummyOrchestrationContext, type OrchestrationContext, type OrchestrationHandler, type Task } from 'durable-functions';
import { createOrchestrator } from 'durable-functions/lib/src/util/testingUtils';
import type { RecordedTask, ReplayHistory } from './historyBuilder';
import { ActionType, type ContinueAsNewAction, isCompound, isTaskAction, type OrchestratorAction, type TaskAction } from './orchestratorActions';

/** ReplaySchema.V3 (one flat action list per execution), as the Durable extension 2.x and tools/devhost send it. */
const REPLAY_SCHEMA_V3 = 2;
/** Where a failed orchestration's message carries the SDK's state (OrchestrationFailureError). */
const OUT_OF_PROC_LABEL = '$OutOfProcData$:';

export type Orchestrator<TOutput> = (context: OrchestrationContext) => Generator<Task, TOutput, unknown>;

/** The SDK's OrchestratorState after JSON, as the host receives it. */
export interface OrchestratorState<TOutput> {
  isDone: boolean;
  actions: OrchestratorAction[][];
  output?: TOutput;
  customStatus?: unknown;
  schemaVersion: number;
}

export interface ReplayResult<TOutput> {
  /** True once the orchestrator returned or continued as new. */
  isDone: boolean;
  output: TOutput | undefined;
  /** Every action of the execution in the order it was yielded (schema V3), `Task.any` as a compound action. */
  actions: OrchestratorAction[];
  /** The tasks this episode adds to those history records: taken out of `Task.any`/`Task.all`, each once, in task-id order. */
  scheduled: TaskAction[];
  /** The input the orchestration starts afresh with, when it continues as new. */
  continuedAsNew: { input: unknown } | undefined;
  customStatus: unknown;
  state: OrchestratorState<TOutput>;
}

/**
 * Replays `history` through the SDK, as the host does for one episode: the generator is wrapped by
 * `createOrchestrator` (what `df.app.orchestration` registers) and called with the orchestration
 * trigger's binding. The tasks history records must come back first and in order (the check the host
 * makes, so a history that no longer fits the orchestrator fails here rather than passing by luck).
 */
export async function replay<TOutput>(
  orchestrator: Orchestrator<TOutput>,
  history: ReplayHistory,
  options: { instanceId?: string; parentInstanceId?: string } = {},
): Promise<ReplayResult<TOutput>> {
  const handler = createOrchestrator(orchestrator as OrchestrationHandler);
  const binding = {
    // The SDK turns the events' Timestamps into Dates in place: give it its own copy.
    history: JSON.parse(JSON.stringify(history.events)) as unknown,
    input: history.input === undefined ? undefined : (JSON.parse(JSON.stringify(history.input)) as unknown),
    instanceId: options.instanceId ?? `${history.name}-instance`,
    parentInstanceId: options.parentInstanceId,
    isReplaying: history.events.some((event) => event.IsPlayed),
    upperSchemaVersion: REPLAY_SCHEMA_V3,
    upperSchemaVersionNew: REPLAY_SCHEMA_V3,
    maximumShortTimerDuration: '6.00:00:00',
    longRunningTimerIntervalDuration: '3.00:00:00',
    defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
  };
  const context = new DummyOrchestrationContext(history.name, `replay-${history.name}`, () => undefined);
  let raw: { actions: unknown[][] };
  try {
    raw = (await handler(binding, context)) as { actions: unknown[][] };
  } catch (error) {
    throw new Error(`${history.name} failed on replay: ${failureOf(error)}`);
  }
  const rawActions = (raw.actions[0] ?? []) as OrchestratorAction[];
  const tasks = uniqueTasks(rawActions);
  checkRecorded(history, tasks);
  const state = JSON.parse(JSON.stringify(raw)) as OrchestratorState<TOutput>;
  const actions = state.actions[0] ?? [];
  const continued = actions.find((action): action is ContinueAsNewAction => action.actionType === ActionType.ContinueAsNew);
  return {
    isDone: state.isDone,
    output: state.output,
    actions,
    scheduled: JSON.parse(JSON.stringify(tasks.slice(history.recorded.length))) as TaskAction[],
    continuedAsNew: continued ? { input: continued.input } : undefined,
    customStatus: state.customStatus,
    state,
  };
}

/** The task actions in yield order, out of compound actions; a task a later `Task.any` repeats counts once. */
function uniqueTasks(actions: readonly OrchestratorAction[]): TaskAction[] {
  const seen = new Set<OrchestratorAction>();
  const out: TaskAction[] = [];
  const visit = (action: OrchestratorAction) => {
    if (isCompound(action)) {
      action.compoundActions.forEach(visit);
    } else if (isTaskAction(action) && !seen.has(action)) {
      seen.add(action);
      out.push(action);
    }
  };
  actions.forEach(visit);
  return out;
}

function checkRecorded(history: ReplayHistory, tasks: readonly TaskAction[]): void {
  history.recorded.forEach((recorded, index) => {
    const action = tasks[index];
    if (!action || !matches(recorded, action)) {
      throw new Error(
        `Non-deterministic replay of ${history.name}: history records task #${index} as ${describeRecorded(recorded)}, ` +
          `but the orchestrator scheduled ${action ? describeAction(action) : 'nothing'}.`,
      );
    }
  });
}

function matches(recorded: RecordedTask, action: TaskAction): boolean {
  switch (recorded.kind) {
    case 'activity':
      return (action.actionType === ActionType.CallActivity || action.actionType === ActionType.CallActivityWithRetry) && action.functionName === recorded.name;
    case 'subOrchestration':
      return (
        (action.actionType === ActionType.CallSubOrchestrator || action.actionType === ActionType.CallSubOrchestratorWithRetry) &&
        action.functionName === recorded.name &&
        action.instanceId === recorded.instanceId
      );
    case 'timer':
      return action.actionType === ActionType.CreateTimer && new Date(action.fireAt).toISOString() === recorded.fireAt;
  }
}

function describeRecorded(recorded: RecordedTask): string {
  switch (recorded.kind) {
    case 'activity':
      return `activity ${recorded.name}`;
    case 'subOrchestration':
      return `sub-orchestration ${recorded.name} (${recorded.instanceId})`;
    case 'timer':
      return `timer at ${recorded.fireAt}`;
  }
}

function describeAction(action: TaskAction): string {
  switch (action.actionType) {
    case ActionType.CallActivity:
    case ActionType.CallActivityWithRetry:
      return `activity ${action.functionName}`;
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry:
      return `sub-orchestration ${action.functionName} (${action.instanceId ?? 'no id'})`;
    case ActionType.CreateTimer:
      return `timer at ${new Date(action.fireAt).toISOString()}`;
  }
}

/** The orchestrator's own error out of the SDK's OrchestrationFailureError. */
function failureOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const at = message.indexOf(OUT_OF_PROC_LABEL);
  if (at < 0) return message;
  const state = JSON.parse(message.slice(at + OUT_OF_PROC_LABEL.length)) as { error?: string };
  return state.error ?? message.slice(0, at).trim();
}
