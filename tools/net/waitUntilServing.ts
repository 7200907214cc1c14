/**
 * Polls `probe` until it answers true; rejects if `exited` settles first (the server died, e.g. on
 * a bad config) or after `timeoutMs`, saying what was waited for.
 */
export async function waitUntilServing(probe: () => Promise<boolean>, exited: Promise<void>, timeoutMs: number, what: string): Promise<void> {
  let processGone = false;
  void exited.then(() => (processGone = true));
  const deadline = Date.now() + timeoutMs;
  while (!processGone) {
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the server process exited');
}
