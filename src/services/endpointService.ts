import { defaultPort, type EndpointInput, type MigrationEndpoint } from '../core/endpoint/migrationEndpoint';
import { ConcurrencyError } from '../storage/concurrencyError';
import type { EndpointRepository } from '../storage/endpointRepository';
import type { SecretStore } from '../storage/secrets/secretStore';

export type CreateEndpointResult = { ok: true; endpoint: MigrationEndpoint } | { ok: false; code: 'EndpointExists'; message: string };

/** Key Vault secret names allow letters, digits and dashes only. */
export function endpointSecretName(endpointName: string): string {
  return `endpoint-${endpointName.toLowerCase().replace(/[^a-z0-9-]/g, '-')}-password`;
}

/** Creates and reads migration endpoints; the password goes to the secret store, never the table. */
export class EndpointService {
  constructor(private readonly endpoints: EndpointRepository, private readonly secrets: SecretStore) {}

  async create(input: EndpointInput, now: string): Promise<CreateEndpointResult> {
    if (await this.endpoints.get(input.name)) return exists(input.name);
    const secretRef = input.password ? endpointSecretName(input.name) : undefined;
    const endpoint: MigrationEndpoint = {
      name: input.name,
      sourceKind: input.sourceKind,
      host: input.host,
      port: input.port ?? defaultPort(input.security),
      security: input.security,
      ...(input.adminUserName ? { adminUserName: input.adminUserName } : {}),
      ...(input.adminLoginFormat ? { adminLoginFormat: input.adminLoginFormat } : {}),
      ...(secretRef ? { passwordSecretRef: secretRef } : {}),
      maxConcurrentMigrations: input.maxConcurrentMigrations,
      maxConcurrentIncrementalSyncs: input.maxConcurrentIncrementalSyncs,
      ...(input.defaultUsageLocation ? { defaultUsageLocation: input.defaultUsageLocation } : {}),
      createdAt: now,
    };
    try {
      await this.endpoints.create(endpoint);
    } catch (error) {
      if (error instanceof ConcurrencyError) return exists(input.name);
      throw error;
    }
    // The secret is written only once the row is ours, so a losing concurrent create cannot
    // overwrite the winner's password; a failed write takes the row away again.
    if (secretRef && input.password) {
      try {
        await this.secrets.set(secretRef, input.password);
      } catch (error) {
        await this.endpoints.delete(input.name);
        throw error;
      }
    }
    return { ok: true, endpoint };
  }

  get(name: string): Promise<MigrationEndpoint | undefined> {
    return this.endpoints.get(name);
  }

  list(): Promise<MigrationEndpoint[]> {
    return this.endpoints.list();
  }

  /** The endpoint's admin password, for connectors; never for an API answer. */
  async password(endpoint: MigrationEndpoint): Promise<string | undefined> {
    return endpoint.passwordSecretRef ? this.secrets.get(endpoint.passwordSecretRef) : undefined;
  }
}

function exists(name: string): CreateEndpointResult {
  return { ok: false, code: 'EndpointExists', message: `A migration endpoint named "${name}" already exists.` };
}
