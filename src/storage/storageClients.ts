import { TableClient } from '@azure/data-tables';
import { DefaultAzureCredential } from '@azure/identity';
import { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { QueueClient, QueueServiceClient } from '@azure/storage-queue';
import { type AppConfig, ConfigError } from '../config';

/** Table names the service owns, before the deployment's prefix. */
const TABLES = {
  endpoints: 'Endpoints',
  batches: 'Batches',
  mailboxes: 'Mailboxes',
  mailboxSecrets: 'MailboxSecrets',
  activeAddresses: 'ActiveAddresses',
  secrets: 'Secrets',
  copyLedger: 'CopyLedger',
  throughput: 'Throughput',
} as const;
export type TableName = keyof typeof TABLES;

/**
 * Builds storage clients for the app's account: from a connection string locally (Azurite) or,
 * in Azure, from the account name with the managed identity (no shared keys).
 */
export class StorageClients {
  private readonly tables = new Map<string, Promise<TableClient>>();
  private readonly containers = new Map<string, Promise<ContainerClient>>();
  private readonly queues = new Map<string, Promise<QueueClient>>();
  private readonly blobService: BlobServiceClient;

  constructor(private readonly config: AppConfig) {
    this.blobService = config.storageConnection
      ? BlobServiceClient.fromConnectionString(config.storageConnection)
      : new BlobServiceClient(`https://${this.accountName()}.blob.core.windows.net`, new DefaultAzureCredential());
  }

  /** The table client, with the table created on first use. */
  async table(name: TableName): Promise<TableClient> {
    const fullName = `${this.config.storagePrefix}${TABLES[name]}`;
    let client = this.tables.get(fullName);
    if (!client) {
      client = this.createTable(fullName);
      this.tables.set(fullName, client);
      client.catch(() => this.tables.delete(fullName));
    }
    return client;
  }

  /**
   * The container client, with the container created on first use. Container and queue names
   * come whole from settings (triggers name them too), so the table prefix does not apply.
   */
  async container(fullName: string): Promise<ContainerClient> {
    let client = this.containers.get(fullName);
    if (!client) {
      const container = this.blobService.getContainerClient(fullName);
      client = container.createIfNotExists().then(() => container);
      this.containers.set(fullName, client);
      client.catch(() => this.containers.delete(fullName));
    }
    return client;
  }

  /** The queue client, with the queue created on first use. */
  async queue(fullName: string): Promise<QueueClient> {
    let client = this.queues.get(fullName);
    if (!client) {
      const service = this.config.storageConnection
        ? QueueServiceClient.fromConnectionString(this.config.storageConnection)
        : new QueueServiceClient(`https://${this.accountName()}.queue.core.windows.net`, new DefaultAzureCredential());
      const queue = service.getQueueClient(fullName);
      client = queue.createIfNotExists().then(() => queue);
      this.queues.set(fullName, client);
      client.catch(() => this.queues.delete(fullName));
    }
    return client;
  }

  get blobServiceClient(): BlobServiceClient {
    return this.blobService;
  }

  private async createTable(fullName: string): Promise<TableClient> {
    const client = this.config.storageConnection
      ? TableClient.fromConnectionString(this.config.storageConnection, fullName, {
          allowInsecureConnection: this.config.storageConnection.includes('http://') || this.config.storageConnection.includes('UseDevelopmentStorage=true'),
        })
      : new TableClient(`https://${this.accountName()}.table.core.windows.net`, fullName, new DefaultAzureCredential());
    await client.createTable();
    return client;
  }

  private accountName(): string {
    if (!this.config.storageAccountName) {
      throw new ConfigError('Set AzureWebJobsStorage (a connection string) or AzureWebJobsStorage__accountName (identity access).');
    }
    return this.config.storageAccountName;
  }
}
