import Module from 'node:module';
import type { FunctionCallback, FunctionMetadata, HookCallback, HookName, ProgrammingModel } from './coreApiTypes';
import type { FunctionRegistry } from './functionRegistry';

/** The version of the Functions host the devhost stands in for (log hooks need 4.34+). */
const HOST_VERSION = '4.1037.0';

type RequireFn = (this: unknown, id: string) => unknown;

/**
 * Makes `require('@azure/functions-core')` return an API bound to `registry`, the way the Azure
 * Functions Node.js worker does it (`setupCoreModule.ts`: a proxy over `Module.prototype.require`).
 * The module is not on disk; `@azure/functions` looks it up lazily at its first registration.
 */
export function installCoreModule(registry: FunctionRegistry, log: (level: string, message: string) => void): void {
  const coreApi = {
    version: '3.11.0',
    hostVersion: HOST_VERSION,
    setProgrammingModel(model: ProgrammingModel): void {
      registry.programmingModel = model;
    },
    getProgrammingModel(): ProgrammingModel | undefined {
      return registry.programmingModel;
    },
    registerFunction(metadata: FunctionMetadata, callback: FunctionCallback) {
      registry.register(metadata, callback);
      return { dispose: () => registry.functions.delete(metadata.name) };
    },
    registerHook(hookName: string, callback: HookCallback) {
      const list = registry.hooks[hookName as HookName];
      if (!list) throw new RangeError(`Unrecognized hook "${hookName}"`);
      list.push(callback);
      return { dispose: () => list.splice(list.indexOf(callback), 1) };
    },
    log(level: string, _category: string, message: string): void {
      log(level, message);
    },
    Disposable: class {
      constructor(private readonly callOnDispose: () => void) {}
      dispose(): void {
        this.callOnDispose();
      }
    },
  };
  const proto = Module.prototype as unknown as { require: RequireFn };
  const original = proto.require;
  proto.require = function patchedRequire(this: unknown, id: string): unknown {
    return id === '@azure/functions-core' ? coreApi : original.call(this, id);
  };
}
