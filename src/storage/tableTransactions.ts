import type { TableClient, TransactionAction } from '@azure/data-tables';

/** Azure Table Storage takes at most 100 operations per entity-group transaction, all in one partition. */
const MAX_TRANSACTION_SIZE = 100;

/**
 * Submits actions in entity-group transactions: grouped by partition, at most 100 each, one after
 * another (each is atomic; a failure stops before the next).
 * https://learn.microsoft.com/rest/api/storageservices/performing-entity-group-transactions
 */
export async function submitInTransactions(table: TableClient, actions: TransactionAction[]): Promise<void> {
  const byPartition = new Map<string, TransactionAction[]>();
  for (const action of actions) {
    const partition = action[1].partitionKey;
    const group = byPartition.get(partition) ?? [];
    group.push(action);
    byPartition.set(partition, group);
  }
  for (const group of byPartition.values()) {
    for (let start = 0; start < group.length; start += MAX_TRANSACTION_SIZE) {
      await table.submitTransaction(group.slice(start, start + MAX_TRANSACTION_SIZE));
    }
  }
}

/** Reads every entity of a query, page by page. */
export async function listAll<T extends object>(table: TableClient, filter?: string): Promise<(T & { etag: string; partitionKey: string; rowKey: string })[]> {
  const rows: (T & { etag: string; partitionKey: string; rowKey: string })[] = [];
  for await (const entity of table.listEntities<T>(filter ? { queryOptions: { filter } } : {})) {
    rows.push(entity as T & { etag: string; partitionKey: string; rowKey: string });
  }
  return rows;
}
