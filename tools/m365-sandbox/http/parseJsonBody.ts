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
  return parseValue(readJsonBody(request), schema);
}

function parseValue<S extends z.ZodType>(value: unknown, schema: S): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    throw new GraphError(400, 'ErrorInvalidRequest', `Invalid request body${where ? ` at '${where}'` : ''}: ${issue?.message ?? 'not valid'}.`);
  }
  return parsed.data;
}

/**
 * The parameters of an Exchange action (`sendMail`, `move`, `createUploadSession`) read as Exchange reads
 * them: names match case-insensitively (the CSDL and Microsoft's current SDKs send `DestinationId`,
 * `Message`, `SaveToSentItems`; the reference pages send `destinationId`, `message`), so each is given the
 * handler's spelling before the zod check. The schema check before the handler (schema/validateGraphBody.ts)
 * has already refused unknown and repeated parameters.
 */
export function parseActionParameters<S extends z.ZodObject<z.ZodRawShape>>(request: SandboxRequest, schema: S): z.infer<S> {
  const body = readJsonBody(request);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return parseValue(body, schema);
  const names = Object.keys(schema.shape);
  return parseValue(
    Object.fromEntries(Object.entries(body).map(([key, value]) => [names.find((name) => name.toLowerCase() === key.toLowerCase()) ?? key, value])),
    schema,
  );
}
