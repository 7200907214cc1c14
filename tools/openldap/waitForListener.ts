import { connect } from 'node:net';

/**
 * Resolves once something accepts TCP connections on 127.0.0.1:`port`; rejects if `exited`
 * settles first (the server died, e.g. on a bad config) or after `timeoutMs`. slapd opens its
 * listeners only after the database is ready, so an accepted connection means it serves.
 */
export async function waitForListener(port: number, exited: Promise<void>, timeoutMs: number): Promise<void> {
  let processGone = false;
  void exited.then(() => (processGone = true));
  const deadline = Date.now() + timeoutMs;
  while (!processGone) {
    if (Date.now() > deadline) throw new Error(`nothing listening on port ${port} within ${timeoutMs} ms`);
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the server process exited');
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}
