import type { z } from 'zod';
import { GraphError } from '../graphError';
import { graphBodyErrors } from '../schema/graphBodyErrors';
import type { SandboxRequest } from './sandboxRequest';

/**
 * The body as JSON (an empty body reads as `{}`); Graph answers a malformed one with 400 `BadRequest`
 * "Unable to read JSON request payload…" (see graphBodyErrors.malformedJson).
 */
export function readJsonBody(request: SandboxRequest): unknown {
  try {
    return JSON.parse(request.body.toString('utf8') || '{}');
  } catch {
    throw graphBodyErrors.malformedJson();
  }
}

/**
 * Parses and validates a JSON body with a handler's zod schema, for the semantic checks that follow
 * the schema check in the Router (schema/checkRouteBody.ts).
 */
export function parseJsonBody<S extends z.ZodType>(request: SandboxRequest, schema: S): z.infer<S> {
  const parsed = schema.safeParse(readJsonBody(request));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    throw new GraphError(400, 'ErrorInvalidRequest', `Invalid request body${where ? ` at '${where}'` : ''}: ${issue?.message ?? 'not valid'}.`);
  }
  return parsed.data;
}
