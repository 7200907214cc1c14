import { operationOf, type StorageOperation } from './storageOperation';

/**
 * The operations inside a Table service entity group transaction (`POST /<account>/$batch`, a
 * multipart/mixed body with one change set of HTTP requests). A rule for the Mailboxes table must
 * also see a MERGE of a mailbox that the app sends in a transaction, not only the lone requests.
 *
 * Each inner request starts with a request line, `PATCH http://host/<account>/Mailboxes(...) HTTP/1.1`
 * (https://learn.microsoft.com/en-us/rest/api/storageservices/performing-entity-group-transactions);
 * the body is read as latin1, so entity bytes can never break the search.
 */
const INNER_REQUEST_LINE = /^(GET|POST|PUT|PATCH|MERGE|DELETE) (\S+) HTTP\/1\.[01]\r?$/gm;

export function batchOperations(body: Buffer, accountPath: string): StorageOperation[] {
  const text = body.toString('latin1');
  return [...text.matchAll(INNER_REQUEST_LINE)].map((match) => operationOf(match[1]!, match[2]!, undefined, accountPath));
}

/** True for the request that carries a transaction. */
export function isBatch(operation: StorageOperation): boolean {
  return operation.method === 'POST' && operation.resource === '$batch';
}
