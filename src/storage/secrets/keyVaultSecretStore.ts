import { DefaultAzureCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { unlessNotFound } from '../unlessNotFound';
import type { SecretStore } from '../../services/ports/secretStore';

/**
 * Secrets in Azure Key Vault, reached with the app's managed identity. Secret names allow only
 * letters, digits and dashes, so references are built from those.
 * https://learn.microsoft.com/azure/key-vault/general/about-keys-secrets-certificates#object-identifiers
 */
export class KeyVaultSecretStore implements SecretStore {
  private readonly client: SecretClient;

  constructor(vaultUrl: string) {
    this.client = new SecretClient(vaultUrl, new DefaultAzureCredential());
  }

  async set(name: string, value: string): Promise<void> {
    await this.client.setSecret(name, value);
  }

  async get(name: string): Promise<string | undefined> {
    return (await unlessNotFound(() => this.client.getSecret(name)))?.value;
  }

  async delete(name: string): Promise<void> {
    await unlessNotFound(async () => (await this.client.beginDeleteSecret(name)).pollUntilDone());
  }
}
