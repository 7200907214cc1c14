import type { Server } from 'node:net';

/**
 * Starts `server` listening on 127.0.0.1 on a port the system picks, and answers that port. A server
 * that cannot listen rejects with its error, and one with no TCP address is closed and refused, naming `what`.
 */
export async function listenOnLoopback(server: Server, what: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') {
    server.close();
    throw new Error(`${what} got no TCP port`);
  }
  return address.port;
}
