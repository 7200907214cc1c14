import type { ActivityDependencies } from './activities/createActivities';
import { type AppConfig, readConfig } from './config';
import { BatchIntake } from './services/batchIntake';
import { BlobIntake } from './services/blobIntake';
import { EndpointService } from './services/endpointService';
import { ActiveAddressRepository } from './storage/activeAddressRepository';
import { BatchRepository } from './storage/batchRepository';
import { CsvBlobStore } from './storage/csvBlobStore';
import { EndpointRepository } from './storage/endpointRepository';
import { MailboxRepository } from './storage/mailboxRepository';
import { MailboxSecretRepository } from './storage/mailboxSecretRepository';
import { PasswordCipher } from './storage/passwordCipher';
import { KeyVaultSecretStore } from './storage/secrets/keyVaultSecretStore';
import { LocalSecretStore } from './storage/secrets/localSecretStore';
import type { SecretStore } from './services/ports/secretStore';
import { StorageClients } from './storage/storageClients';
import { CopyLedgerRepository } from './storage/copyLedgerRepository';
import { NotificationOutbox } from './storage/notificationOutbox';
import { ReportStore } from './storage/reportStore';
import { ThroughputRepository } from './storage/throughputRepository';
import { BatchLifecycle } from './services/batchLifecycle';
import { Maintenance } from './services/maintenance';
import { BatchSteps } from './services/migration/batchSteps';
import { CopySteps } from './services/migration/copySteps';
import { ProvisioningSteps } from './services/migration/provisioningSteps';
import { ConnectorFactory } from './composition/connectorFactory';
import type { MigrationConnectors } from './services/ports/migrationConnectors';
import type { MigrationStores } from './services/migration/migrationStores';

/** Everything the triggers use, built from settings in one place: the only code that makes real clients. */
export interface Services {
  config: AppConfig;
  endpoints: EndpointService;
  batches: BatchRepository;
  mailboxes: MailboxRepository;
  intake: BatchIntake;
  blobIntake: BlobIntake;
  stores: MigrationStores;
  connectors: MigrationConnectors;
  provisioningSteps: ProvisioningSteps;
  copySteps: CopySteps;
  batchSteps: BatchSteps;
  lifecycle: BatchLifecycle;
  maintenance: Maintenance;
  /** What the Durable activities are built over. */
  activityDependencies: ActivityDependencies;
}

export function buildServices(config: AppConfig): Services {
  const storage = new StorageClients(config);
  const cipher = new PasswordCipher(config.encryptionKey);
  const secrets: SecretStore =
    config.secretsProvider === 'keyvault' && config.keyVaultUrl
      ? new KeyVaultSecretStore(config.keyVaultUrl)
      : new LocalSecretStore(() => storage.table('secrets'), cipher);
  const endpoints = new EndpointRepository(() => storage.table('endpoints'));
  const batches = new BatchRepository(() => storage.table('batches'));
  const mailboxes = new MailboxRepository(() => storage.table('mailboxes'));
  const mailboxSecrets = new MailboxSecretRepository(() => storage.table('mailboxSecrets'), cipher);
  const activeAddresses = new ActiveAddressRepository(() => storage.table('activeAddresses'));
  const intake = new BatchIntake({ endpoints, batches, mailboxes, mailboxSecrets, activeAddresses });
  const endpointService = new EndpointService(endpoints, secrets);
  const stores: MigrationStores = {
    endpoints: endpointService,
    batches,
    mailboxes,
    mailboxSecrets,
    activeAddresses,
    ledger: new CopyLedgerRepository(() => storage.table('copyLedger')),
    reports: new ReportStore(() => storage.container(config.reportsContainer), storage.blobServiceClient),
    outbox: new NotificationOutbox(() => storage.queue(config.notificationQueue)),
    throughput: new ThroughputRepository(() => storage.table('throughput')),
    csvBlobs: new CsvBlobStore(
      () => storage.container(config.intakeContainer),
      () => storage.container(config.processedContainer),
    ),
  };
  const connectors: MigrationConnectors = new ConnectorFactory(config);
  const batchSteps = new BatchSteps(config, stores, connectors);
  const provisioningSteps = new ProvisioningSteps(config, stores, connectors);
  const copySteps = new CopySteps(config, stores, connectors);
  return {
    config,
    endpoints: endpointService,
    batches,
    mailboxes,
    intake,
    blobIntake: new BlobIntake(intake, stores.csvBlobs),
    stores,
    connectors,
    provisioningSteps,
    copySteps,
    batchSteps,
    lifecycle: new BatchLifecycle(stores, batchSteps),
    maintenance: new Maintenance(stores),
    activityDependencies: {
      batchSteps,
      provisioningSteps,
      copySteps,
      ...(config.incrementalSyncMinutesOverride === undefined ? {} : { incrementalSyncMinutesOverride: config.incrementalSyncMinutesOverride }),
    },
  };
}

let built: Services | undefined;

/**
 * The app's services, built from the settings the first time a function needs them. The host's settings
 * do not change while it runs (a changed setting restarts the app), so they are read once.
 */
export function getServices(): Services {
  built ??= buildServices(readConfig());
  return built;
}
