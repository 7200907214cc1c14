import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { copyScope, prefixEnd } from '../core/ledger/ledgerKeys';
import type { ContainerState } from '../core/ledger/containerState';
import type { Stored } from '../core/ledger/ledgerRows';
import {
  type CopyLedgerStore,
  type GroupResult,
  type LeaseRow,
  type LedgerWrite,
  MAX_TRANSACTION_WRITES,
  type MailboxContainers,
  type TransactResult,
} from '../services/ports/copyLedgerStore';
import { CONTAINER_PREFIX, type ContainerEntity, containerRowKey, FORGOTTEN_ROW, LEASE_ROW, toContainer, toContainerEntity } from './containerEntity';
import { definedFields, ownFields } from './entityFields';
import { refusedAction } from './transactionRefusal';
import { listAll, submitInTransactions } from './tableTransactions';

/**
 * Table Storage takes at most 15 discrete comparisons in one `$filter`
 * (https://learn.microsoft.com/rest/api/storageservices/querying-tables-and-entities#constructing-filter-strings):
 * the partition takes one, so 14 keys (or 7 key ranges) go in one query.
 */
const KEYS_PER_QUERY = 14;
const RANGES_PER_QUERY = 7;
/** Queries of one read sent at once. */
const READ_CONCURRENCY = 8;

/**
 * A mailbox's copy state: partition = mailbox; rows as core/ledger/ledgerKeys.ts keys them (items, mail
 * positions, skipped items), one row per container (`c|…`) and the lease (`~lease`).
 */
export class CopyLedgerRepository implements CopyLedgerStore {
  constructor(private readonly table: () => Promise<TableClient>) {}

  async read<T>(mailboxKey: string, keys: readonly string[]): Promise<Map<string, Stored<T>>> {
    const scope = copyScope(mailboxKey);
    const filters = chunks([...new Set(keys)], KEYS_PER_QUERY).map(
      (group) => `${odata`PartitionKey eq ${scope}`} and (${group.map((key) => odata`RowKey eq ${key}`).join(' or ')})`,
    );
    return this.query<T>(filters);
  }

  async readPrefixes<T>(mailboxKey: string, prefixes: readonly string[]): Promise<Map<string, Stored<T>>> {
    const scope = copyScope(mailboxKey);
    const filters = chunks([...new Set(prefixes)], RANGES_PER_QUERY).map(
      (group) =>
        `${odata`PartitionKey eq ${scope}`} and (${group.map((prefix) => `(${odata`RowKey ge ${prefix} and RowKey lt ${prefixEnd(prefix)}`})`).join(' or ')})`,
    );
    return this.query<T>(filters);
  }

  async readRange<T>(mailboxKey: string, low: string, high: string, where?: { field: string; value: string | boolean }): Promise<Map<string, Stored<T>>> {
    const scope = copyScope(mailboxKey);
    const base = odata`PartitionKey eq ${scope} and RowKey ge ${low} and RowKey le ${high}`;
    // The field name is the caller's own constant; only the value is escaped.
    return this.query<T>([where ? `${base} and ${where.field} eq ${odata`${where.value}`}` : base]);
  }

  async loadContainers(mailboxKey: string): Promise<MailboxContainers> {
    const scope = copyScope(mailboxKey);
    const filter = odata`PartitionKey eq ${scope} and ((RowKey ge ${CONTAINER_PREFIX} and RowKey lt ${prefixEnd(CONTAINER_PREFIX)}) or RowKey ge ${FORGOTTEN_ROW})`;
    const rows = await listAll<Record<string, unknown>>(await this.table(), filter);
    const containers = new Map<string, Stored<ContainerState>>();
    let lease: Stored<LeaseRow> | undefined;
    let forgotten = false;
    for (const row of rows) {
      if (row.rowKey === FORGOTTEN_ROW) {
        forgotten = true;
      } else if (row.rowKey === LEASE_ROW) {
        lease = { row: { holder: String(row.holder), expiresAt: String(row.expiresAt) }, etag: row.etag };
      } else {
        const container = toContainer(row.rowKey, row as unknown as ContainerEntity);
        containers.set(container.key, { row: container, etag: row.etag });
      }
    }
    return { containers, ...(lease ? { lease } : {}), ...(forgotten ? { forgotten } : {}) };
  }

  async transact(mailboxKey: string, groups: readonly (readonly LedgerWrite[])[], shared: readonly LedgerWrite[]): Promise<TransactResult> {
    const scope = copyScope(mailboxKey);
    const actions = [...groups.flat(), ...shared].map((write) => toAction(scope, write));
    if (actions.length > MAX_TRANSACTION_WRITES) throw new Error(`A transaction takes at most ${MAX_TRANSACTION_WRITES} writes, not ${actions.length}.`);
    if (actions.length === 0) return { kind: 'written', groups: groups.map(() => []), shared: [] };
    try {
      const answer = await (await this.table()).submitTransaction(actions);
      let at = 0;
      const etagsOf = (writes: readonly LedgerWrite[]) => writes.map(() => answer.subResponses[at++]?.etag);
      return { kind: 'written', groups: groups.map(etagsOf), shared: etagsOf(shared) };
    } catch (error) {
      const refusal = refusedAction(error);
      if (!refusal) throw error;
      const groupWrites = groups.reduce((n, g) => n + g.length, 0);
      if (refusal.index >= groupWrites) return { kind: 'sharedRefused' };
      return { kind: 'refused', group: groupOf(groups.keys(), groups, refusal.index).group, status: refusal.status };
    }
  }

