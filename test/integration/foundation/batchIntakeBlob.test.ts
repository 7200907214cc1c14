import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { TableClient } from '@azure/data-tables';
import { batchIntakeBlob } from '../../../src/functions/batchIntakeBlob';
import { createEndpoint } from '../../../src/functions/endpointsApi';
import { getBatch } from '../../../src/functions/batchesApi';
import { newContext, newRequest, useAppTestEnvironment } from '../../support/appTestEnvironment';

const env = useAppTestEnvironment();
let intake: ContainerClient;
let processed: ContainerClient;

async function drop(name: string, text: string, metadata?: Record<string, string>): Promise<void> {
  // Starting the orchestration needs the Functions host; these tests stop at intake.
  await intake.getBlockBlobClient(name).upload(text, Buffer.byteLength(text), { metadata: { autostart: 'false', ...metadata } });
  await batchIntakeBlob(Buffer.from(text), newContext(env, 'batchIntakeBlob', { name }));
}

async function readText(container: ContainerClient, name: string): Promise<string> {
  return (await container.getBlobClient(name).downloadToBuffer()).toString('utf8');
}

async function exists(container: ContainerClient, name: string): Promise<boolean> {
  return container.getBlobClient(name).exists();
}

beforeAll(async () => {
  const service = BlobServiceClient.fromConnectionString(env.connection);
  intake = service.getContainerClient(process.env.MIGRATION_INTAKE_CONTAINER!);
  processed = service.getContainerClient(process.env.MIGRATION_PROCESSED_CONTAINER!);
  await intake.createIfNotExists();
  const response = await createEndpoint(
    newRequest({ method: 'POST', path: '/api/endpoints', body: { string: JSON.stringify({ name: 'ex2003', host: 'ex2003.contoso.local' }) } }),
    newContext(env, 'createEndpoint'),
  );
  expect(response.status).toBe(201);
});

describe('CSV dropped into migration-batches', () => {
  it('creates the batch, and moves the file aside without its Password column', async () => {
    await drop(
      'ex2003/Finance.csv',
      'EmailAddress,Password,ForceChangePassword\r\nann@fin.contoso.com,Blob-Pass-1,True\r\nbob@fin.contoso.com,Blob-Pass-2,false\r\n',
      { notificationemails: 'it@contoso.com' },
    );
    const batch = await getBatch(newRequest({ method: 'GET', path: '/api/batches/finance', params: { id: 'finance' } }), newContext(env, 'getBatch'));
    expect(batch.status).toBe(200);
    expect(batch.jsonBody).toMatchObject({
      name: 'Finance',
      endpoint: 'ex2003',
      mailboxCount: 2,
      notificationEmails: ['it@contoso.com'],
      autoStart: false,
      status: 'Created',
    });
    expect(await exists(intake, 'ex2003/Finance.csv')).toBe(false);
    const kept = await readText(processed, 'finance/Finance.csv');
    expect(kept).toContain('ann@fin.contoso.com');
    expect(kept).not.toMatch(/Password,|Blob-Pass/);
    const mailbox = await TableClient.fromConnectionString(env.connection, `${env.prefix}Mailboxes`, { allowInsecureConnection: true }).getEntity<{
      forceChangePassword: boolean;
      hasPendingPassword: boolean;
    }>('finance', 'ann@fin.contoso.com');
    expect(mailbox).toMatchObject({ forceChangePassword: true, hasPendingPassword: true });
  });

  it('takes the endpoint from blob metadata when the file is at the top level', async () => {
    await drop('HR Wave.csv', 'EmailAddress\nhr1@hr.contoso.com\n', { endpoint: 'ex2003' });
    const batch = await getBatch(newRequest({ method: 'GET', path: '/api/batches/hr-wave', params: { id: 'hr-wave' } }), newContext(env, 'getBatch'));
    expect(batch.jsonBody).toMatchObject({ name: 'HR Wave', endpoint: 'ex2003', mailboxCount: 1 });
  });

  it('creates nothing for a bad file, writes <name>.errors.csv beside it, and strips its passwords', async () => {
    await drop('ex2003/Broken.csv', 'EmailAddress,Password\r\nok@b.contoso.com,Broken-Pass-1\r\nnot an address,Broken-Pass-2\r\n');
    const batch = await getBatch(newRequest({ method: 'GET', path: '/api/batches/broken', params: { id: 'broken' } }), newContext(env, 'getBatch'));
    expect(batch.status).toBe(404);
    const errors = await readText(intake, 'ex2003/Broken.errors.csv');
    expect(errors.replace(/^\uFEFF/, '').split(/\r?\n/)[0]).toBe('Line,Column,Code,Message');
    expect(errors).toContain('3,EmailAddress,InvalidEmailAddress,');
    const left = await readText(intake, 'ex2003/Broken.csv');
    expect(left).toContain('ok@b.contoso.com');
    expect(left).not.toContain('Broken-Pass');
    // Our own rewrite fires the trigger again: it is recognised and left alone.
    await batchIntakeBlob(Buffer.from(left), newContext(env, 'batchIntakeBlob', { name: 'ex2003/Broken.csv' }));
    expect(await readText(intake, 'ex2003/Broken.errors.csv')).toBe(errors);
  });

  it('says which endpoint is missing when neither folder nor metadata names one', async () => {
    await drop('Nowhere.csv', 'EmailAddress\nx@nowhere.contoso.com\n');
    expect(await readText(intake, 'Nowhere.errors.csv')).toContain('EndpointMissing');
  });

  it('ignores its own errors files and a trigger for a blob already taken in', async () => {
    const logsBefore = env.logs.length;
    await batchIntakeBlob(Buffer.from(''), newContext(env, 'batchIntakeBlob', { name: 'ex2003/Broken.errors.csv' }));
    await batchIntakeBlob(Buffer.from(''), newContext(env, 'batchIntakeBlob', { name: 'ex2003/Finance.csv' }));
    expect(env.logs.slice(logsBefore).join('\n')).toMatch(/Broken\.errors\.csv ignored: not a batch CSV[\s\S]*Finance\.csv ignored: the blob is gone/);
  });
});
