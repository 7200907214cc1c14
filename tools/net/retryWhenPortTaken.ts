/** A server found its port taken between findFreePort and its own bind: worth another try. */
export class PortTakenError extends Error {}

/** Starts a server, trying again (up to three times) only when its port was taken meanwhile. */
export async function retryWhenPortTaken<T>(start: () => Promise<T>): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      return await start();
    } catch (error) {
      lastError = error;
      if (!(error instanceof PortTakenError)) break;
    }
  }
  throw lastError;
}
