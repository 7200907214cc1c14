import type { FunctionCallback, FunctionMetadata, HookCallback, HookName, ProgrammingModel, RpcBindingInfo } from './coreApiTypes';
import { DevHostError } from './errors';

export interface RegisteredFunction {
  metadata: FunctionMetadata;
  callback: FunctionCallback;
  /** The binding whose type ends in `Trigger`: exactly one per function, as the worker requires. */
  trigger: RpcBindingInfo & { name: string; type: string };
}

/**
 * What the app registered through `@azure/functions-core`: functions, hooks and the programming
 * model. The worker keeps the same three things (azure-functions-nodejs-worker `AppContext`).
 */
export class FunctionRegistry {
  readonly functions = new Map<string, RegisteredFunction>();
  readonly hooks: Record<HookName, HookCallback[]> = {
    appStart: [],
    appTerminate: [],
    preInvocation: [],
    postInvocation: [],
    log: [],
  };
  /** Shared by every hook of the app, as the worker's `appHookData`. */
  readonly appHookData: Record<string, unknown> = {};
  programmingModel: ProgrammingModel | undefined;

  register(metadata: FunctionMetadata, callback: FunctionCallback): void {
    if (this.functions.has(metadata.name)) {
      throw new DevHostError('DEVHOST_DUPLICATE_FUNCTION', `A function named "${metadata.name}" is already registered.`);
    }
    const entry = Object.entries(metadata.bindings).find(([, b]) => typeof b.type === 'string' && /trigger$/i.test(b.type));
    if (!entry) {
      throw new DevHostError('DEVHOST_UNKNOWN_FUNCTION', `Function "${metadata.name}" has no trigger binding.`);
    }
    const [name, binding] = entry;
    this.functions.set(metadata.name, { metadata, callback, trigger: { ...binding, name, type: String(binding.type) } });
  }

  get(name: string): RegisteredFunction {
    const found = this.functions.get(name) ?? [...this.functions.values()].find((f) => f.metadata.name.toLowerCase() === name.toLowerCase());
    if (!found) throw new DevHostError('DEVHOST_UNKNOWN_FUNCTION', `No function named "${name}" is registered.`);
    return found;
  }

  tryGet(name: string): RegisteredFunction | undefined {
    try {
      return this.get(name);
    } catch {
      return undefined;
    }
  }

  byTrigger(type: string): RegisteredFunction[] {
    return [...this.functions.values()].filter((f) => f.trigger.type.toLowerCase() === type.toLowerCase());
  }
}
