import { TableClient } from '@azure/data-tables';
import { randomBytes } from 'node:crypto';
import { readConfig } from '../../../src/config';
import { newQueuedMailbox } from '../../../src/core/mailbox/migrationMailbox';
import { BatchRepository } from '../../../src/storage/batchRepository';
import { ConcurrencyError } from '../../../src/core/errors/concurrencyError';
import { MailboxRepository } from '../../../src/storage/mailboxRepository';
import { MailboxSecretRepository } from '../../../src/storage/mailboxSecretRepository';
import { PasswordCipher } from '../../../src/storage/passwordCipher';
import { StorageClients } from '../../../src/storage/storageClients';
import { submitInTransactions } from '../../../src/storage/tableTransactions';
import { emptyStatusCounts } from '../../../src/core/mailbox/mailboxStatus';
import { useAppTestEnvironment } from '../../support/appTestEnvironment';

const env = useAppTestEnvironment();
const storage = new StorageClients(readConfig());
const now = '2026-11-25T10:00:00.000Z';

function mailbox(batchId: string, i: number) {
  return newQueuedMailbox({ batchId, mailboxKey: `m${i}@x.com`, emailAddress: `m${i}@x.com`, csvLine: i + 2, now, hasPendingPassword: false });
}

describe('entity-group transactions', () => {
  it('writes 250 rows of one partition in transactions of at most 100 (Azurite refuses more)', async () => {
    const table = TableClient.fromConnectionString(env.connection, `${env.prefix}Chunks`, { allowInsecureConnection: true });
    await table.createTable();
    const oversized = Array.from(
      { length: 101 },
      (_, i) => ['create', { partitionKey: 'p', rowKey: `over${i}` }] as ['create', { partitionKey: string; rowKey: string }],
    );
    await expect(table.submitTransaction(oversized)).rejects.toThrow();
    const actions = Array.from(
      { length: 250 },
      (_, i) => ['create', { partitionKey: 'p', rowKey: `r${i}` }] as ['create', { partitionKey: string; rowKey: string }],
    );
    await submitInTransactions(table, actions);
    let count = 0;
    for await (const _ of table.listEntities()) count += 1;
    expect(count).toBe(250);
  });
});

describe('status changes use ETags', () => {
  it('refuses a mailbox update made from a stale read', async () => {
    const mailboxes = new MailboxRepository(() => storage.table('mailboxes'));
    await mailboxes.insertAll([mailbox('etag-batch', 1)]);
    const first = (await mailboxes.get('etag-batch', 'm1@x.com'))!;
    const second = (await mailboxes.get('etag-batch', 'm1@x.com'))!;
    await mailboxes.update({ ...first.mailbox, status: 'Syncing' }, first.etag);
    await expect(mailboxes.update({ ...second.mailbox, status: 'Failed' }, second.etag)).rejects.toBeInstanceOf(ConcurrencyError);
    expect((await mailboxes.get('etag-batch', 'm1@x.com'))!.mailbox.status).toBe('Syncing');
  });

  it('refuses a batch update made from a stale read', async () => {
    const batches = new BatchRepository(() => storage.table('batches'));
    await batches.create({
      id: 'etag-b',
      name: 'etag-b',
      endpoint: 'e',
      kind: 'staged',
      status: 'Created',
      mailboxCount: 0,
      counts: emptyStatusCounts(),
      notificationEmails: [],
      incrementalSyncIntervalHours: 24,
      autoStart: true,
      source: 'http',
      createdAt: now,
    });
    const a = (await batches.get('etag-b'))!;
    const b = (await batches.get('etag-b'))!;
    const newEtag = await batches.update({ ...a.batch, status: 'Validating' }, a.etag);
    await expect(batches.update({ ...b.batch, status: 'Stopped' }, b.etag)).rejects.toThrow(
      'Batch "etag-b" was changed by another writer; read it again and retry.',
    );
    await batches.update({ ...a.batch, status: 'Syncing' }, newEtag);
    expect((await batches.get('etag-b'))!.batch.status).toBe('Syncing');
  });
});

describe('CSV passwords at rest', () => {
  it('keeps a password sealed until it is used, then erases it', async () => {
    const cipher = new PasswordCipher(process.env.MIGRATION_ENCRYPTION_KEY);
    const secrets = new MailboxSecretRepository(() => storage.table('mailboxSecrets'), cipher);
    await secrets.putAll('pw-batch', new Map([['ann@x.com', 'Pa55-Plain-Text']]));
    const raw = await (await storage.table('mailboxSecrets')).getEntity<{ sealed: string }>('pw-batch', 'ann@x.com');
    expect(raw.sealed).not.toContain('Pa55');
    expect(Buffer.from(raw.sealed, 'base64').toString('latin1')).not.toContain('Pa55');
    expect(await secrets.read('pw-batch', 'ann@x.com')).toBe('Pa55-Plain-Text');
    await secrets.erase('pw-batch', 'ann@x.com');
    expect(await secrets.read('pw-batch', 'ann@x.com')).toBeUndefined();
  });

  it('does not open a sealed value moved to another row or under another key', () => {
    const cipher = new PasswordCipher(randomBytes(32).toString('base64'));
    const sealed = cipher.encrypt('secret', 'batch/ann');
    expect(cipher.decrypt(sealed, 'batch/ann')).toBe('secret');
    expect(() => cipher.decrypt(sealed, 'batch/bob')).toThrow();
    expect(() => new PasswordCipher(randomBytes(32).toString('base64')).decrypt(sealed, 'batch/ann')).toThrow();
  });

  it('explains a missing or malformed encryption key', () => {
    expect(() => new PasswordCipher(undefined)).toThrow(/MIGRATION_ENCRYPTION_KEY is missing/);
    expect(() => new PasswordCipher(Buffer.from('short').toString('base64'))).toThrow(
      'MIGRATION_ENCRYPTION_KEY must be 32 bytes in base64; it decodes to 5 bytes.',
    );
  });
});
