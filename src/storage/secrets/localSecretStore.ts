import type { TableClient } from '@azure/data-tables';
import { unlessNotFound } from '../unlessNotFound';
import type { PasswordCipher } from '../passwordCipher';
import type { SecretStore } from '../../services/ports/secretStore';

const PARTITION = 'secret';

/** Secrets for local runs: AES-GCM sealed in a table, with the key from settings. */
export class LocalSecretStore implements SecretStore {
  constructor(
    private readonly table: () => Promise<TableClient>,
    private readonly cipher: PasswordCipher,
  ) {}

  async set(name: string, value: string): Promise<void> {
    const table = await this.table();
    await table.upsertEntity({ partitionKey: PARTITION, rowKey: name, sealed: this.cipher.encrypt(value, name) }, 'Replace');
  }

  async get(name: string): Promise<string | undefined> {
    const table = await this.table();
    const entity = await unlessNotFound(() => table.getEntity<{ sealed: string }>(PARTITION, name));
    return entity && this.cipher.decrypt(entity.sealed, name);
  }

  async delete(name: string): Promise<void> {
    const table = await this.table();
    await unlessNotFound(() => table.deleteEntity(PARTITION, name));
  }
}
