import { DevHostError } from '../errors';

/** An action object as `durable-functions` builds it (`actions/*Action.ts`). */
export interface SdkAction {
  actionType: number;
  functionName?: string;
  input?: unknown;
  instanceId?: string;
  fireAt?: Date;
  retryOptions?: SdkRetryOptions;
}

export interface SdkRetryOptions {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

/** A task the SDK numbered and still waits for. `retry` is set for the no-op tasks of a retry loop. */
export interface OpenTask {
  id: number;
  action?: SdkAction;
  /** A later leg of a long timer: the SDK adds it without an action in the action list. */
  longTimerLeg?: boolean;
  retry?: { waitingOnTimer: boolean; attemptNumber: number; options: SdkRetryOptions; action: SdkAction };
}

interface SdkTask {
  id: number | string | false;
  actionObj?: unknown;
  parent?: {
    innerTask?: { actionObj?: unknown };
    retryOptions?: SdkRetryOptions;
    attemptNumber?: number;
    isWaitingOnTimer?: boolean;
    /** Set on LongTimerTask. */
    longRunningTimerIntervalDuration?: unknown;
    children?: unknown[];
  };
}

/**
 * Reads which task ids the SDK's replay executor (`TaskOrchestrationExecutor`) assigned in this
 * episode. The out-of-process protocol sends actions without ids; the SDK numbers tasks as the
 * generator yields them (and numbers the timer and re-run of each retry), and the host must use the
 * same numbers in `TaskScheduledId`/`TimerId`. Reading the executor's own `openTasks` and
 * `sequenceNumber` makes the host agree with it by construction, also for compound `Task.any`
 * windows that repeat already-scheduled tasks. Pinned to durable-functions 3.x; a shape change is
 * reported, not guessed around.
 */
export function readExecutorState(invocationContext: unknown): { sequenceNumber: number; openTasks: OpenTask[] } {
  const executor = (invocationContext as { df?: { taskOrchestratorExecutor?: { sequenceNumber?: unknown; openTasks?: unknown } } }).df
    ?.taskOrchestratorExecutor;
  if (!executor || typeof executor.sequenceNumber !== 'number' || typeof executor.openTasks !== 'object' || !executor.openTasks) {
    throw new DevHostError(
      'DEVHOST_BAD_ORCHESTRATOR_STATE',
      'The durable-functions replay executor did not expose sequenceNumber/openTasks; this devhost supports durable-functions 3.x.',
    );
  }
  const openTasks: OpenTask[] = [];
  for (const task of Object.values(executor.openTasks as Record<string, SdkTask>)) {
    if (typeof task.id !== 'number') continue;
    const action = typeof task.actionObj === 'object' && task.actionObj !== null ? (task.actionObj as SdkAction) : undefined;
    const parent = task.parent;
    if (!action && parent?.retryOptions && parent.innerTask) {
      openTasks.push({
        id: task.id,
        retry: {
          waitingOnTimer: parent.isWaitingOnTimer === true,
          attemptNumber: parent.attemptNumber ?? 1,
          options: parent.retryOptions,
          action: parent.innerTask.actionObj as SdkAction,
        },
      });
    } else {
      const longTimerLeg = parent?.longRunningTimerIntervalDuration !== undefined && parent.children?.[0] !== task;
      openTasks.push({ id: task.id, action, longTimerLeg });
    }
  }
  return { sequenceNumber: executor.sequenceNumber, openTasks: openTasks.sort((a, b) => a.id - b.id) };
}
