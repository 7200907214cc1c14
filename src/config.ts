/**
 * The app's settings, read from the environment in one typed place (app settings in Azure,
 * `local.settings.json` locally). Read when first needed, not at import, so a host can set the
 * environment before the app uses it.
 */
export interface AppConfig {
  /** Connection string of the storage account (Azurite locally). */
  storageConnection?: string;
  /** Account name for identity-based storage access in Azure (`AzureWebJobsStorage__accountName`). */
  storageAccountName?: string;
  /** Prefix for table and container names, so several deployments or test runs can share an account. */
  storagePrefix: string;
  intakeContainer: string;
  processedContainer: string;
  reportsContainer: string;
  /** AES-256-GCM key (base64, 32 bytes) for CSV passwords and the local secret store. */
  encryptionKey?: string;
  secretsProvider: 'local' | 'keyvault';
  keyVaultUrl?: string;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function setting(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function readConfig(): AppConfig {
  const prefix = (setting('MIGRATION_STORAGE_PREFIX') ?? '').toLowerCase();
  if (!/^[a-z0-9]{0,20}$/.test(prefix)) {
    throw new ConfigError('MIGRATION_STORAGE_PREFIX must be at most 20 lower-case letters or digits.');
  }
  const secretsProvider = setting('SECRETS_PROVIDER') ?? (setting('KEY_VAULT_URL') ? 'keyvault' : 'local');
  if (secretsProvider !== 'local' && secretsProvider !== 'keyvault') {
    throw new ConfigError(`SECRETS_PROVIDER must be "local" or "keyvault", not "${secretsProvider}".`);
  }
  return {
    storageConnection: setting('AzureWebJobsStorage'),
    storageAccountName: setting('AzureWebJobsStorage__accountName'),
    storagePrefix: prefix,
    intakeContainer: setting('MIGRATION_INTAKE_CONTAINER') ?? 'migration-batches',
    processedContainer: setting('MIGRATION_PROCESSED_CONTAINER') ?? 'migration-batches-processed',
    reportsContainer: setting('MIGRATION_REPORTS_CONTAINER') ?? 'migration-reports',
    encryptionKey: setting('MIGRATION_ENCRYPTION_KEY'),
    secretsProvider,
    keyVaultUrl: setting('KEY_VAULT_URL'),
  };
}

export function requireSetting<T>(value: T | undefined, name: string, why: string): T {
  if (value === undefined) throw new ConfigError(`The setting ${name} is missing: ${why}`);
  return value;
}
