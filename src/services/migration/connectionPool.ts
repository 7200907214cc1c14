/** What a pool holds: a mailbox's open connections, closed together. */
export interface Closeable {
  close(): Promise<void>;
}

export interface PooledUse<T> {
  value: T;
  /** Gives the connections back; a failed use closes them, since they may be broken. */
  release(healthy: boolean): void;
}

interface Pooled<T> {
  value: T;
  busy: boolean;
  idleTimer?: NodeJS.Timeout;
}

/**
 * Keeps a mailbox's connections open between its copy pages (which run one after another in the same
 * worker), so a page does not pay its logins again. Idle connections close after `idleMs`; a connection
 * in use is never shared.
 */
export class ConnectionPool<T extends Closeable> {
  private readonly pooled = new Map<string, Pooled<T>>();

  constructor(private readonly idleMs = 30_000) {}

  async acquire(key: string, open: () => Promise<T>): Promise<PooledUse<T>> {
    const existing = this.pooled.get(key);
    if (existing && !existing.busy) {
      clearTimeout(existing.idleTimer);
      existing.busy = true;
      return this.use(key, existing);
    }
    const entry: Pooled<T> = { value: await open(), busy: true };
    if (!existing) this.pooled.set(key, entry);
    return this.use(key, entry, existing !== undefined);
  }

  private use(key: string, entry: Pooled<T>, unpooled = false): PooledUse<T> {
    return {
      value: entry.value,
      release: (healthy) => {
        entry.busy = false;
        if (!healthy || unpooled) {
          if (this.pooled.get(key) === entry) this.pooled.delete(key);
          void entry.value.close().catch(() => undefined);
          return;
        }
        entry.idleTimer = setTimeout(() => {
          if (this.pooled.get(key) === entry && !entry.busy) {
            this.pooled.delete(key);
            void entry.value.close().catch(() => undefined);
          }
        }, this.idleMs);
        entry.idleTimer.unref();
      },
    };
  }
}
