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

export function statusCodeOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'statusCode' in error) {
    const code = error.statusCode;
    return typeof code === 'number' ? code : undefined;
  }
  return undefined;
}

/** Runs a write, turning the service's 409/412 answers into a ConcurrencyError. */
export async function withConcurrencyCheck<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const status = statusCodeOf(error);
    if (status === 412 || status === 409) throw new ConcurrencyError(what);
    throw error;
  }
}
