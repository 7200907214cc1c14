import { odata, type TableClient } from '@azure/data-tables';
import type { FolderCheckpoint } from '../core/copy/folderCheckpoint';
import { folderKey } from '../core/copy/itemKeys';
import { statusCodeOf, withConcurrencyCheck } from './concurrencyError';
import { ConcurrencyError } from '../core/errors/concurrencyError';
import { definedFields, ownFields } from './entityFields';
import { listAll, submitInTransactions } from './tableTransactions';
import { unlessNotFound } from './unlessNotFound';
import type { FolderStateStore, StoredCheckpoint } from '../services/ports/copyStores';

type FolderStateEntity = FolderCheckpoint & { partitionKey: string; rowKey: string };

/**
 * The partition of a mailbox's copy state: its key (the address), not its batch. A mailbox removed
 * from one batch and added to another goes on from where it was, instead of copying everything again.
 */
export function copyScope(mailboxKey: string): string {
  return `m|${mailboxKey}`;
}

/** Rows of the partition that are not checkpoints (the copy lease) start with `~`, after every folder key. */
const CHECKPOINT_ROWS = { low: '0', high: '~' };

/**
 * Per-folder copy checkpoints of a mailbox: partition = mailbox, row = folder key. Every write is
 * guarded: a new checkpoint is only inserted, and a changed one is replaced only if nobody else wrote
 * it since it was read (ETag), so two runs of the same page can never move a checkpoint over each other.
 */
export class FolderStateRepository implements FolderStateStore {
  constructor(private readonly table: () => Promise<TableClient>) {}

  async get(mailboxKey: string, sourcePath: string): Promise<StoredCheckpoint | undefined> {
    const table = await this.table();
    const entity = await unlessNotFound(() => table.getEntity<FolderStateEntity>(copyScope(mailboxKey), folderKey(sourcePath)));
    return entity && { checkpoint: toCheckpoint(entity), etag: entity.etag };
  }

  async list(mailboxKey: string): Promise<FolderCheckpoint[]> {
    const scope = copyScope(mailboxKey);
    const rows = await listAll<FolderStateEntity>(
      await this.table(),
      odata`PartitionKey eq ${scope} and RowKey ge ${CHECKPOINT_ROWS.low} and RowKey lt ${CHECKPOINT_ROWS.high}`,
    );
    return rows.map(toCheckpoint);
  }

  /** Inserts a folder's first checkpoint; false when one exists already (another run made it). */
  async create(mailboxKey: string, checkpoint: FolderCheckpoint): Promise<boolean> {
    const table = await this.table();
    try {
      await table.createEntity(toEntity(mailboxKey, checkpoint));
      return true;
    } catch (error) {
      if (statusCodeOf(error) === 409) return false;
      throw error;
    }
  }

  /** Replaces the checkpoint read with `etag`; a ConcurrencyError when another run wrote it since. Returns the new ETag. */
  async save(mailboxKey: string, checkpoint: FolderCheckpoint, etag: string): Promise<string> {
    const table = await this.table();
    const answer = await withConcurrencyCheck(`The checkpoint of "${checkpoint.sourcePath}"`, () =>
      table.updateEntity(toEntity(mailboxKey, checkpoint), 'Replace', { etag }),
    );
    if (!answer.etag) throw new ConcurrencyError(`The checkpoint of "${checkpoint.sourcePath}"`);
    return answer.etag;
  }

  async deleteMailbox(mailboxKey: string): Promise<void> {
    const table = await this.table();
    const scope = copyScope(mailboxKey);
    const rows = await listAll<FolderStateEntity>(table, odata`PartitionKey eq ${scope}`);
    await submitInTransactions(
      table,
      rows.map((row) => ['delete', { partitionKey: scope, rowKey: row.rowKey }]),
    );
  }
}

function toEntity(mailboxKey: string, checkpoint: FolderCheckpoint): FolderStateEntity {
  return { ...definedFields(checkpoint), partitionKey: copyScope(mailboxKey), rowKey: folderKey(checkpoint.sourcePath) };
}

function toCheckpoint(entity: FolderStateEntity): FolderCheckpoint {
  return ownFields(entity) as unknown as FolderCheckpoint;
}
