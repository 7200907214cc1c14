import { app, type HttpResponseInit } from '@azure/functions';
import { OPEN_API_DOCUMENT } from '../core/api/openApiDocument';
import { json } from './http/responses';

/** `GET /api/openapi.json`: the API's description, open to anyone (it holds no data). */
export function getOpenApiDocument(): Promise<HttpResponseInit> {
  return Promise.resolve(json(200, OPEN_API_DOCUMENT));
}

app.http('openApiDocument', { route: 'openapi.json', methods: ['GET'], authLevel: 'anonymous', handler: getOpenApiDocument });
