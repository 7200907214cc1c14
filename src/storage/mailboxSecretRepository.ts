import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import { unlessNotFound } from './unlessNotFound';
import type { PasswordCipher } from './passwordCipher';
import { listAll, submitInTransactions } from './tableTransactions';
import type { MailboxSecretStore } from '../services/ports/batchStores';

/**
 * Passwords from a batch CSV, kept only until the mailbox is provisioned: sealed with AES-GCM
 * (bound to batch and mailbox), in their own table so no mailbox read can return them, and
 * erased once used. Names cannot collide: the row is (batch id, mailbox key), the key encodes
 * the lower-cased address reversibly (toMailboxKey), and a batch id has no `/`, so the associated
 * data `<batch>/<mailbox key>` of two mailboxes always differs: one's password never opens as another's.
 */
export class MailboxSecretRepository implements MailboxSecretStore {
  constructor(
    private readonly table: () => Promise<TableClient>,
    private readonly cipher: PasswordCipher,
  ) {}

  async putAll(batchId: string, passwords: ReadonlyMap<string, string>): Promise<void> {
    const actions: TransactionAction[] = [...passwords].map(([mailboxKey, password]) => [
      'upsert',
      { partitionKey: batchId, rowKey: mailboxKey, sealed: this.cipher.encrypt(password, `${batchId}/${mailboxKey}`) },
      'Replace',
    ]);
    await submitInTransactions(await this.table(), actions);
  }

  /** The password, or undefined when none is kept (never given, or already used and erased). */
  async read(batchId: string, mailboxKey: string): Promise<string | undefined> {
    const table = await this.table();
    const entity = await unlessNotFound(() => table.getEntity<{ sealed: string }>(batchId, mailboxKey));
    return entity && this.cipher.decrypt(entity.sealed, `${batchId}/${mailboxKey}`);
  }

  async erase(batchId: string, mailboxKey: string): Promise<void> {
    const table = await this.table();
    await unlessNotFound(() => table.deleteEntity(batchId, mailboxKey));
  }

  async eraseBatch(batchId: string): Promise<void> {
    const table = await this.table();
    const rows = await listAll<{ sealed: string }>(table, odata`PartitionKey eq ${batchId}`);
    await submitInTransactions(
      table,
      rows.map((row) => ['delete', { partitionKey: batchId, rowKey: row.rowKey }]),
    );
  }
}
