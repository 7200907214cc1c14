import { odata, type TableClient } from '@azure/data-tables';
import { ENDPOINT_NAME_PATTERN, type MigrationEndpoint } from '../core/endpoint/migrationEndpoint';
import { withConcurrencyCheck } from './concurrencyError';
import { unlessNotFound } from './unlessNotFound';
import { listAll } from './tableTransactions';
import type { EndpointStore } from '../services/ports/batchStores';

const PARTITION = 'endpoint';

type EndpointEntity = Omit<MigrationEndpoint, 'name'> & { displayName: string };

/** Migration endpoints, one row each, keyed by the lower-cased name. */
export class EndpointRepository implements EndpointStore {
  constructor(private readonly table: () => Promise<TableClient>) {}

  /** Creates the endpoint; a ConcurrencyError when one with that name exists. */
  async create(endpoint: MigrationEndpoint): Promise<void> {
    const table = await this.table();
    const { name, ...rest } = endpoint;
    await withConcurrencyCheck(`Endpoint "${name}"`, () =>
      table.createEntity<EndpointEntity>({ partitionKey: PARTITION, rowKey: name.toLowerCase(), displayName: name, ...rest }),
    );
  }

  /**
   * The endpoint, or undefined. A name no endpoint can have (a blob path or a query value with `#`,
   * `/` or control characters, which Table Storage refuses in keys) is simply not found.
   */
  async get(name: string): Promise<MigrationEndpoint | undefined> {
    if (!ENDPOINT_NAME_PATTERN.test(name)) return undefined;
    const table = await this.table();
    const entity = await unlessNotFound(() => table.getEntity<EndpointEntity>(PARTITION, name.toLowerCase()));
    return entity && toEndpoint(entity);
  }

  /** Points the endpoint at another password secret; the row must exist. */
  async setPasswordSecretRef(name: string, passwordSecretRef: string): Promise<void> {
    const table = await this.table();
    await table.updateEntity({ partitionKey: PARTITION, rowKey: name.toLowerCase(), passwordSecretRef }, 'Merge');
  }

  async delete(name: string): Promise<void> {
    const table = await this.table();
    await unlessNotFound(() => table.deleteEntity(PARTITION, name.toLowerCase()));
  }

  async list(): Promise<MigrationEndpoint[]> {
    const rows = await listAll<EndpointEntity>(await this.table(), odata`PartitionKey eq ${PARTITION}`);
    return rows.map(toEndpoint);
  }
}

function toEndpoint(entity: EndpointEntity): MigrationEndpoint {
  return {
    name: entity.displayName,
    sourceKind: entity.sourceKind,
    host: entity.host,
    port: entity.port,
    security: entity.security,
    ...(entity.adminUserName ? { adminUserName: entity.adminUserName } : {}),
    ...(entity.adminLoginFormat ? { adminLoginFormat: entity.adminLoginFormat } : {}),
    ...(entity.passwordSecretRef ? { passwordSecretRef: entity.passwordSecretRef } : {}),
    maxConcurrentMigrations: entity.maxConcurrentMigrations,
    maxConcurrentIncrementalSyncs: entity.maxConcurrentIncrementalSyncs,
    ...(entity.defaultUsageLocation ? { defaultUsageLocation: entity.defaultUsageLocation } : {}),
    ...(entity.davUrl ? { davUrl: entity.davUrl } : {}),
    createdAt: entity.createdAt,
  };
}
