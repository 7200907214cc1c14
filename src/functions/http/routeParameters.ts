import { ENDPOINT_NAME_PATTERN, ENDPOINT_NAME_RULE } from '../../core/endpoint/migrationEndpoint';
import { pathName, queryName } from './requestParameters';

/**
 * A batch id as `tryBatchIdFromName` makes it (the name lower-cased, spaces as dashes). Upper case
 * is let through to a 404, since it is what a user types; anything else cannot be an id.
 */
const BATCH_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const BATCH_ID_RULE = 'must be a batch id: the batch name lower-cased with spaces as dashes, 1 to 64 letters, digits, dots, dashes or underscores';

/** `{id}` of every `/api/batches/{id}...` route. */
export const BATCH_ID = pathName('id', BATCH_ID_PATTERN, BATCH_ID_RULE);

/** `{name}` of `/api/endpoints/{name}`. */
export const ENDPOINT_NAME = pathName('name', ENDPOINT_NAME_PATTERN, ENDPOINT_NAME_RULE);

/** `?endpoint=` of `POST /api/batches`. */
export const ENDPOINT_QUERY = queryName('endpoint', ENDPOINT_NAME_PATTERN, ENDPOINT_NAME_RULE);
