import { randomUUID } from 'node:crypto';
import type { InvocationRequest, RpcInvocationResponse } from './coreApiTypes';
import { DevHostError, toError } from './errors';
import type { FunctionRegistry, RegisteredFunction } from './functionRegistry';
import type { HostLog } from './hostLog';
import { writeOutputBindings } from './outputBindings';

async function runHooks(registry: FunctionRegistry, name: 'preInvocation' | 'postInvocation', context: Record<string, unknown>): Promise<void> {
  for (const hook of registry.hooks[name]) await hook(context);
}

/**
 * Invokes one function exactly as the Node.js worker's `InvocationHandler` does: the programming
 * model builds the arguments, pre-invocation hooks may swap inputs or the callback, the library
 * invokes, post-invocation hooks may swap the result or error, and the library shapes the response.
 * Throws what the function (or a hook) threw. Returns the invocation context too: the durable
 * engine reads the SDK's replay state from it (see durable/readExecutorState.ts).
 */
export async function invokeFunction(
  registry: FunctionRegistry,
  fn: RegisteredFunction,
  request: InvocationRequest,
  log: HostLog,
): Promise<{ response: RpcInvocationResponse; context: unknown }> {
  const model = registry.programmingModel;
  if (!model) throw new DevHostError('DEVHOST_START_FAILED', 'The app registered functions without setting a programming model.');
  const invocationId = randomUUID();
  const coreContext = {
    invocationId,
    request,
    metadata: fn.metadata,
    state: undefined as 'preInvocationHooks' | 'postInvocationHooks' | 'invocation' | undefined,
    log: (level: string, category: string, message: string) => {
      // Log hooks see every log of an invocation and may rewrite the message (worker `LogHandler`).
      const hookContext: Record<string, unknown> = {
        hookData: {},
        appHookData: registry.appHookData,
        invocationContext: current.context,
        level,
        category,
        message,
      };
      for (const hook of registry.hooks.log) hook(hookContext);
      log.fromFunction(fn.metadata.name, level, category, String(hookContext.message));
    },
  };
  /** The invocation context, once the library has built it; log hooks receive it. */
  const current: { context?: unknown } = {};
  const invocationModel = model.getInvocationModel(coreContext);
  const { context, inputs } = await invocationModel.getArguments();
  current.context = context;
  const hookData: Record<string, unknown> = {};
  coreContext.state = 'preInvocationHooks';
  const pre: Record<string, unknown> = { hookData, appHookData: registry.appHookData, invocationContext: context, functionCallback: fn.callback, inputs };
  await runHooks(registry, 'preInvocation', pre);
  coreContext.state = 'invocation';
  let result: unknown;
  let error: unknown;
  try {
    result = await invocationModel.invokeFunction(context, pre.inputs as unknown[], pre.functionCallback as typeof fn.callback);
  } catch (thrown) {
    error = thrown;
  }
  coreContext.state = 'postInvocationHooks';
  const post: Record<string, unknown> = { hookData, appHookData: registry.appHookData, invocationContext: context, inputs: pre.inputs, result, error };
  await runHooks(registry, 'postInvocation', post);
  if (post.error !== undefined && post.error !== null) throw toError(post.error);
  const response = await invocationModel.getResponse(context, post.result);
  await writeOutputBindings(fn, response, request.triggerMetadata);
  return { response, context };
}
