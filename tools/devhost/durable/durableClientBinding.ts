import type { RegisteredFunction } from '../functionRegistry';
import { DURABLE_PATHS } from '../http/durablePaths';
import type { FunctionKeys } from '../http/functionKeys';

/**
 * The JSON the Durable extension hands a `durableClient` input binding (`OrchestrationClientInputData`):
 * webhook URL templates (for `createCheckStatusResponse`) and `rpcBaseUrl`, which durable-functions v3
 * prefers for its own calls.
 */
export function durableClientData(baseUrl: string, hubName: string, keys: FunctionKeys): Record<string, unknown> {
  const webhooks = `${baseUrl}${DURABLE_PATHS.webhook}`;
  const query = `taskHub=${hubName}&connection=Storage&code=${keys.adminKey}`;
  const instance = `${webhooks}instances/INSTANCEID`;
  return {
    taskHubName: hubName,
    creationUrls: {
      createNewInstancePostUri: `${webhooks}orchestrators/{functionName}[/{instanceId}]?code=${keys.adminKey}`,
      createAndWaitOnNewInstancePostUri: `${webhooks}orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&code=${keys.adminKey}`,
    },
    managementUrls: {
      id: 'INSTANCEID',
      statusQueryGetUri: `${instance}?${query}`,
      sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
      terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
      rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
      purgeHistoryDeleteUri: `${instance}?${query}`,
      restartPostUri: `${instance}/restart?${query}`,
      suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
      resumePostUri: `${instance}/resume?reason={text}&${query}`,
    },
    baseUrl: webhooks.replace(/\/$/, ''),
    requiredQueryStringParameters: query,
    rpcBaseUrl: `${baseUrl}${DURABLE_PATHS.rpc}`,
    httpBaseUrl: '',
  };
}

/** Input data for every durable client binding a function declares in `extraInputs`. */
export function durableClientInputs(fn: RegisteredFunction, clientData: Record<string, unknown>): { name: string; data: { string: string } }[] {
  return Object.entries(fn.metadata.bindings)
    .filter(([, b]) => b.direction === 'in' && (b.type === 'durableClient' || b.type === 'orchestrationClient'))
    .map(([name]) => ({ name, data: { string: JSON.stringify(clientData) } }));
}

/** The management URLs of one instance, as `createCheckStatusResponse` and the start API return them. */
export function instanceLinks(clientData: Record<string, unknown>, instanceId: string): Record<string, string> {
  const urls = clientData.managementUrls as Record<string, string>;
  const out: Record<string, string> = { id: instanceId };
  for (const [key, value] of Object.entries(urls)) if (key !== 'id') out[key] = value.replace('INSTANCEID', encodeURIComponent(instanceId));
  return out;
}
