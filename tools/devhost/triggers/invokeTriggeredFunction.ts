import type { RpcTypedData } from '../coreApiTypes';
import { toError } from '../errors';
import type { RegisteredFunction } from '../functionRegistry';
import { invokeFunction } from '../invokeFunction';
import type { TriggerDeps } from './startTriggerListeners';

/** Trigger metadata values go to the worker as JSON typed data; the library camel-cases the keys. */
export function toTriggerMetadata(values: Record<string, unknown>): Record<string, RpcTypedData> {
  const out: Record<string, RpcTypedData> = {};
  for (const [key, value] of Object.entries(values)) if (value !== undefined) out[key] = { json: JSON.stringify(value) };
  return out;
}

/**
 * Invokes a blob, queue or timer function with its trigger data and any durable client input, and
 * logs the outcome the way the host does. Returns the error when the function failed.
 */
export async function invokeTriggeredFunction(
  deps: TriggerDeps,
  fn: RegisteredFunction,
  data: RpcTypedData,
  metadata: Record<string, unknown>,
): Promise<Error | undefined> {
  const name = fn.metadata.name;
  const started = Date.now();
  try {
    await invokeFunction(
      deps.registry,
      fn,
      {
        inputData: [{ name: fn.trigger.name, data }, ...deps.extraInputs(name)],
        triggerMetadata: toTriggerMetadata(metadata),
      },
      deps.log,
    );
    deps.log.info(`Executed 'Functions.${name}' (Succeeded, ${Date.now() - started}ms)`);
    return undefined;
  } catch (thrown) {
    const error = toError(thrown);
    deps.log.error(`Executed 'Functions.${name}' (Failed, ${Date.now() - started}ms): ${error.message}`);
    return error;
  }
}

/** `AzureWebJobs.<name>.Disabled` = true switches a function's trigger off, as in the real host. */
export function isDisabled(fn: RegisteredFunction): boolean {
  const value = process.env[`AzureWebJobs.${fn.metadata.name}.Disabled`] ?? process.env[`AzureWebJobs__${fn.metadata.name}__Disabled`];
  return value?.toLowerCase() === 'true' || value === '1';
}
