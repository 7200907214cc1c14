import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { getServices } from '../compositionRoot';
import { cleartextLogin, cleartextRefusal } from '../core/endpoint/cleartextLogin';
import { endpointChangeSchema, endpointInputSchema } from '../core/endpoint/migrationEndpoint';
import { toEndpointView } from './http/apiViews';
import { readJson, invalidBody } from './http/requestBody';
import { apiRoute } from './http/requestParameters';
import { json, problem } from './http/responses';
import { ENDPOINT_NAME } from './http/routeParameters';
import { logEvent } from './logging/functionLog';

/**
 * `POST /api/endpoints` with a JSON body; the password goes to the secret store. `security: "none"`
 * is accepted only for a host listed in MIGRATION_ALLOW_CLEARTEXT_HOSTS.
 */
export async function createEndpoint(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const body = await readJson(request, 'Send the endpoint as a JSON object.');
  if ('error' in body) return body.error;
  const parsed = endpointInputSchema.safeParse(body.value);
  if (!parsed.success) return invalidBody('The endpoint is not valid.', parsed.error);
  const services = getServices();
  const input = parsed.data;
  if (input.security === 'none' && !cleartextLogin(input, services.config.cleartextHosts).allowed) {
    return problem(400, 'The endpoint is not valid.', [
      { code: 'CleartextNotAllowed', field: 'security', message: `security: ${cleartextRefusal(input.host)}` },
    ]);
  }
  const result = await services.endpoints.create(input, new Date().toISOString());
  if (!result.ok) return problem(409, 'The endpoint exists.', [{ code: result.code, field: 'name', message: result.message }]);
  logEvent(context, 'info', `Endpoint ${result.endpoint.name} created (${result.endpoint.host}:${result.endpoint.port}, ${result.endpoint.security}).`, {
    endpoint: result.endpoint.name,
  });
  return json(201, toEndpointView(result.endpoint, services.config.cleartextHosts), { location: `/api/endpoints/${encodeURIComponent(result.endpoint.name)}` });
}

export async function listEndpoints(_request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  const services = getServices();
  return json(200, { value: (await services.endpoints.list()).map((e) => toEndpointView(e, services.config.cleartextHosts)) });
}

export async function getEndpoint(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  const name = request.params.name ?? '';
  const services = getServices();
  const endpoint = await services.endpoints.get(name);
  if (!endpoint) return endpointNotFound(name);
  return json(200, toEndpointView(endpoint, services.config.cleartextHosts));
}

/**
 * `PATCH /api/endpoints/{name}` with `{"password": "..."}`: sets the admin password again, under
 * the endpoint's own secret name (the fix for endpoints whose stored password was shared).
 */
export async function updateEndpoint(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const name = request.params.name ?? '';
  const body = await readJson(request, 'Send the change as a JSON object, e.g. {"password": "..."}.');
  if ('error' in body) return body.error;
  const parsed = endpointChangeSchema.safeParse(body.value);
  if (!parsed.success) return invalidBody('The change is not valid.', parsed.error);
  const services = getServices();
  const result = await services.endpoints.setPassword(name, parsed.data.password);
  if (!result.ok) return endpointNotFound(name);
  logEvent(context, 'info', `Endpoint ${result.endpoint.name}: password set again.`, { endpoint: result.endpoint.name });
  return json(200, toEndpointView(result.endpoint, services.config.cleartextHosts));
}

function endpointNotFound(name: string): HttpResponseInit {
  return problem(404, 'The endpoint does not exist.', [{ code: 'EndpointNotFound', field: 'name', message: `No migration endpoint is named "${name}".` }]);
}

apiRoute('createEndpoint', { route: 'endpoints', methods: ['POST'], authLevel: 'function' }, [], createEndpoint);
apiRoute('listEndpoints', { route: 'endpoints', methods: ['GET'], authLevel: 'function' }, [], listEndpoints);
apiRoute('getEndpoint', { route: 'endpoints/{name}', methods: ['GET'], authLevel: 'function' }, [ENDPOINT_NAME], getEndpoint);
apiRoute('updateEndpoint', { route: 'endpoints/{name}', methods: ['PATCH'], authLevel: 'function' }, [ENDPOINT_NAME], updateEndpoint);
