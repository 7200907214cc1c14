import type { HttpResponseInit } from '@azure/functions';
import { OPEN_API_DOCUMENT } from '../core/api/openApiDocument';
import { apiRoute } from './http/requestParameters';
import { json } from './http/responses';

/** `GET /api/openapi.json`: the API's description, open to anyone (it holds no data). */
export function getOpenApiDocument(): Promise<HttpResponseInit> {
  return Promise.resolve(json(200, OPEN_API_DOCUMENT));
}

apiRoute('openApiDocument', { route: 'openapi.json', methods: ['GET'], authLevel: 'anonymous' }, [], getOpenApiDocument);
