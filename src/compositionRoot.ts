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
import type { SecretStore } from './storage/secrets/secretStore';
import { StorageClients } from './storage/storageClients';

/** Everything the triggers use, built from settings in one place: the only code that makes real clients. */
export interface Services {
  config: AppConfig;
  endpoints: EndpointService;
  batches: BatchRepository;
  mailboxes: MailboxRepository;
  intake: BatchIntake;
  blobIntake: BlobIntake;
}

export function buildServices(config: AppConfig): Services {
  const storage = new StorageClients(config);
  const cipher = new PasswordCipher(config.encryptionKey);
  const secrets: SecretStore = config.secretsProvider === 'keyvault' && config.keyVaultUrl
    ? new KeyVaultSecretStore(config.keyVaultUrl)
    : new LocalSecretStore(() => storage.table('secrets'), cipher);
  const endpoints = new EndpointRepository(() => storage.table('endpoints'));
  const batches = new BatchRepository(() => storage.table('batches'));
  const mailboxes = new MailboxRepository(() => storage.table('mailboxes'));
  const intake = new BatchIntake({
    endpoints,
    batches,
    mailboxes,
    mailboxSecrets: new MailboxSecretRepository(() => storage.table('mailboxSecrets'), cipher),
    activeAddresses: new ActiveAddressRepository(() => storage.table('activeAddresses')),
  });
  const csvBlobs = new CsvBlobStore(() => storage.container(config.intakeContainer), () => storage.container(config.processedContainer));
  return {
    config,
    endpoints: new EndpointService(endpoints, secrets),
    batches,
    mailboxes,
    intake,
    blobIntake: new BlobIntake(intake, csvBlobs),
  };
}

let cached: { key: string; services: Services } | undefined;

/** The app's services for the current settings (built once, rebuilt if the settings change). */
export function getServices(): Services {
  const config = readConfig();
  const key = JSON.stringify(config);
  if (!cached || cached.key !== key) cached = { key, services: buildServices(config) };
  return cached.services;
}
