import { graphErrors } from '../graphError';
import { checkRouteBody } from '../schema/checkRouteBody';
import type { RouteHandler, RouteParams, SandboxRequest, SandboxResponse } from './sandboxRequest';

interface Route {
  method: string;
  /** As registered, `/users/:user/messages`: the key of the route's body type in schema/routeBodyTypes.ts. */
  pattern: string;
  segments: string[];
  handler: RouteHandler;
}

/**
 * Matches `/users/:user/mailFolders/:folder/messages` style patterns segment by segment.
 * Graph path segments are case-insensitive (`mailFolders` = `mailfolders`), parameters keep their case.
 * Before a handler runs, its JSON body is checked against Graph's schema (schema/checkRouteBody.ts),
 * so every route module, and every request inside `$batch`, refuses what Graph refuses.
 */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: RouteHandler): this {
    this.routes.push({ method, pattern, segments: pattern.split('/').filter(Boolean), handler });
    return this;
  }

  async dispatch(request: SandboxRequest): Promise<SandboxResponse> {
    const segments = request.path.split('/').filter(Boolean);
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      pathMatched = true;
      if (route.method !== request.method) continue;
      checkRouteBody(route.method, route.pattern, request);
      return route.handler(request, params);
    }
    throw pathMatched ? graphErrors.methodNotAllowed(request.method) : graphErrors.noRoute(request.method, request.path);
  }
}

function matchSegments(pattern: string[], actual: string[]): RouteParams | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: RouteParams = {};
  for (let i = 0; i < pattern.length; i += 1) {
    const expected = pattern[i]!;
    const value = decodeSegment(actual[i]!);
    if (expected.startsWith(':')) params[expected.slice(1)] = value;
    else if (expected.toLowerCase() !== value.toLowerCase()) return undefined;
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw graphErrors.badRequest(`The URL segment '${segment}' is not valid percent-encoding.`);
  }
}
