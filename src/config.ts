import { CLEARTEXT_HOSTS_SETTING, parseCleartextHosts } from './core/endpoint/cleartextLogin';
import { USAGE_LOCATION_PATTERN } from './core/mailbox/usageLocation';

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
  /** Prefix for table names, so several deployments or test runs can share an account. */
  storagePrefix: string;
  intakeContainer: string;
  processedContainer: string;
  reportsContainer: string;
  /** AES-256-GCM key (base64, 32 bytes) for CSV passwords and the local secret store. */
  encryptionKey?: string;
  secretsProvider: 'local' | 'keyvault';
  keyVaultUrl?: string;
  /** Microsoft 365 tenant reached through Graph (the migration target and the directory checks). */
  graph?: GraphSettings;
  /** Where mail is copied: Microsoft 365 through Graph, or another IMAP server. */
  target: TargetSettings;
  /** The on-premises directory (Active Directory over LDAP); absent for IMAP migrations without one. */
  onPremisesDirectory?: LdapSettings;
  /**
   * Whether staged batches run without the on-premises directory: only when the administrator said so
   * (ONPREM_DIRECTORY=none). Without it, and without ONPREM_LDAP_URL, a staged batch's preflight fails
   * rather than skip targetAddress and the mail-enabled-user conversion silently.
   */
  withoutOnPremisesDirectory: boolean;
  /** SKU id of the licence assigned to each migrated user (Exchange Online Plan 1 by default). */
  licenseSkuId: string;
  /** Mailbox that sends the status emails (Graph sendMail). */
  notificationSender?: string;
  notificationQueue: string;
  /** Large-item and bad-item limits, and copy page bounds. */
  copy: {
    largeItemLimitMb: number;
    badItemLimit: number;
    pageMaxCount: number;
    pageMaxMb: number;
    /** A page takes no new items after this many seconds, so no activity runs long (host.json's functionTimeout is 10 minutes). */
    pageMaxSeconds: number;
    /** Seconds a copy run holds a mailbox's lease between renewals; a run that died frees it after this long. */
    leaseSeconds: number;
  };
  /** Days after completion or removal before a batch's history and item maps are purged. */
  retentionDays: number;
  /** Minutes without progress after which a syncing mailbox is reported as stalled. */
  stallMinutes: number;
  /** Minutes between incremental syncs; overrides the batch's hours (tests and demos). */
  incrementalSyncMinutesOverride?: number;
  /** How long provisioning waits for a licensed user's Exchange Online mailbox to appear (default 24 h). */
  mailboxWaitLimitMinutes: number;
  /** Usage location for users who have none, when neither the CSV, the batch nor the endpoint gives one. */
  defaultUsageLocation?: string;
  /**
   * What Entra Connect does with the on-premises msExchMailboxGuid: `synced` (its default: Exchange Online
   * then never creates a mailbox from a licence) or `authoritativeNull` (an inbound rule sets it to null).
   */
  entraConnectMailboxGuid: 'synced' | 'authoritativeNull';
  /**
   * Hosts a migration endpoint may log in to without TLS (`security: 'none'`), from
   * MIGRATION_ALLOW_CLEARTEXT_HOSTS; empty by default, so cleartext is refused everywhere.
   */
  cleartextHosts: string[];
  /** Outlook's per-mailbox limits the copy paces itself to (Microsoft's values; scaled only to test). */
  graphLimits: { requestsPerWindow: number; requestWindowSeconds: number; uploadMbPerWindow: number; uploadWindowSeconds: number };
}

export interface GraphSettings {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  baseUrl?: string;
  authorityHost?: string;
  caCertificateFile?: string;
}

export type TargetSettings =
  | { kind: 'graph' }
  | {
      kind: 'imap';
      host: string;
      port: number;
      security: 'tls' | 'starttls' | 'none';
      allowPlaintext: boolean;
      adminUser?: string;
      adminPassword?: string;
      adminLoginFormat?: string;
      password?: string;
    };

export interface LdapSettings {
  url: string;
  bindDn: string;
  bindPassword: string;
  baseDn: string;
  caCertificateFile?: string;
}

