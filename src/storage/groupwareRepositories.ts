import { odata, type TableClient } from '@azure/data-tables';

import { collectionKey, groupwareItemKey } from '../core/groupware/groupwareKeys';
import type { GroupwareKind } from '../core/groupware/groupwareKind';
import type {
  GroupwareCollectionState,
  GroupwareCollectionStore,
  GroupwareItemEntry,
  GroupwareItemStore,
  SkippedGroupwareEntry,
  StoredGroupwareItem,
} from '../services/ports/groupwareStores';
import { statusCodeOf } from './concurrencyError';
import { definedFields, ownFields } from './entityFields';
import { listAll, submitInTransactions } from './tableTransactions';

type ItemEntity = GroupwareItemEntry & { partitionKey: string; rowKey: string };
type CollectionEntity = GroupwareCollectionState & { partitionKey: string; rowKey: string };

/** A mailbox's groupware rows share its partition prefix, so removing a mailbox finds them all. */
function mailboxScope(mailboxKey: string): string {
  return `g|${mailboxKey}|`;
}

function itemScope(mailboxKey: string, kind: GroupwareKind, collectionId: string): string {
  return `${mailboxScope(mailboxKey)}${kind}|${collectionKey(collectionId)}`;
}

/** Every partition that starts with `prefix`: `ge prefix and lt prefix+U+FFFF`. */
function partitionsStartingWith(prefix: string): string {
  const end = `${prefix}\uffff`;
  return odata`PartitionKey ge ${prefix} and PartitionKey lt ${end}`;
}

/**
 * The groupware item map. Entries are inserted only if absent and replaced only with the ETag they were
 * read with, as the mail claims are, so two runs of the same collection page agree on who creates what.
 */
export class GroupwareItemRepository implements GroupwareItemStore {
  constructor(private readonly table: () => Promise<TableClient>) {}

  async list(mailboxKey: string, kind: GroupwareKind, collectionId: string): Promise<Map<string, StoredGroupwareItem>> {
    const scope = itemScope(mailboxKey, kind, collectionId);
    const rows = await listAll<ItemEntity>(await this.table(), odata`PartitionKey eq ${scope}`);
    return new Map(rows.map((row) => [row.href, { entry: ownFields(row) as unknown as GroupwareItemEntry, etag: row.etag }]));
  }

  async insert(mailboxKey: string, kind: GroupwareKind, collectionId: string, entry: GroupwareItemEntry): Promise<string | undefined> {
    const table = await this.table();
    try {
      return (await table.createEntity(toItemEntity(mailboxKey, kind, collectionId, entry))).etag;
    } catch (error) {
      if (statusCodeOf(error) === 409) return undefined;
      throw error;
    }
  }

  async replace(mailboxKey: string, kind: GroupwareKind, collectionId: string, entry: GroupwareItemEntry, etag: string): Promise<string | undefined> {
    const table = await this.table();
    try {
      return (await table.updateEntity(toItemEntity(mailboxKey, kind, collectionId, entry), 'Replace', { etag })).etag;
    } catch (error) {
      if (statusCodeOf(error) === 412 || statusCodeOf(error) === 404) return undefined;
      throw error;
    }
  }

  async remove(mailboxKey: string, kind: GroupwareKind, collectionId: string, href: string, etag: string): Promise<void> {
    const table = await this.table();
    try {
      await table.deleteEntity(itemScope(mailboxKey, kind, collectionId), groupwareItemKey(href), { etag });
    } catch (error) {
      // Gone already, or changed by another run since it was read: either way this run has nothing to remove.
      if (statusCodeOf(error) !== 404 && statusCodeOf(error) !== 412) throw error;
    }
  }

  async listSkipped(mailboxKey: string): Promise<SkippedGroupwareEntry[]> {
    const rows = await listAll<ItemEntity>(await this.table(), `${partitionsStartingWith(mailboxScope(mailboxKey))} and ${odata`state eq ${'skipped'}`}`);
    return rows.map((row) => {
      const entry = ownFields(row) as unknown as GroupwareItemEntry;
      // The partition is `g|{mailbox}|{kind}|{collection key}`.
      const [kind, key] = row.partitionKey.slice(mailboxScope(mailboxKey).length).split('|') as [GroupwareKind, string];
      return { kind, collectionKey: key, entry };
    });
  }

  async deleteMailbox(mailboxKey: string): Promise<void> {
    await deleteRows(await this.table(), mailboxScope(mailboxKey));
  }
}

/** The mailbox's groupware collections and their sync tokens. */
export class GroupwareCollectionRepository implements GroupwareCollectionStore {
  constructor(private readonly table: () => Promise<TableClient>) {}

  async list(mailboxKey: string): Promise<GroupwareCollectionState[]> {
    const scope = mailboxScope(mailboxKey);
    const rows = await listAll<CollectionEntity>(await this.table(), odata`PartitionKey eq ${scope}`);
    return rows.map((row) => ownFields(row) as unknown as GroupwareCollectionState);
  }

  async save(mailboxKey: string, state: GroupwareCollectionState): Promise<void> {
    const table = await this.table();
    const entity: CollectionEntity = {
      partitionKey: mailboxScope(mailboxKey),
      rowKey: `${state.kind}|${collectionKey(state.collectionId)}`,
      ...definedFields(state),
    };
    await table.upsertEntity(entity, 'Replace');
  }

  async deleteMailbox(mailboxKey: string): Promise<void> {
    await deleteRows(await this.table(), mailboxScope(mailboxKey));
  }
}

function toItemEntity(mailboxKey: string, kind: GroupwareKind, collectionId: string, entry: GroupwareItemEntry): ItemEntity {
  return { partitionKey: itemScope(mailboxKey, kind, collectionId), rowKey: groupwareItemKey(entry.href), ...definedFields(entry) };
}

async function deleteRows(table: TableClient, prefix: string): Promise<void> {
  const rows = await listAll<object>(table, partitionsStartingWith(prefix));
  await submitInTransactions(
    table,
    rows.map((row) => ['delete', { partitionKey: row.partitionKey, rowKey: row.rowKey }]),
  );
}
