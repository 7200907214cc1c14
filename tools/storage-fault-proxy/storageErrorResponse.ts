import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

import type { StorageService } from './connectionString';

/**
 * The error answers of Azure Storage for the transient failures a test injects, in the shape the
 * services send them, so client libraries parse them exactly as they would parse Azure's.
 *
 * Status codes and messages: "Common REST API error codes",
 * https://learn.microsoft.com/en-us/rest/api/storageservices/common-rest-api-error-codes.
 * Bodies and `x-ms-error-code`: "Status and error codes" (its "Error responses for Table Storage"
 * shows the JSON and Atom bodies), https://learn.microsoft.com/en-us/rest/api/storageservices/status-and-error-codes2.
 */
export type StorageErrorCode = 'ServerBusy' | 'InternalError' | 'OperationTimedOut';

const DOCUMENTED: Record<StorageErrorCode, { status: number; message: string }> = {
  ServerBusy: { status: 503, message: 'The server is currently unable to receive requests. Please retry your request.' },
  InternalError: { status: 500, message: 'The server encountered an internal error. Please retry the request.' },
  OperationTimedOut: { status: 500, message: 'The operation could not be completed within the permitted time.' },
};

/**
 * What the proxy answers when a request asks neither version: the version @azure/data-tables 13
 * sends. The services answer with the version that executed the request, which is the request's.
 */
const FALLBACK_VERSION = '2019-02-02';

export interface StorageErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface ErrorRequest {
  method: string;
  /** The request target as received, for `$format`. */
  url: string;
  headers: IncomingHttpHeaders;
}

/**
 * The whole answer: status, the headers every Storage error carries (`x-ms-error-code`,
 * `x-ms-request-id`, `x-ms-version`, the caller's `x-ms-client-request-id` echoed) and the body:
 * the Table service's OData JSON error for a request that accepts JSON, the OData XML error for
 * other Table requests, the `<Error>` document of Blob and Queue storage otherwise. HEAD answers
 * carry no body.
 */
export function storageErrorResponse(service: StorageService, code: StorageErrorCode, request: ErrorRequest, message?: string): StorageErrorResponse {
  const { status, message: documented } = DOCUMENTED[code];
  const requestId = randomUUID();
  // "RequestId:<id>\nTime:<UTC, seven decimals>" closes every Storage error message.
  const text = `${message ?? documented}\nRequestId:${requestId}\nTime:${serviceTime(new Date())}`;
  const headers: Record<string, string> = {
    'x-ms-error-code': code,
    'x-ms-request-id': requestId,
    'x-ms-version': headerValue(request.headers['x-ms-version']) ?? FALLBACK_VERSION,
  };
  const clientRequestId = headerValue(request.headers['x-ms-client-request-id']);
  if (clientRequestId !== undefined) headers['x-ms-client-request-id'] = clientRequestId;

  const { contentType, body } = errorBody(service, code, text, request);
  headers['content-type'] = contentType;
  const sent = request.method.toUpperCase() === 'HEAD' ? Buffer.alloc(0) : body;
  headers['content-length'] = String(sent.length);
  return { status, headers, body: sent };
}

function errorBody(service: StorageService, code: StorageErrorCode, text: string, request: ErrorRequest): { contentType: string; body: Buffer } {
  if (service === 'table') {
    const json = jsonFlavour(request);
    if (json) {
      const body = JSON.stringify({ 'odata.error': { code, message: { lang: 'en-US', value: text } } });
      return { contentType: `application/json;odata=${json};streaming=true;charset=utf-8`, body: Buffer.from(body, 'utf8') };
    }
    const body =
      '<?xml version="1.0" encoding="utf-8"?>' +
      '<error xmlns="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata">' +
      `<code>${escapeXml(code)}</code><message xml:lang="en-US">${escapeXml(text)}</message></error>`;
    return { contentType: 'application/xml', body: Buffer.from(body, 'utf8') };
  }
  const body = '<?xml version="1.0" encoding="utf-8"?>' + `<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(text)}</Message></Error>`;
  return { contentType: 'application/xml', body: Buffer.from(body, 'utf8') };
}

/**
 * The OData JSON flavour the request asked for (`$format` wins over `Accept`, as for the Table
 * service's own answers), or undefined when it did not ask for JSON. Plain `application/json`
 * means minimal metadata.
 */
function jsonFlavour(request: ErrorRequest): 'nometadata' | 'minimalmetadata' | 'fullmetadata' | undefined {
  const format = formatParameter(request.url) ?? headerValue(request.headers.accept) ?? '';
  const accept = format.toLowerCase().replace(/\s/g, '');
  if (!accept.includes('application/json')) return undefined;
  if (accept.includes('odata=nometadata')) return 'nometadata';
  if (accept.includes('odata=fullmetadata')) return 'fullmetadata';
  return 'minimalmetadata';
}

function formatParameter(url: string): string | undefined {
  const query = url.indexOf('?');
  if (query < 0) return undefined;
  return new URLSearchParams(url.slice(query + 1)).get('$format') ?? undefined;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `2024-05-16T09:04:16.3226200Z`: the services write seven decimals of a second. */
function serviceTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
