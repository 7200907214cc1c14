import type { z } from 'zod';
import { GraphError } from '../graphError';
import type { SandboxRequest } from './sandboxRequest';

/** Parses and validates a JSON body; Graph answers a malformed one with 400 `BadRequest`/`ErrorInvalidRequest`. */
export function parseJsonBody<S extends z.ZodType>(request: SandboxRequest, schema: S): z.infer<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(request.body.toString('utf8') || '{}');
  } catch {
    throw new GraphError(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    throw new GraphError(400, 'ErrorInvalidRequest', `Invalid request body${where ? ` at '${where}'` : ''}: ${issue?.message ?? 'not valid'}.`);
  }
  return parsed.data;
}
