import { createHash } from 'node:crypto';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import { statusCodeOf } from './concurrencyError';
import { listAll, submitInTransactions } from './tableTransactions';
import type { ActiveAddressStore, AddressClaim } from '../services/ports/batchStores';

/** Sixteen partitions: a 2,000-row batch claims its addresses in about 32 transactions. */
function bucketOf(mailboxKey: string): string {
  return createHash('sha1').update(mailboxKey).digest('hex').slice(0, 1);
}

interface ClaimEntity {
  batchId: string;
  batchName: string;
}

/**
 * Which batch holds each mailbox address. A mailbox may be in only one active batch (Exchange
 * Online refuses a user already in another batch); claims are created atomically, so two batches
 * taken in at the same moment cannot both get one address.
 */
export class ActiveAddressRepository implements ActiveAddressStore {
  constructor(private readonly table: () => Promise<TableClient>) {}

  async listAll(): Promise<AddressClaim[]> {
    const rows = await listAll<ClaimEntity>(await this.table());
    return rows.map((row) => ({ mailboxKey: row.rowKey, batchId: row.batchId, batchName: row.batchName }));
  }

  /**
   * Claims every key for the batch. Keys held by the same batch (a re-run) or by a batch in
   * `reclaimable` (one that is no longer active) are taken over. Returns the keys held by
   * another batch; when there are any, this call's own claims are released again.
   */
  async claimAll(batchId: string, batchName: string, keys: string[], reclaimable: ReadonlySet<string>): Promise<AddressClaim[]> {
    const table = await this.table();
    const actions: TransactionAction[] = keys.map((key) => ['create', { partitionKey: bucketOf(key), rowKey: key, batchId, batchName }]);
    try {
      await submitInTransactions(table, actions);
      return [];
    } catch (error) {
      if (statusCodeOf(error) !== 409) throw error;
    }
    // Some transaction met an existing claim: settle key by key (transactions already committed stay ours).
    const conflicts: AddressClaim[] = [];
    for (const key of keys) {
      const held = await this.claimOne(table, key, batchId, batchName, reclaimable);
      if (held) conflicts.push(held);
    }
    if (conflicts.length > 0) await this.releaseKeys(batchId, keys);
    return conflicts;
  }

  /** Frees the batch's claims on these keys (claims held by other batches are left alone). */
  async releaseKeys(batchId: string, keys: string[]): Promise<void> {
    const table = await this.table();
    for (const key of keys) {
      try {
        const entity = await table.getEntity<ClaimEntity>(bucketOf(key), key);
        if (entity.batchId === batchId) await table.deleteEntity(bucketOf(key), key, { etag: entity.etag });
      } catch (error) {
        const status = statusCodeOf(error);
        if (status !== 404 && status !== 412) throw error;
      }
    }
  }

  private async claimOne(
    table: TableClient,
    key: string,
    batchId: string,
    batchName: string,
    reclaimable: ReadonlySet<string>,
  ): Promise<AddressClaim | undefined> {
    const partitionKey = bucketOf(key);
    try {
      await table.createEntity({ partitionKey, rowKey: key, batchId, batchName });
      return undefined;
    } catch (error) {
      if (statusCodeOf(error) !== 409) throw error;
    }
    const existing = await table.getEntity<ClaimEntity>(partitionKey, key);
    if (existing.batchId === batchId) return undefined;
    if (!reclaimable.has(existing.batchId)) return { mailboxKey: key, batchId: existing.batchId, batchName: existing.batchName };
    try {
      await table.updateEntity({ partitionKey, rowKey: key, batchId, batchName }, 'Replace', { etag: existing.etag });
      return undefined;
    } catch (error) {
      if (statusCodeOf(error) !== 412) throw error;
      return { mailboxKey: key, batchId: existing.batchId, batchName: existing.batchName };
    }
  }
}
