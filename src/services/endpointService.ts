import { endpointSecretName, legacyEndpointSecretName } from '../core/endpoint/endpointSecretName';
import { defaultPort, type EndpointInput, type MigrationEndpoint } from '../core/endpoint/migrationEndpoint';
import { MigrationError } from '../core/errors/migrationError';
import { ConcurrencyError } from '../core/errors/concurrencyError';
import type { EndpointStore } from './ports/batchStores';
import type { SecretStore } from './ports/secretStore';

export { endpointSecretName } from '../core/endpoint/endpointSecretName';

export type CreateEndpointResult = { ok: true; endpoint: MigrationEndpoint } | { ok: false; code: 'EndpointExists'; message: string };
export type SetPasswordResult = { ok: true; endpoint: MigrationEndpoint } | { ok: false; code: 'EndpointNotFound'; message: string };

/** Codes of the errors `password()` throws when a stored password cannot be trusted; the fix is to set it again. */
const EndpointPasswordError = {
  Shared: 'EndpointPasswordShared',
  Missing: 'EndpointPasswordMissing',
  NotOwn: 'EndpointPasswordNotOwn',
} as const;

/** Creates and reads migration endpoints; the password goes to the secret store, never the table. */
export class EndpointService {
  constructor(
    private readonly endpoints: EndpointStore,
    private readonly secrets: SecretStore,
  ) {}

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
      ...(input.davUrl ? { davUrl: input.davUrl } : {}),
      createdAt: now,
    };
    try {
      await this.endpoints.create(endpoint);
    } catch (error) {
      if (error instanceof ConcurrencyError) return exists(input.name);
      throw error;
    }
    // The secret is written only once the row is ours, so a losing concurrent create cannot
    // overwrite the winner's password; a failed write takes the row away again. Its name is the
    // endpoint's own (endpointSecretName), so no other endpoint's password is touched.
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

  /**
   * Sets the endpoint's admin password again, under its own secret name. An endpoint that still
   * pointed at a shared name from before (legacyEndpointSecretName) moves off it, and that secret
   * is deleted before the row changes: whatever it holds may be another endpoint's password, so
   * no endpoint may read it once one of its sharers has left.
   */
  async setPassword(name: string, password: string): Promise<SetPasswordResult> {
    const endpoint = await this.endpoints.get(name);
    if (!endpoint) return { ok: false, code: 'EndpointNotFound', message: `No migration endpoint is named "${name}".` };
    const secretRef = endpointSecretName(endpoint.name);
    await this.secrets.set(secretRef, password);
    const previous = endpoint.passwordSecretRef;
    if (previous && previous !== secretRef && previous === legacyEndpointSecretName(endpoint.name)) await this.secrets.delete(previous);
    if (previous !== secretRef) await this.endpoints.setPasswordSecretRef(endpoint.name, secretRef);
    return { ok: true, endpoint: { ...endpoint, passwordSecretRef: secretRef } };
  }

  get(name: string): Promise<MigrationEndpoint | undefined> {
    return this.endpoints.get(name);
  }

  list(): Promise<MigrationEndpoint[]> {
    return this.endpoints.list();
  }

  /**
   * The endpoint's admin password, for connectors; never for an API answer. Read only from the
   * endpoint's own secret. An endpoint created before secret names were unique points at a name
   * it may share: that secret is read only while no other endpoint points at it too; otherwise
   * (or when it is gone) this throws, naming the fix, rather than send another endpoint's password
   * to this endpoint's host.
   */
  async password(endpoint: MigrationEndpoint): Promise<string | undefined> {
    const ref = endpoint.passwordSecretRef;
    if (!ref) return undefined;
    if (ref !== endpointSecretName(endpoint.name)) {
      if (ref !== legacyEndpointSecretName(endpoint.name)) {
        throw new MigrationError(
          EndpointPasswordError.NotOwn,
          `The migration endpoint "${endpoint.name}" refers to a password secret that is not its own. ${setAgain(endpoint.name)}`,
        );
      }
      const sharers = (await this.endpoints.list()).filter(
        (other) => other.name.toLowerCase() !== endpoint.name.toLowerCase() && other.passwordSecretRef === ref,
      );
      if (sharers.length > 0) {
        throw new MigrationError(
          EndpointPasswordError.Shared,
          `The stored password of migration endpoint "${endpoint.name}" may be that of ${sharers.map((e) => `"${e.name}"`).join(', ')}: ` +
            `endpoints created before secret names were made unique shared one secret. ${setAgain(endpoint.name)}`,
        );
      }
    }
    const password = await this.secrets.get(ref);
    if (password === undefined)
      throw new MigrationError(
        EndpointPasswordError.Missing,
        `The stored password of migration endpoint "${endpoint.name}" is gone. ${setAgain(endpoint.name)}`,
      );
    return password;
  }
}

function setAgain(name: string): string {
  return `Set it again: PATCH /api/endpoints/${encodeURIComponent(name)} with {"password": "..."}.`;
}

function exists(name: string): CreateEndpointResult {
  return { ok: false, code: 'EndpointExists', message: `A migration endpoint named "${name}" already exists.` };
}
