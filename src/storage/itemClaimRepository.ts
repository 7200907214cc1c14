import { odata, type TableClient } from '@azure/data-tables';
import type { Occurrence } from '../core/copy/itemClaims';
import { statusCodeOf } from './concurrencyError';
import { copyScope } from './folderStateRepository';
import { listAll, submitInTransactions } from './tableTransactions';
import { unlessNotFound } from './unlessNotFound';
import type { ItemClaimStore, StoredClaim } from '../services/ports/copyStores';

interface ClaimEntity {
  partitionKey: string;
  rowKey: string;
  occurrencesJson: string;
}

/** How many claims are read at once: point reads, so a page of new items costs one round of them. */
const READ_CONCURRENCY = 16;

/**
 * The mailbox's item claims: partition = mailbox, row = content key, the occurrences as JSON. A claim is
 * inserted only if absent and replaced only with the ETag it was read with, so two runs of the same
 * page (Durable activities run at least once) agree on which occurrence each item owns. Which of two
 * live runs may create it is the mailbox's copy lease's job (heldCopyLease.ts): a claim alone does not
 * name the run that holds it.
 */
export class ItemClaimRepository implements ItemClaimStore {
  constructor(private readonly table: () => Promise<TableClient>) {}

  async getMany(mailboxKey: string, contentKeys: string[]): Promise<Map<string, StoredClaim>> {
    const table = await this.table();
    const found = new Map<string, StoredClaim>();
    const keys = [...new Set(contentKeys)];
    for (let start = 0; start < keys.length; start += READ_CONCURRENCY) {
      await Promise.all(
        keys.slice(start, start + READ_CONCURRENCY).map(async (key) => {
          const entity = await unlessNotFound(() => table.getEntity<ClaimEntity>(copyScope(mailboxKey), key));
          if (entity) found.set(key, { occurrences: JSON.parse(entity.occurrencesJson) as Occurrence[], etag: entity.etag });
        }),
      );
    }
    return found;
  }

  /** Inserts a claim; undefined when one exists already (another run claimed the content first). Returns the ETag. */
  async insert(mailboxKey: string, contentKey: string, occurrences: Occurrence[]): Promise<string | undefined> {
    const table = await this.table();
    try {
      return (await table.createEntity(toEntity(mailboxKey, contentKey, occurrences))).etag;
    } catch (error) {
      if (statusCodeOf(error) === 409) return undefined;
      throw error;
    }
  }

  /** Replaces a claim read with `etag`; undefined when it changed since (read it again). Returns the new ETag. */
  async replace(mailboxKey: string, contentKey: string, occurrences: Occurrence[], etag: string): Promise<string | undefined> {
    const table = await this.table();
    try {
      return (await table.updateEntity(toEntity(mailboxKey, contentKey, occurrences), 'Replace', { etag })).etag;
    } catch (error) {
      if (statusCodeOf(error) === 412 || statusCodeOf(error) === 404) return undefined;
      throw error;
    }
  }

  async deleteMailbox(mailboxKey: string): Promise<void> {
    const table = await this.table();
    const scope = copyScope(mailboxKey);
    const rows = await listAll<ClaimEntity>(table, odata`PartitionKey eq ${scope}`);
    await submitInTransactions(
      table,
      rows.map((row) => ['delete', { partitionKey: scope, rowKey: row.rowKey }]),
    );
  }
}

function toEntity(mailboxKey: string, contentKey: string, occurrences: Occurrence[]): ClaimEntity {
  return { partitionKey: copyScope(mailboxKey), rowKey: contentKey, occurrencesJson: JSON.stringify(occurrences) };
}
