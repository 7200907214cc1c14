/**
 * What an orchestrator asks the host to do, as the SDK sends it (replay schema V3: one flat list per
 * execution, `Task.any`/`Task.all` as compound actions), after JSON: dates are ISO text and absent
 * fields are left out. Builders for the expected actions keep the tests' assertions short.
 */
export enum ActionType {
  CallActivity = 0,
  CallActivityWithRetry = 1,
  CallSubOrchestrator = 2,
  CallSubOrchestratorWithRetry = 3,
  ContinueAsNew = 4,
  CreateTimer = 5,
  WaitForExternalEvent = 6,
  WhenAny = 11,
  WhenAll = 12,
}

/** `RetryOptions` as sent: only the fields the orchestrator set. */
export interface RetryPolicy {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

export interface CallActivityAction {
  actionType: ActionType.CallActivity;
  functionName: string;
  input?: unknown;
}
export interface CallActivityWithRetryAction {
  actionType: ActionType.CallActivityWithRetry;
  functionName: string;
  retryOptions: RetryPolicy;
  input?: unknown;
}
export interface CallSubOrchestratorAction {
  actionType: ActionType.CallSubOrchestrator;
  functionName: string;
  instanceId?: string;
  input?: unknown;
}
export interface CallSubOrchestratorWithRetryAction {
  actionType: ActionType.CallSubOrchestratorWithRetry;
  functionName: string;
  retryOptions: RetryPolicy;
  instanceId?: string;
  input?: unknown;
}
export interface ContinueAsNewAction {
  actionType: ActionType.ContinueAsNew;
  input?: unknown;
}
export interface CreateTimerAction {
  actionType: ActionType.CreateTimer;
  fireAt: string;
  isCanceled: boolean;
}
export interface WaitForExternalEventAction {
  actionType: ActionType.WaitForExternalEvent;
  externalEventName: string;
  reason: 'ExternalEvent';
}
export interface CompoundAction {
  actionType: ActionType.WhenAny | ActionType.WhenAll;
  compoundActions: OrchestratorAction[];
}

export type OrchestratorAction =
  | CallActivityAction
  | CallActivityWithRetryAction
  | CallSubOrchestratorAction
  | CallSubOrchestratorWithRetryAction
  | ContinueAsNewAction
  | CreateTimerAction
  | WaitForExternalEventAction
  | CompoundAction;

/** The tasks the host records in history when it carries out an action (everything but waits and continueAsNew). */
export type TaskAction = Exclude<OrchestratorAction, ContinueAsNewAction | WaitForExternalEventAction | CompoundAction>;

export function callActivityWithRetry(functionName: string, retryOptions: RetryPolicy, input: unknown): CallActivityWithRetryAction {
  return { actionType: ActionType.CallActivityWithRetry, functionName, retryOptions, input };
}

export function callSubOrchestrator(functionName: string, instanceId: string, input: unknown): CallSubOrchestratorAction {
  return { actionType: ActionType.CallSubOrchestrator, functionName, instanceId, input };
}

export function createTimer(fireAt: string, isCanceled = false): CreateTimerAction {
  return { actionType: ActionType.CreateTimer, fireAt, isCanceled };
}

export function waitForExternalEvent(externalEventName: string): WaitForExternalEventAction {
  return { actionType: ActionType.WaitForExternalEvent, externalEventName, reason: 'ExternalEvent' };
}

export function continueAsNew(input: unknown): ContinueAsNewAction {
  return { actionType: ActionType.ContinueAsNew, input };
}

export function whenAny(...compoundActions: OrchestratorAction[]): CompoundAction {
  return { actionType: ActionType.WhenAny, compoundActions };
}

export function isCompound(action: OrchestratorAction): action is CompoundAction {
  return action.actionType === ActionType.WhenAny || action.actionType === ActionType.WhenAll;
}

export function isTaskAction(action: OrchestratorAction): action is TaskAction {
  return !isCompound(action) && action.actionType !== ActionType.ContinueAsNew && action.actionType !== ActionType.WaitForExternalEvent;
}
