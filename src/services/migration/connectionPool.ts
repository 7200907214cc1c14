import type { MailSource } from '../ports/mailSource';
import type { CopyTarget } from '../ports/copyTarget';

export interface MailboxConnections {
  source: MailSource;
  target: CopyTarget;
}

export interface Lease {
  connections: MailboxConnections;
  /** Gives the connections back; a failed use closes them, since they may be broken. */
  release(healthy: boolean): void;
}

interface Pooled {
  connections: MailboxConnections;
  busy: boolean;
  idleTimer?: NodeJS.Timeout;
}

/**
 * Keeps a mailbox's source and target connections open between its copy pages (which run one
 * after another in the same worker), so a page does not pay two logins. Idle connections close
 * after `idleMs`; a connection in use is never shared.
 */
export class ConnectionPool {
  private readonly pooled = new Map<string, Pooled>();

  constructor(private readonly idleMs = 30_000) {}

  async acquire(key: string, open: () => Promise<MailboxConnections>): Promise<Lease> {
    const existing = this.pooled.get(key);
    if (existing && !existing.busy) {
      clearTimeout(existing.idleTimer);
      existing.busy = true;
      return this.lease(key, existing);
    }
    const entry: Pooled = { connections: await open(), busy: true };
    if (!existing) this.pooled.set(key, entry);
    return this.lease(key, entry, existing !== undefined);
  }

  private lease(key: string, entry: Pooled, unpooled = false): Lease {
    return {
      connections: entry.connections,
      release: (healthy) => {
        entry.busy = false;
        if (!healthy || unpooled) {
          if (this.pooled.get(key) === entry) this.pooled.delete(key);
          void closeAll(entry.connections);
          return;
        }
        entry.idleTimer = setTimeout(() => {
          if (this.pooled.get(key) === entry && !entry.busy) {
            this.pooled.delete(key);
            void closeAll(entry.connections);
          }
        }, this.idleMs);
        entry.idleTimer.unref();
      },
    };
  }
}

async function closeAll(connections: MailboxConnections): Promise<void> {
  await Promise.allSettled([connections.source.close(), connections.target.close()]);
}
