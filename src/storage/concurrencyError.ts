import { ConcurrencyError } from '../core/errors/concurrencyError';

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
