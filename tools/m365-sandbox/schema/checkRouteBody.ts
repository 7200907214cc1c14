import { readJsonBody } from '../http/parseJsonBody';
import type { SandboxRequest } from '../http/sandboxRequest';
import { graphSchemaV1 } from './graphSchema';
import { routeBodyTypeOf } from './routeBodyTypes';
import { validateGraphBody } from './validateGraphBody';

/**
 * The Router's check before a handler runs: a JSON body of a route listed in ROUTE_BODY_TYPES must
 * fit Graph's schema, or the request fails with Graph's error (thrown as a GraphError). A body is JSON
 * when its Content-Type says so or when it has none; MIME bodies (`text/plain`, a message or sendMail
 * in MIME) and empty bodies are left to the handler.
 */
export function checkRouteBody(method: string, pattern: string, request: SandboxRequest): void {
  const bodyType = routeBodyTypeOf(method, pattern);
  if (!bodyType || request.body.length === 0) return;
  const contentType = request.headers['content-type'];
  if (contentType !== undefined && !/json/i.test(contentType)) return;
  const problem = validateGraphBody(graphSchemaV1, bodyType, readJsonBody(request), {
    workload: bodyType.workload,
    ieee754Compatible: /IEEE754Compatible\s*=\s*"?true/i.test(contentType ?? ''),
  });
  if (problem) throw problem;
}
