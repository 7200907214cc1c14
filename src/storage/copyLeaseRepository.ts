import type { TableClient } from '@azure/data-tables';
import { statusCodeOf } from './concurrencyError';
import { copyScope } from './folderStateRepository';
import { unlessNotFound } from './unlessNotFound';
import type { CopyLeaseStore, HeldLease, LeaseAnswer } from '../services/ports/copyStores';

const LEASE_ROW = '~lease';

interface LeaseEntity {
  partitionKey: string;
  rowKey: string;
  holder: string;
  expiresAt: string;
}

/**
 * One run at a time copies a mailbox, as Dovecot's dsync locks a mailbox while it syncs it. Durable
 * activities run at least once: a lost lease, a host killed mid-page or Stop→Resume while a page still
 * runs can start the same page twice. The second run finds the lease held and waits for it to end (or
 * expire, when its holder died) instead of copying alongside.
 */
export class CopyLeaseRepository implements CopyLeaseStore {
  constructor(private readonly table: () => Promise<TableClient>) {}

  /** Takes the lease for `seconds` if it is free or expired (or already ours). */
  async acquire(mailboxKey: string, holder: string, now: Date, seconds: number): Promise<LeaseAnswer> {
    const table = await this.table();
    const partitionKey = copyScope(mailboxKey);
    const expiresAt = new Date(now.getTime() + seconds * 1000).toISOString();
    const current = await unlessNotFound(() => table.getEntity<LeaseEntity>(partitionKey, LEASE_ROW));
    const entity: LeaseEntity = { partitionKey, rowKey: LEASE_ROW, holder, expiresAt };
    try {
      if (!current) {
        const created = await table.createEntity(entity);
        return { held: { holder, expiresAt, etag: created.etag! } };
      }
      if (current.holder !== holder && Date.parse(current.expiresAt) > now.getTime()) return { heldByOther: { expiresAt: current.expiresAt } };
      const updated = await table.updateEntity(entity, 'Replace', { etag: current.etag });
      return { held: { holder, expiresAt, etag: updated.etag! } };
    } catch (error) {
      const status = statusCodeOf(error);
      // Another run took it between our read and our write.
      if (status === 409 || status === 412) return { heldByOther: { expiresAt: expiresAt } };
      throw error;
    }
  }

  /** Extends a lease we hold; undefined when it was lost (expired and taken by another run). */
  async renew(mailboxKey: string, lease: HeldLease, now: Date, seconds: number): Promise<HeldLease | undefined> {
    const table = await this.table();
    const expiresAt = new Date(now.getTime() + seconds * 1000).toISOString();
    try {
      const updated = await table.updateEntity({ partitionKey: copyScope(mailboxKey), rowKey: LEASE_ROW, holder: lease.holder, expiresAt }, 'Replace', {
        etag: lease.etag,
      });
      return { holder: lease.holder, expiresAt, etag: updated.etag! };
    } catch (error) {
      const status = statusCodeOf(error);
      if (status === 412 || status === 404) return undefined;
      throw error;
    }
  }

  /** Gives the lease back (only if still ours), so the next page need not wait for it to expire. */
  async release(mailboxKey: string, lease: HeldLease): Promise<void> {
    const table = await this.table();
    await table.deleteEntity(copyScope(mailboxKey), LEASE_ROW, { etag: lease.etag }).catch((error: unknown) => {
      const status = statusCodeOf(error);
      if (status !== 404 && status !== 412) throw error;
    });
  }
}
