import { randomUUID } from 'node:crypto';
import { TableClient, type TableEntity, type TransactionAction } from '@azure/data-tables';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { QueueClient, QueueServiceClient } from '@azure/storage-queue';

/** Table and queue messages over this many characters go to a blob, as the Azure Storage provider does. */
const INLINE_LIMIT = 30_000;
/** Entity-group transactions take at most 100 operations (Azure Table Storage limit). */
const TRANSACTION_LIMIT = 100;
const TRANSACTION_PARALLELISM = 4;

/**
 * The storage layout of one task hub, after DurableTask.AzureStorage: `<hub>Instances` (one row per
 * instance), `<hub>History` (one row per history event, partition = instance id),
 * `<hub>-control-NN` queues (orchestration messages, partitioned by instance id),
 * `<hub>-workitems` (activity work) and `<hub>-largemessages` (payloads too big for a row or message).
 */
export class TaskHubStorage {
  readonly instances: TableClient;
  readonly history: TableClient;
  readonly controlQueues: QueueClient[];
  readonly workItems: QueueClient;
  readonly largeMessages: ContainerClient;
  readonly leases: ContainerClient;

  constructor(
    connectionString: string,
    readonly hubName: string,
    partitionCount: number,
  ) {
    const options = { allowInsecureConnection: true };
    this.instances = TableClient.fromConnectionString(connectionString, `${hubName}Instances`, options);
    this.history = TableClient.fromConnectionString(connectionString, `${hubName}History`, options);
    const queues = QueueServiceClient.fromConnectionString(connectionString);
    const lower = hubName.toLowerCase();
    this.controlQueues = Array.from({ length: partitionCount }, (_v, i) => queues.getQueueClient(`${lower}-control-${String(i).padStart(2, '0')}`));
    this.workItems = queues.getQueueClient(`${lower}-workitems`);
    const blobs = BlobServiceClient.fromConnectionString(connectionString);
    this.largeMessages = blobs.getContainerClient(`${lower}-largemessages`);
    this.leases = blobs.getContainerClient(`${lower}-leases`);
  }

  async create(): Promise<void> {
    await Promise.all([
      this.instances.createTable(),
      this.history.createTable(),
      ...this.controlQueues.map((q) => q.createIfNotExists()),
      this.workItems.createIfNotExists(),
      this.largeMessages.createIfNotExists(),
    ]);
  }

  /** The control queue that owns an instance: a stable hash, so every message of it lands in one queue. */
  controlQueueFor(instanceId: string): QueueClient {
    let hash = 0;
    for (const ch of instanceId) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
    return this.controlQueues[hash % this.controlQueues.length]!;
  }

  /** Stores a text inline when small, otherwise in a blob; returns what to keep in the row or message. */
  async offload(text: string): Promise<{ inline?: string; blob?: string }> {
    if (text.length <= INLINE_LIMIT) return { inline: text };
    const blob = `${randomUUID()}.json`;
    await this.largeMessages.getBlockBlobClient(blob).upload(text, Buffer.byteLength(text));
    return { blob };
  }

  async load(ref: { inline?: unknown; blob?: unknown }): Promise<string | undefined> {
    if (typeof ref.inline === 'string') return ref.inline;
    if (typeof ref.blob === 'string') {
      const buffer = await this.largeMessages.getBlockBlobClient(ref.blob).downloadToBuffer();
      return buffer.toString('utf8');
    }
    return undefined;
  }

  async deleteBlob(name: unknown): Promise<void> {
    if (typeof name === 'string') await this.largeMessages.deleteBlob(name).catch(() => undefined);
  }

  /** Sends a JSON message, offloading big ones; `delayMs` hides it until then (durable timers). */
  async send(queue: QueueClient, body: unknown, delayMs = 0): Promise<void> {
    const text = JSON.stringify(body);
    const ref = await this.offload(text);
    const message = ref.inline ?? JSON.stringify({ largeMessageBlob: ref.blob });
    // Queue visibility has one-second steps: round down, and the engine holds the rest in memory.
    await queue.sendMessage(message, { visibilityTimeout: Math.max(0, Math.floor(delayMs / 1000)), messageTimeToLive: -1 });
  }

  /** Reads a message body back, following a large-message reference. */
  async readMessage(text: string): Promise<unknown> {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    if (typeof parsed.largeMessageBlob === 'string') {
      const body = await this.load({ blob: parsed.largeMessageBlob });
      return JSON.parse(body ?? 'null') as unknown;
    }
    return parsed;
  }

  /**
   * Writes rows of one partition in entity-group transactions of at most 100 operations, a few at
   * once: their order does not matter, because the instance row written afterwards commits them.
   */
  async submitBatched(table: TableClient, actions: TransactionAction[]): Promise<void> {
    const chunks: TransactionAction[][] = [];
    for (let i = 0; i < actions.length; i += TRANSACTION_LIMIT) chunks.push(actions.slice(i, i + TRANSACTION_LIMIT));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < chunks.length) await table.submitTransaction(chunks[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(TRANSACTION_PARALLELISM, chunks.length) }, worker));
  }

  async listPartition(table: TableClient, partitionKey: string): Promise<TableEntity<Record<string, unknown>>[]> {
    const rows: TableEntity<Record<string, unknown>>[] = [];
    const filter = `PartitionKey eq '${partitionKey.replace(/'/g, "''")}'`;
    for await (const row of table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      rows.push({ ...row, partitionKey: row.partitionKey ?? partitionKey, rowKey: row.rowKey ?? '' });
    }
    return rows;
  }
}
