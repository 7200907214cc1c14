import { randomUUID } from 'node:crypto';
import type { SandboxResponse } from '../http/sandboxRequest';

/**
 * The Entra ID (v2.0 endpoint) OAuth error shape, which is not Graph's: `error`, `error_description`
 * starting with the AADSTS code, `error_codes`, `timestamp`, `trace_id`, `correlation_id`
 * (https://learn.microsoft.com/entra/identity-platform/reference-error-codes).
 */
export function entraError(status: number, error: string, aadsts: number, description: string): SandboxResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
  return {
    status,
    json: {
      error,
      error_description: `AADSTS${aadsts}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${aadsts}`,
    },
  };
}
