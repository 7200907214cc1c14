/**
 * Reads and rewrites the endpoints of a storage connection string (`Key=Value;...`, as Azurite's
 * tools/azurite/startAzurite.ts writes it). Only the named endpoint changes; the account name and
 * key, and every other setting, stay as they were, so a client built from the rewritten string
 * signs its requests with the same key and Azurite accepts them behind the proxy.
 */

export type StorageService = 'blob' | 'queue' | 'table';

export const STORAGE_SERVICES: readonly StorageService[] = ['blob', 'queue', 'table'];

const ENDPOINT_KEY: Record<StorageService, string> = {
  blob: 'BlobEndpoint',
  queue: 'QueueEndpoint',
  table: 'TableEndpoint',
};

interface Setting {
  key: string;
  value: string;
}

/** Settings in their order; a value may itself hold `=` (an account key ends with `==`). */
function parseSettings(connectionString: string): Setting[] {
  return connectionString
    .split(';')
    .filter((part) => part.trim() !== '')
    .map((part) => {
      const equals = part.indexOf('=');
      if (equals <= 0) throw new Error(`not a storage connection string setting: "${part}"`);
      return { key: part.slice(0, equals).trim(), value: part.slice(equals + 1).trim() };
    });
}

function findSetting(settings: Setting[], key: string): Setting | undefined {
  return settings.find((setting) => setting.key.toLowerCase() === key.toLowerCase());
}

/**
 * The service's endpoint as the connection string names it (Azurite: `http://127.0.0.1:<port>/devstoreaccount1`).
 * Connection strings without explicit endpoints (`UseDevelopmentStorage=true`, `EndpointSuffix=`)
 * are refused: the proxy needs to know exactly where the service listens.
 */
export function storageEndpoint(connectionString: string, service: StorageService): URL {
  const setting = findSetting(parseSettings(connectionString), ENDPOINT_KEY[service]);
  if (!setting)
    throw new Error(
      `the connection string has no ${ENDPOINT_KEY[service]}: the storage fault proxy needs the explicit endpoint Azurite's connection string gives`,
    );
  return new URL(setting.value);
}

/**
 * The same connection string with the given services' endpoints replaced, for example
 * `withProxiedEndpoints(azurite, { table: tableProxy.url })`: table requests then go through the
 * proxy, blob and queue requests straight to Azurite.
 */
export function withProxiedEndpoints(connectionString: string, endpoints: Partial<Record<StorageService, string>>): string {
  const settings = parseSettings(connectionString);
  for (const service of STORAGE_SERVICES) {
    const endpoint = endpoints[service];
    if (endpoint === undefined) continue;
    const setting = findSetting(settings, ENDPOINT_KEY[service]);
    if (setting) setting.value = endpoint;
    else settings.push({ key: ENDPOINT_KEY[service], value: endpoint });
  }
  return settings.map(({ key, value }) => `${key}=${value}`).join(';');
}
