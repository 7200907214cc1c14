/**
 * Raised when a row changed since it was read (the ETag no longer matches, HTTP 412) or was
 * created by someone else first (409): the caller reads again and decides, rather than
 * overwriting another writer's change.
 */
export class ConcurrencyError extends Error {
  readonly code = 'ConcurrentUpdate';
  constructor(what: string) {
    super(`${what} was changed by another writer; read it again and retry.`);
    this.name = 'ConcurrencyError';
  }
}
