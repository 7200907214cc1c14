import type { RpcTypedData } from '../coreApiTypes';
import type { FunctionRegistry } from '../functionRegistry';
import type { HostConfig } from '../hostConfig';
import type { HostLog } from '../hostLog';
import { BlobTriggerListener } from './blobTriggerListener';
import { isDisabled } from './invokeTriggeredFunction';
import { QueueTriggerListener } from './queueTriggerListener';
import { TimerTriggerListener } from './timerTriggerListener';
import type { TriggerListener } from './triggerListener';

export interface TriggerDeps {
  registry: FunctionRegistry;
  config: HostConfig;
  log: HostLog;
  extraInputs: (fnName: string) => { name: string; data: RpcTypedData }[];
}

/**
 * The id receipts and timer status are filed under. The real host derives it from the app name;
 * here `AzureFunctionsWebHost__hostid` or, by default, the task hub, so apps sharing one Azurite
 * (tests) keep separate receipts.
 */
function hostIdOf(config: HostConfig): string {
  return (process.env.AzureFunctionsWebHost__hostid || `devhost-${config.hubName}`).toLowerCase().slice(0, 32);
}

/** Starts one listener per blob, queue and timer function that is not disabled. */
export async function startTriggerListeners(deps: TriggerDeps): Promise<TriggerListener[]> {
  const hostId = hostIdOf(deps.config);
  const listeners: TriggerListener[] = [];
  for (const fn of deps.registry.functions.values()) {
    if (isDisabled(fn)) {
      deps.log.info(`Function ${fn.metadata.name} is disabled by its AzureWebJobs.${fn.metadata.name}.Disabled setting.`);
      continue;
    }
    const type = fn.trigger.type.toLowerCase();
    if (type === 'queuetrigger') listeners.push(new QueueTriggerListener(fn, deps));
    else if (type === 'blobtrigger') listeners.push(new BlobTriggerListener(fn, deps, hostId));
    else if (type === 'timertrigger') listeners.push(new TimerTriggerListener(fn, deps, hostId));
  }
  for (const listener of listeners) await listener.start();
  return listeners;
}
