import { statusCodeOf } from './concurrencyError';

/**
 * Runs a storage call, answering undefined when the entity, blob or secret does not exist
 * (404): reads treat absence as a value, deletes as done. Any other failure is thrown.
 */
export async function unlessNotFound<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (statusCodeOf(error) === 404) return undefined;
    throw error;
  }
}
