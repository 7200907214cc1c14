import * as df from 'durable-functions';
import type { InvocationContext } from '@azure/functions';
import { OrchestrationRuntimeStatus } from 'durable-functions';
import type { OrchestrationControl } from '../../services/batchLifecycle';

const ACTIVE = [
  OrchestrationRuntimeStatus.Running,
  OrchestrationRuntimeStatus.Pending,
  OrchestrationRuntimeStatus.ContinuedAsNew,
  OrchestrationRuntimeStatus.Suspended,
];

/** The lifecycle's view of the Durable client bound to this invocation (`df.input.durableClient()`). */
export function orchestrationControl(context: InvocationContext): OrchestrationControl {
  const client = df.getClient(context);
  return {
    start: async (name, instanceId, input) => {
      await client.startNew(name, { instanceId, input });
    },
    raise: (instanceId, event) => client.raiseEvent(instanceId, event, {}),
    instances: async (match, runningOnly) => {
      const statuses = runningOnly ? await client.getStatusBy({ runtimeStatus: ACTIVE }) : await client.getStatusAll();
      return statuses.map((s) => s.instanceId).filter(match);
    },
    terminate: (instanceId, reason) => client.terminate(instanceId, reason),
    purge: async (instanceId) => {
      await client.purgeInstanceHistory(instanceId);
    },
  };
}