/** Exchange Online (Plan 1): the licence that gives a user an Exchange Online mailbox. */
const EXCHANGE_ONLINE_PLAN_1 = '4b9405b0-7788-4568-add1-99614e613b69';

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
    graph: readGraphSettings(),
    target: readTargetSettings(),
    onPremisesDirectory: readLdapSettings(),
    withoutOnPremisesDirectory: readDirectoryChoice(),
    licenseSkuId: setting('MIGRATION_LICENSE_SKU_ID') ?? EXCHANGE_ONLINE_PLAN_1,
    notificationSender: setting('NOTIFICATION_SENDER'),
    notificationQueue: setting('NOTIFICATION_QUEUE') ?? 'notification-outbox',
    copy: {
      // Exchange Online's default maximum message size (35 MB; a tenant may raise it to 150 MB:
      // https://learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits).
      largeItemLimitMb: numberSetting('MIGRATION_LARGE_ITEM_LIMIT_MB', setting('MIGRATION_TARGET') === 'imap' ? 150 : 35),
      badItemLimit: numberSetting('MIGRATION_BAD_ITEM_LIMIT', 50),
      pageMaxCount: numberSetting('MIGRATION_PAGE_MAX_COUNT', 200),
      pageMaxMb: numberSetting('MIGRATION_PAGE_MAX_MB', 16),
      pageMaxSeconds: numberSetting('MIGRATION_PAGE_MAX_SECONDS', 90),
      leaseSeconds: Math.max(5, numberSetting('MIGRATION_COPY_LEASE_SECONDS', 60)),
    },
    retentionDays: numberSetting('MIGRATION_RETENTION_DAYS', 30),
    stallMinutes: numberSetting('MIGRATION_STALL_MINUTES', 60),
    ...(setting('MIGRATION_INCREMENTAL_SYNC_MINUTES') ? { incrementalSyncMinutesOverride: numberSetting('MIGRATION_INCREMENTAL_SYNC_MINUTES', 0) } : {}),
    mailboxWaitLimitMinutes: numberSetting('MIGRATION_MAILBOX_WAIT_MINUTES', 24 * 60),
    ...readUsageLocation(),
    entraConnectMailboxGuid: readMailboxGuidFlow(),
    cleartextHosts: readCleartextHosts(),
    graphLimits: {
      requestsPerWindow: numberSetting('GRAPH_MAILBOX_REQUESTS_PER_WINDOW', 10_000),
      requestWindowSeconds: numberSetting('GRAPH_MAILBOX_REQUEST_WINDOW_SECONDS', 600),
      uploadMbPerWindow: numberSetting('GRAPH_MAILBOX_UPLOAD_MB_PER_WINDOW', 150),
      uploadWindowSeconds: numberSetting('GRAPH_MAILBOX_UPLOAD_WINDOW_SECONDS', 300),
    },
  };
}

function readUsageLocation(): { defaultUsageLocation?: string } {
  const value = setting('MIGRATION_DEFAULT_USAGE_LOCATION');
  if (value === undefined) return {};
  if (!USAGE_LOCATION_PATTERN.test(value))
    throw new ConfigError(`MIGRATION_DEFAULT_USAGE_LOCATION must be a two-letter country code such as US, GB or DE, not "${value}".`);
  return { defaultUsageLocation: value.toUpperCase() };
}

function readMailboxGuidFlow(): AppConfig['entraConnectMailboxGuid'] {
  const value = setting('ENTRA_CONNECT_MAILBOX_GUID') ?? 'synced';
  if (value !== 'synced' && value !== 'authoritativeNull') {
    throw new ConfigError(
      `ENTRA_CONNECT_MAILBOX_GUID must be "synced" (Entra Connect's default) or "authoritativeNull" (an inbound sync rule nulls msExchMailboxGuid), not "${value}".`,
    );
  }
  return value;
}

function readCleartextHosts(): string[] {
  const parsed = parseCleartextHosts(setting(CLEARTEXT_HOSTS_SETTING));
  if ('error' in parsed) throw new ConfigError(parsed.error);
  return parsed.hosts;
}

function numberSetting(name: string, fallback: number): number {
  const value = setting(name);
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new ConfigError(`${name} must be a non-negative number, not "${value}".`);
  return number;
}

