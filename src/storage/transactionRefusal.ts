import { statusCodeOf } from './concurrencyError';

/**
 * Which action of an entity-group transaction the service refused, and why: a failed transaction applies
 * nothing and answers with the refused action's index before a colon, "1:The specified entity already
 * exists." (https://learn.microsoft.com/rest/api/storageservices/performing-entity-group-transactions#sample-error-response).
 * Only the answers that name one row are read so: an insert of a row that exists (409), a conditional
 * write over a row that changed (412) or is gone (404). Anything else is the caller's to throw.
 */
export function refusedAction(error: unknown): { index: number; status: number } | undefined {
  const status = statusCodeOf(error);
  if (status !== 409 && status !== 412 && status !== 404) return undefined;
  const message = error instanceof Error ? error.message : '';
  const index = /^(\d+):/.exec(message)?.[1];
  return index === undefined ? undefined : { index: Number(index), status };
}
