/**
 * The durable-functions SDK's own test entry point, which its published types leave out.
 * `createOrchestrator` wraps a generator exactly as `df.app.orchestration` does before it registers
 * the function with the host: the returned handler takes the orchestration trigger's binding (the
 * history, the input, the replay schema) and answers the SDK's OrchestratorState.
 */
declare module 'durable-functions/lib/src/util/testingUtils' {
  import type { InvocationContext } from '@azure/functions';
  import type { OrchestrationHandler } from 'durable-functions';

  export function createOrchestrator(handler: OrchestrationHandler): (trigger: unknown, context: InvocationContext) => Promise<unknown>;
}
