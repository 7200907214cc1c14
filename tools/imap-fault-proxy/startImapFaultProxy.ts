import { connect, createServer, type Socket } from 'node:net';

import { ImapFaultControls, type ImapFaultsInput } from './faultConfig';
import { ProxySession } from './proxySession';
import { type ImapFaultProxyStats, ProxyCounters } from './proxyStats';
import { listenOnLoopback } from '../net/listenOnLoopback';

export type { ImapFaultsInput, ImapFaultKind } from './faultConfig';
export { EVERY_USER, ImapFaultControls } from './faultConfig';
export type { ImapFaultProxyStats } from './proxyStats';
export { estimatedSize } from './fetchResponse';
export { STUB_SUBJECT_PREFIX } from './exchangeStub';

export interface StartImapFaultProxyOptions {
  /** The real server (plain IMAP: the proxy must read the stream, so no TLS or COMPRESS on this leg). */
  upstream: { host: string; port: number };
  /** Faults in force from the first connection, by user (`*` for every user). */
  faults?: Record<string, ImapFaultsInput>;
}

export interface RunningImapFaultProxy {
  /** Where clients connect: 127.0.0.1 and a port the kernel chose. */
  host: string;
  port: number;
  /** Set, change or clear faults at any moment, per user or for `*`. */
  faults: ImapFaultControls;
  /** Connections, commands seen and faults fired since start (or the last resetStats). */
  stats(): ImapFaultProxyStats;
  resetStats(): void;
  /** Cuts every open connection (both sides) between two commands, as a restarting server would. */
  dropConnections(): void;
  /** Destroys every client and server connection and closes the listener. */
  stop(): Promise<void>;
}

/**
 * An IMAP proxy in this process that stands in front of a real server (Dovecot in the tests) and
 * makes it behave like Exchange 2003/2007's IMAP4 service where that matters to a migration:
 * capabilities missing, estimated sizes, messages that cannot be fetched or come back as stubs,
 * connections cut mid-message, renumbered folders, STATUS answers without UIDNEXT, refused
 * APPENDs. Without faults it is transparent: every byte passes unchanged. See README.md.
 */
export async function startImapFaultProxy(options: StartImapFaultProxyOptions): Promise<RunningImapFaultProxy> {
  const controls = new ImapFaultControls();
  for (const [user, faults] of Object.entries(options.faults ?? {})) controls.set(user, faults);
  const counters = new ProxyCounters();
  const sessions = new Set<ProxySession>();
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const server = createServer((client) => {
    track(client);
    const upstream = connect({ host: options.upstream.host, port: options.upstream.port });
    track(upstream);
    // No Nagle delay: IMAP is a chat of small commands and answers.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const session = new ProxySession(client, upstream, controls, counters);
    sessions.add(session);
    counters.connectionOpened();
    client.once('close', () => {
      session.close();
      sessions.delete(session);
      counters.connectionClosed();
    });
  });

  const port = await listenOnLoopback(server, 'the IMAP fault proxy');

  let stopped: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port: port,
    faults: controls,
    stats: () => counters.snapshot(),
    resetStats: () => counters.reset(),
    dropConnections: () => {
      for (const session of sessions) session.close();
    },
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        // close() stops new connections; it returns once every socket is gone, which destroy() ensures.
        server.close(() => resolve());
        for (const session of sessions) session.close();
        for (const socket of sockets) socket.destroy();
      });
      return stopped;
    },
  };
}
