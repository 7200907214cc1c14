import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { type ActivityDependencies, type ActivityHandlers, createActivities } from '../../activities/createActivities';
import { ACTIVITY_NAMES, type ActivityName } from '../../contract/activities';
import { ORCHESTRATION } from '../../contract/orchestrations';
import { toErrorMessage } from '../../core/errors/migrationError';
import { batchMigration } from '../../orchestrators/batchMigration';
import { mailboxMigration } from '../../orchestrators/mailboxMigration';
import { type LogFields, logEvent } from '../logging/functionLog';

/**
 * Registers the orchestrations and the activities with the Functions host. The activities are built by
 * their factory over the app's services; each call logs its step with the batch and the mailbox as fields.
 */
export function registerDurableFunctions(dependencies: () => ActivityDependencies): void {
  df.app.orchestration(ORCHESTRATION.batch, batchMigration);
  df.app.orchestration(ORCHESTRATION.mailbox, mailboxMigration);
  const activities = createActivities(dependencies);
  for (const name of ACTIVITY_NAMES) df.app.activity(name, { handler: logged(name, activities) });
}

function logged(name: ActivityName, activities: ActivityHandlers) {
  const handler = activities[name] as (input: unknown) => Promise<unknown>;
  return async (input: unknown, context: InvocationContext): Promise<unknown> => {
    const fields: LogFields = { activity: name, ...stepFields(input) };
    const started = Date.now();
    try {
      const output = await handler(input);
      logEvent(context, 'info', `${name} done`, { ...fields, ms: Date.now() - started, ...outcomeFields(output) });
      return output;
    } catch (error) {
      // Thrown errors are the transient ones: the orchestration's retry policy runs the step again.
      logEvent(context, 'warn', `${name} failed; it is retried`, { ...fields, ms: Date.now() - started, error: toErrorMessage(error) });
      throw error;
    }
  };
}

/** The ids an activity's input names: the batch, the mailbox, the copy pass. */
function stepFields(input: unknown): LogFields {
  const value = (input ?? {}) as { batchId?: unknown; ref?: { batchId?: unknown; mailboxKey?: unknown }; pass?: unknown };
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    batchId: text(value.batchId) ?? text(value.ref?.batchId),
    mailboxKey: text(value.ref?.mailboxKey),
    pass: text(value.pass),
  };
}

/** A step's outcome code, when it ended the mailbox's step with one. */
function outcomeFields(output: unknown): LogFields {
  const outcome = output as { ok?: unknown; code?: unknown; retryAfterSeconds?: unknown } | undefined;
  if (!outcome || outcome.ok !== false) return {};
  return {
    outcome: typeof outcome.code === 'string' ? outcome.code : 'failed',
    ...(typeof outcome.retryAfterSeconds === 'number' ? { retryAfterSeconds: outcome.retryAfterSeconds } : {}),
  };
}
