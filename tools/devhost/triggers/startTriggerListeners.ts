import type { RpcTypedData } from '../coreApiTypes';
import type { FunctionRegistry } from '../functionRegistry';
import type { HostConfig } from '../hostConfig';
import type { HostLog } from '../hostLog';
import { BlobTriggerListener } from './blobTriggerListener';
import { BLOB_WEBHOOK_PATH, isEventGridBlobTrigger } from '../eventgrid/blobWebhook';
import { LocalEventGrid } from '../eventgrid/localEventGrid';
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
export function hostIdOf(config: HostConfig): string {
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
    // Event Grid-sourced blob triggers are not polled: events reach them through the blobs webhook (startEventGrid).
    else if (type === 'blobtrigger' && !isEventGridBlobTrigger(fn)) listeners.push(new BlobTriggerListener(fn, deps, hostId));
    else if (type === 'timertrigger') listeners.push(new TimerTriggerListener(fn, deps, hostId));
  }
  for (const listener of listeners) await listener.start();
  return listeners;
}

/**
 * For each Event Grid-sourced blob trigger, the local stand-in for its Event Grid subscription, delivering
 * to the host's blobs webhook at `baseUrl` with the blobs_extension key (started once the host listens).
 */
export async function startEventGrid(deps: TriggerDeps, baseUrl: string, blobsExtensionKey: string): Promise<TriggerListener[]> {
  const hostId = hostIdOf(deps.config);
  const grids: TriggerListener[] = [];
  for (const fn of deps.registry.functions.values()) {
    if (isDisabled(fn) || !isEventGridBlobTrigger(fn)) continue;
    const url = `${baseUrl}${BLOB_WEBHOOK_PATH}?functionName=Host.Functions.${encodeURIComponent(fn.metadata.name)}&code=${encodeURIComponent(blobsExtensionKey)}`;
    grids.push(new LocalEventGrid(fn, url, hostId, deps.log));
  }
  for (const grid of grids) await grid.start();
  return grids;
}
