import type { FunctionRegistry, RegisteredFunction } from '../functionRegistry';
import type { AuthLevel } from './functionKeys';
import { compileRoute, type CompiledRoute } from './routeTemplate';

export interface HttpRoute {
  fn: RegisteredFunction;
  route: CompiledRoute;
  methods: string[];
  authLevel: AuthLevel;
  /** The URL path as the start-up table prints it. */
  display: string;
}

/** Builds the route table of every HTTP-triggered function under host.json's route prefix. */
export function buildHttpRoutes(registry: FunctionRegistry, routePrefix: string): HttpRoute[] {
  return registry
    .byTrigger('httpTrigger')
    .map((fn) => {
      const template = typeof fn.trigger.route === 'string' && fn.trigger.route ? fn.trigger.route : fn.metadata.name;
      const methods = Array.isArray(fn.trigger.methods) ? (fn.trigger.methods as string[]).map((m) => m.toUpperCase()) : ['GET', 'POST'];
      const level = typeof fn.trigger.authLevel === 'string' ? fn.trigger.authLevel.toLowerCase() : 'anonymous';
      const authLevel: AuthLevel = level === 'admin' ? 'admin' : level === 'function' ? 'function' : 'anonymous';
      const display = `/${[routePrefix, template.replace(/^\/+/, '')].filter(Boolean).join('/')}`;
      return { fn, route: compileRoute(template), methods, authLevel, display };
    })
    .sort((a, b) => b.route.specificity - a.route.specificity);
}

/** Finds the route for a path below the prefix; `methodAllowed` false means 405, undefined means 404. */
export function matchHttpRoute(
  routes: HttpRoute[],
  method: string,
  path: string,
): { route: HttpRoute; params: Record<string, string>; methodAllowed: boolean } | undefined {
  let pathMatch: { route: HttpRoute; params: Record<string, string> } | undefined;
  for (const route of routes) {
    const params = route.route.match(path);
    if (!params) continue;
    if (route.methods.includes(method.toUpperCase())) return { route, params, methodAllowed: true };
    pathMatch ??= { route, params };
  }
  return pathMatch ? { ...pathMatch, methodAllowed: false } : undefined;
}
