import { connect } from 'node:net';
import { waitUntilServing } from '../net/waitUntilServing';

/**
 * Resolves once something accepts TCP connections on 127.0.0.1:`port`; rejects if `exited`
 * settles first (the server died, e.g. on a bad config) or after `timeoutMs`. slapd opens its
 * listeners only after the database is ready, so an accepted connection means it serves.
 */
export async function waitForListener(port: number, exited: Promise<void>, timeoutMs: number): Promise<void> {
  await waitUntilServing(() => accepts(port), exited, timeoutMs, `listener on port ${port}`);
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
