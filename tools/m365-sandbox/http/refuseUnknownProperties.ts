import { GraphError } from '../graphError';
import type { SandboxRequest } from './sandboxRequest';

/**
 * Graph refuses a property its type does not define instead of ignoring it
 * (400 `RequestBodyRead`: "The property 'x' does not exist on type 'microsoft.graph.contact'").
 * Known read-only properties pass here; the handler then ignores them as Exchange does.
 */
export function refuseUnknownProperties(request: SandboxRequest, known: readonly string[], typeName: string): void {
  let body: unknown;
  try {
    body = JSON.parse(request.body.toString('utf8') || '{}');
  } catch {
    return; // parseJsonBody reports malformed JSON with Graph's own message.
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
  for (const key of Object.keys(body)) {
    if (!key.startsWith('@odata') && !known.includes(key)) {
      throw new GraphError(400, 'RequestBodyRead', `The property '${key}' does not exist on type '${typeName}'. Make sure to only use property names that are defined by the type or mark the type as open type.`);
    }
  }
}