  async write(mailboxKey: string, groups: readonly (readonly LedgerWrite[])[], options: { stopAtRefusal?: boolean } = {}): Promise<GroupResult[]> {
    const table = await this.table();
    const scope = copyScope(mailboxKey);
    const results: GroupResult[] = groups.map(() => ({ kind: 'written', etags: [] }));
    let open = groups.map((_, index) => index).filter((index) => groups[index]!.length > 0);
    while (open.length > 0) {
      const batch = fill(open, groups);
      const actions = batch.flatMap((index) => groups[index]!.map((write) => toAction(scope, write)));
      try {
        const answer = await table.submitTransaction(actions);
        let at = 0;
        for (const index of batch) {
          const etags = groups[index]!.map((_, i) => answer.subResponses[at + i]?.etag);
          at += groups[index]!.length;
          results[index] = { kind: 'written', etags };
        }
        open = open.filter((index) => !batch.includes(index));
      } catch (error) {
        const refusal = refusedAction(error);
        if (!refusal) throw error;
        // Nothing of the transaction was applied: the group holding the refused write is answered, the others go again.
        const failed = groupOf(batch, groups, refusal.index);
        results[failed.group] = { kind: 'refused', status: refusal.status, index: failed.offset };
        open = open.filter((index) => index !== failed.group);
        if (options.stopAtRefusal) {
          for (const index of open) results[index] = { kind: 'untried' };
          break;
        }
      }
    }
    return results;
  }

  async forgetMailbox(mailboxKey: string): Promise<void> {
    const table = await this.table();
    const scope = copyScope(mailboxKey);
    // The note first: a removal that dies half-way still leaves the mailbox marked as forgotten.
    await table.upsertEntity({ partitionKey: scope, rowKey: FORGOTTEN_ROW, at: new Date().toISOString() }, 'Replace');
    const rows = await listAll<object>(table, odata`PartitionKey eq ${scope} and RowKey ne ${FORGOTTEN_ROW}`);
    await submitInTransactions(
      table,
      rows.map((row) => ['delete', { partitionKey: scope, rowKey: row.rowKey }]),
    );
  }

  private async query<T>(filters: string[]): Promise<Map<string, Stored<T>>> {
    const table = await this.table();
    const found = new Map<string, Stored<T>>();
    for (const wave of chunks(filters, READ_CONCURRENCY)) {
      const answers = await Promise.all(wave.map((filter) => listAll<object>(table, filter)));
      for (const rows of answers) for (const entity of rows) found.set(entity.rowKey, { row: ownFields(entity) as T, etag: entity.etag });
    }
    return found;
  }
}

function toAction(partitionKey: string, write: LedgerWrite): TransactionAction {
  if (write.op === 'container') {
    const entity = { ...toContainerEntity(write.container), partitionKey, rowKey: containerRowKey(write.container) };
    return write.etag ? ['update', entity, 'Replace', { etag: write.etag }] : ['create', entity];
  }
  if (write.op === 'lease') {
    // A released lease stays as a row that names no holder, written over the held one with its ETag: a
    // transaction's delete takes no If-Match (the SDK sends "*"), and only the holder may let the lease go.
    const lease = write.lease === 'release' ? RELEASED_LEASE : write.lease;
    const entity = { partitionKey, rowKey: LEASE_ROW, ...lease };
    return write.etag ? ['update', entity, 'Replace', { etag: write.etag }] : ['create', entity];
  }
  const keys = { partitionKey, rowKey: write.key };
  switch (write.op) {
    case 'insert':
      return ['create', { ...definedFields(write.row), ...keys }];
    case 'replace':
      return ['update', { ...definedFields(write.row), ...keys }, 'Replace', { etag: write.etag }];
    case 'upsert':
      return ['upsert', { ...definedFields(write.row), ...keys }, 'Replace'];
    case 'delete':
      // Unconditional: a transaction's delete takes no If-Match (see above). Deletes are of rows this run
      // holds or settles, and a row already gone refuses the transaction with 404.
      return ['delete', keys];
  }
}

const RELEASED_LEASE: LeaseRow = { holder: '', expiresAt: new Date(0).toISOString() };

/** Groups (by index) that fit one transaction, in order; a group is never split. */
function fill(open: number[], groups: readonly (readonly LedgerWrite[])[]): number[] {
  const batch: number[] = [];
  let size = 0;
  for (const index of open) {
    const length = groups[index]!.length;
    if (batch.length > 0 && size + length > MAX_TRANSACTION_WRITES) break;
    batch.push(index);
    size += length;
  }
  return batch;
}

/** The group, and the write within it, at a transaction's action index. */
function groupOf(batch: Iterable<number>, groups: readonly (readonly LedgerWrite[])[], actionIndex: number): { group: number; offset: number } {
  let at = 0;
  for (const index of batch) {
    const length = groups[index]!.length;
    if (actionIndex < at + length) return { group: index, offset: actionIndex - at };
    at += length;
  }
  throw new Error(`The refused action ${actionIndex} is outside the transaction of ${at} actions.`);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}
