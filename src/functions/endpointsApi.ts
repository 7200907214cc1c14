import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getServices } from '../compositionRoot';
import { endpointInputSchema } from '../core/endpoint/migrationEndpoint';
import { toEndpointView } from './http/apiViews';
import { json, problem, withProblemAnswers } from './http/responses';

/** `POST /api/endpoints` with a JSON body; the password goes to the secret store. */
export async function createEndpoint(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  let body: unknown;
  try {
    body = JSON.parse(await request.text());
  } catch {
    return problem(400, 'The body is not valid JSON.', [{ code: 'InvalidJson', message: 'Send the endpoint as a JSON object.' }]);
  }
  const parsed = endpointInputSchema.safeParse(body);
  if (!parsed.success) {
    return problem(400, 'The endpoint is not valid.', parsed.error.issues.map((issue) => {
      const field = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : 'body');
      return { code: 'InvalidField', field, message: `${field}: ${issue.message}` };
    }));
  }
  const result = await getServices().endpoints.create(parsed.data, new Date().toISOString());
  if (!result.ok) return problem(409, 'The endpoint exists.', [{ code: result.code, field: 'name', message: result.message }]);
  context.log(`Endpoint ${result.endpoint.name} created (${result.endpoint.host}:${result.endpoint.port}).`);
  return json(201, toEndpointView(result.endpoint), { location: `/api/endpoints/${encodeURIComponent(result.endpoint.name)}` });
}

export async function listEndpoints(_request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  return json(200, { value: (await getServices().endpoints.list()).map(toEndpointView) });
}

export async function getEndpoint(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  const name = request.params.name ?? '';
  const endpoint = await getServices().endpoints.get(name);
  if (!endpoint) return problem(404, 'The endpoint does not exist.', [{ code: 'EndpointNotFound', field: 'name', message: `No migration endpoint is named "${name}".` }]);
  return json(200, toEndpointView(endpoint));
}

app.http('createEndpoint', { route: 'endpoints', methods: ['POST'], authLevel: 'function', handler: withProblemAnswers(createEndpoint) });
app.http('listEndpoints', { route: 'endpoints', methods: ['GET'], authLevel: 'function', handler: withProblemAnswers(listEndpoints) });
app.http('getEndpoint', { route: 'endpoints/{name}', methods: ['GET'], authLevel: 'function', handler: withProblemAnswers(getEndpoint) });