function readGraphSettings(): GraphSettings | undefined {
  const tenantId = setting('GRAPH_TENANT_ID');
  const clientId = setting('GRAPH_CLIENT_ID');
  const clientSecret = setting('GRAPH_CLIENT_SECRET');
  if (!tenantId && !clientId && !clientSecret) return undefined;
  if (!tenantId || !clientId || !clientSecret) {
    throw new ConfigError('GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET go together: set all three (the secret from Key Vault in Azure).');
  }
  const optional = (key: keyof GraphSettings, name: string) => (setting(name) ? { [key]: setting(name) } : {});
  return {
    tenantId,
    clientId,
    clientSecret,
    ...optional('baseUrl', 'GRAPH_BASE_URL'),
    ...optional('authorityHost', 'GRAPH_AUTHORITY_HOST'),
    ...optional('caCertificateFile', 'GRAPH_CA_CERTIFICATE_FILE'),
  };
}

function readTargetSettings(): TargetSettings {
  const kind = setting('MIGRATION_TARGET') ?? 'graph';
  if (kind === 'graph') return { kind };
  if (kind !== 'imap') throw new ConfigError(`MIGRATION_TARGET must be "graph" or "imap", not "${kind}".`);
  const host = requireSetting(setting('TARGET_IMAP_HOST'), 'TARGET_IMAP_HOST', 'the IMAP target server.');
  const security = setting('TARGET_IMAP_SECURITY') ?? 'tls';
  if (security !== 'tls' && security !== 'starttls' && security !== 'none') throw new ConfigError('TARGET_IMAP_SECURITY must be tls, starttls or none.');
  const optional = (key: string, name: string) => (setting(name) ? { [key]: setting(name) } : {});
  return {
    kind,
    host,
    security,
    port: numberSetting('TARGET_IMAP_PORT', security === 'tls' ? 993 : 143),
    allowPlaintext: setting('TARGET_IMAP_ALLOW_PLAINTEXT') === 'true',
    ...optional('adminUser', 'TARGET_IMAP_ADMIN_USER'),
    ...optional('adminPassword', 'TARGET_IMAP_ADMIN_PASSWORD'),
    ...optional('adminLoginFormat', 'TARGET_IMAP_ADMIN_LOGIN_FORMAT'),
    ...optional('password', 'TARGET_IMAP_PASSWORD'),
  };
}

/** ONPREM_DIRECTORY: `ldap` (needs ONPREM_LDAP_URL), `none` (staged batches run without it), or unset. */
function readDirectoryChoice(): boolean {
  const choice = setting('ONPREM_DIRECTORY');
  if (choice === undefined) return false;
  if (choice === 'none') {
    if (setting('ONPREM_LDAP_URL')) throw new ConfigError('ONPREM_DIRECTORY is none but ONPREM_LDAP_URL is set: choose one.');
    return true;
  }
  if (choice === 'ldap') {
    requireSetting(setting('ONPREM_LDAP_URL'), 'ONPREM_LDAP_URL', 'ONPREM_DIRECTORY is ldap.');
    return false;
  }
  throw new ConfigError(`ONPREM_DIRECTORY must be ldap or none, not "${choice}".`);
}

function readLdapSettings(): LdapSettings | undefined {
  const url = setting('ONPREM_LDAP_URL');
  if (!url) return undefined;
  const need = (name: string) => requireSetting(setting(name), name, 'the on-premises directory needs it when ONPREM_LDAP_URL is set.');
  return {
    url,
    bindDn: need('ONPREM_LDAP_BIND_DN'),
    bindPassword: need('ONPREM_LDAP_BIND_PASSWORD'),
    baseDn: need('ONPREM_LDAP_BASE_DN'),
    ...(setting('ONPREM_LDAP_CA_CERTIFICATE_FILE') ? { caCertificateFile: setting('ONPREM_LDAP_CA_CERTIFICATE_FILE') } : {}),
  };
}

function requireSetting<T>(value: T | undefined, name: string, why: string): T {
  if (value === undefined) throw new ConfigError(`The setting ${name} is missing: ${why}`);
  return value;
}
