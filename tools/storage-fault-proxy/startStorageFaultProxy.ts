import { createServer } from 'node:http';
import type { Socket } from 'node:net';

import { type StorageService, storageEndpoint, withProxiedEndpoints } from './connectionString';
import { StorageFaultControls, type StorageFaultInput } from './faultConfig';
import { handleRequest } from './requestHandler';
import { ProxyCounters, type StorageFaultProxyStats } from './proxyStats';
import { Upstream } from './upstream';
import { listenOnLoopback } from '../net/listenOnLoopback';

export type { StorageService } from './connectionString';
export { storageEndpoint, withProxiedEndpoints } from './connectionString';
export type { StorageFailure, StorageFault, StorageFaultInput, StorageFaultState } from './faultConfig';
export { FAILURES, StorageFaultControls } from './faultConfig';
export type { StorageFaultProxyStats } from './proxyStats';
export type { StorageErrorCode } from './storageErrorResponse';

export interface StartStorageFaultProxyOptions {
  /** Azurite's connection string (`TEST_STORAGE_CONNECTION`): where requests go, with explicit endpoints. */
  connectionString: string;
  /** The Azurite service the proxy stands in front of; default `table`. One proxy per service. */
  service?: StorageService;
  /** Rules in force from the first request, by name. */
  faults?: Record<string, StorageFaultInput>;
}

export interface RunningStorageFaultProxy {
  service: StorageService;
  /** Where clients connect: 127.0.0.1 and a port the kernel chose. */
  host: string;
  port: number;
  /** The service endpoint through the proxy, with Azurite's account path: `http://127.0.0.1:<port>/devstoreaccount1`. */
  url: string;
  /** Azurite's connection string with this service's endpoint pointing at the proxy (the others unchanged). */
  connectionString: string;
  /** Set, replace or clear rules at any moment, by name. */
  faults: StorageFaultControls;
  /** Connections, requests relayed and failed, and how many requests each rule failed. */
  stats(): StorageFaultProxyStats;
  resetStats(): void;
  /** Cuts every open client connection, as a network fault would (requests in flight included). */
  dropConnections(): void;
  /** Destroys every client and Azurite connection and closes the listener. */
  stop(): Promise<void>;
}

/**
 * An HTTP reverse proxy in this process in front of one of Azurite's services, so a test can make
 * chosen requests fail the way Azure Storage documents transient failures (503 ServerBusy, 500
 * InternalError or OperationTimedOut, or a cut connection), before Azurite sees them or after it
 * applied them. Every other request passes unchanged. See README.md.
 */
export async function startStorageFaultProxy(options: StartStorageFaultProxyOptions): Promise<RunningStorageFaultProxy> {
  const service = options.service ?? 'table';
  const endpoint = storageEndpoint(options.connectionString, service);
  if (endpoint.protocol !== 'http:') throw new Error(`the storage fault proxy speaks plain HTTP to Azurite; the ${service} endpoint is ${endpoint.href}`);
  const accountPath = endpoint.pathname.replace(/\/+$/, '');
  const controls = new StorageFaultControls();
  for (const [name, rule] of Object.entries(options.faults ?? {})) controls.set(name, rule);
  const counters = new ProxyCounters();
  const upstream = new Upstream({ host: endpoint.hostname, port: Number(endpoint.port || 80) });
  const context = { service, accountPath, controls, counters, upstream };

  const sockets = new Set<Socket>();
  const server = createServer((client, response) => {
    handleRequest(context, client, response).catch(() => response.destroy());
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    counters.connectionOpened();
    // Storage requests are small and answered at once: no Nagle delay on either side.
    socket.setNoDelay(true);
    socket.once('close', () => {
      sockets.delete(socket);
      counters.connectionClosed();
    });
  });

  const port = await listenOnLoopback(server, 'the storage fault proxy');

  const url = `http://127.0.0.1:${port}${accountPath}`;
  let stopped: Promise<void> | undefined;
  return {
    service,
    host: '127.0.0.1',
    port: port,
    url,
    connectionString: withProxiedEndpoints(options.connectionString, { [service]: url }),
    faults: controls,
    stats: () => counters.snapshot(),
    resetStats: () => counters.reset(),
    dropConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
    stop: () => {
      stopped ??= (async () => {
        // close() stops new connections and calls back once every connection is gone, which
        // destroy() ensures; waiting for each socket's own close also settles the counters.
        const closed = [...sockets].map((socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())));
        const listenerClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        upstream.destroy();
        await Promise.all([listenerClosed, ...closed]);
      })();
      return stopped;
    },
  };
}
