import type { OrchestrationContext, RetryOptions, Task } from 'durable-functions';
import type { ActivityInput, ActivityName, ActivityOutput, MailboxStep, MailboxStepContract } from '../contract/activities';

/**
 * Schedules an activity by its contract name with a retry policy; the input is checked against the
 * contract. For a task that joins others (a sliding window, `Task.any`).
 */
export function activityTask<K extends ActivityName>(context: OrchestrationContext, name: K, input: ActivityInput<K>, retry: RetryOptions): Task {
  return context.df.callActivityWithRetry(name, retry, input);
}

/**
 * Calls an activity and gives back its result typed by the contract (`yield*` it). The one place an
 * activity's result is trusted to be its contract's output: the activities are built against the same
 * contract (activities/createActivities.ts).
 */
export function* callActivity<K extends ActivityName>(
  context: OrchestrationContext,
  name: K,
  input: ActivityInput<K>,
  retry: RetryOptions,
): Generator<Task, ActivityOutput<K>, unknown> {
  const output: unknown = yield activityTask(context, name, input, retry);
  return output as ActivityOutput<K>;
}

/** `callActivity` for a mailbox step, typed by the step's own map so a generic step name keeps its types. */
export function* callMailboxStep<K extends MailboxStep>(
  context: OrchestrationContext,
  name: K,
  input: MailboxStepContract[K]['input'],
  retry: RetryOptions,
): Generator<Task, MailboxStepContract[K]['output'], unknown> {
  const output: unknown = yield context.df.callActivityWithRetry(name, retry, input);
  return output as MailboxStepContract[K]['output'];
}
