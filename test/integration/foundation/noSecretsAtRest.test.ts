import { TableClient, TableServiceClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import type { HttpResponseInit } from '@azure/functions';
import { batchIntakeBlob } from '../../../src/functions/batchIntakeBlob';
import { createBatch, getBatch, listBatches, listBatchMailboxes } from '../../../src/functions/batchesApi';
import { createEndpoint, getEndpoint, listEndpoints } from '../../../src/functions/endpointsApi';
import { newContext, newRequest, useAppTestEnvironment } from '../../support/appTestEnvironment';

const env = useAppTestEnvironment();
const SECRETS = ['EndpointPw-7d1f', 'HttpCsvPw-91ab', 'BlobCsvPw-44ce', 'RejectedCsvPw-0f3e', 'ImapCsvPw-5b5b'];

/** Every table entity and every blob of the whole storage account, as text. */
async function everythingStored(): Promise<string[]> {
  const found: string[] = [];
  const tables = TableServiceClient.fromConnectionString(env.connection, { allowInsecureConnection: true });
  for await (const table of tables.listTables()) {
    const client = TableClient.fromConnectionString(env.connection, table.name!, { allowInsecureConnection: true });
    for await (const entity of client.listEntities()) found.push(JSON.stringify(entity));
  }
  const blobs = BlobServiceClient.fromConnectionString(env.connection);
  for await (const container of blobs.listContainers()) {
    const client = blobs.getContainerClient(container.name);
    for await (const blob of client.listBlobsFlat({ includeMetadata: true })) {
      found.push(JSON.stringify(blob.metadata ?? {}));
      const bytes = await client.getBlobClient(blob.name).downloadToBuffer();
      found.push(bytes.toString('utf8'), bytes.toString('utf16le'), bytes.toString('latin1'));
    }
  }
  return found;
}

describe('secrets never reach storage, logs or API answers', () => {
  it('finds no plain-text password anywhere after endpoint creation and every kind of intake', async () => {
    const answers: HttpResponseInit[] = [];
    const call = async (promise: Promise<HttpResponseInit>) => {
      const r = await promise;
      answers.push(r);
      return r;
    };

    await call(
      createEndpoint(
        newRequest({
          method: 'POST',
          path: '/api/endpoints',
          body: { string: JSON.stringify({ name: 'secret-ep', host: 'h.local', adminUserName: 'admin', password: SECRETS[0] }) },
        }),
        newContext(env, 'createEndpoint'),
      ),
    );
    const created = await call(
      createBatch(
        newRequest({
          method: 'POST',
          path: '/api/batches',
          query: { name: 'secret-http', endpoint: 'secret-ep', autoStart: 'false' },
          headers: { 'content-type': 'text/csv' },
          body: { string: `EmailAddress,Password,ForceChangePassword\r\nsa@s.contoso.com,${SECRETS[1]},True\r\n` },
        }),
        newContext(env, 'createBatch'),
      ),
    );
    expect(created.status).toBe(201);
    const imap = await call(
      createBatch(
        newRequest({
          method: 'POST',
          path: '/api/batches',
          query: { name: 'secret-imap', endpoint: 'secret-ep', autoStart: 'false' },
          headers: { 'content-type': 'text/csv' },
          body: { string: `EmailAddress,UserName,Password\r\nsi@s.contoso.com,si,${SECRETS[4]}\r\n` },
        }),
        newContext(env, 'createBatch'),
      ),
    );
    expect(imap.status).toBe(201);
    // A rejected HTTP upload must not echo the password in its errors either.
    const rejected = await call(
      createBatch(
        newRequest({
          method: 'POST',
          path: '/api/batches',
          query: { name: 'secret-bad', endpoint: 'secret-ep', autoStart: 'false' },
          headers: { 'content-type': 'text/csv' },
          body: { string: `EmailAddress,UserName,Password\r\nbroken,${SECRETS[3]},${SECRETS[3]}\r\n` },
        }),
        newContext(env, 'createBatch'),
      ),
    );
    expect(rejected.status).toBe(400);

    const container = BlobServiceClient.fromConnectionString(env.connection).getContainerClient(process.env.MIGRATION_INTAKE_CONTAINER!);
    await container.createIfNotExists();
    for (const [name, text] of [
      ['secret-ep/secret-blob.csv', `EmailAddress,Password\r\nsb@s.contoso.com,${SECRETS[2]}\r\n`],
      ['secret-ep/secret-rejected.csv', `EmailAddress,Password\r\nnope,${SECRETS[3]}\r\n`],
    ] as const) {
      await container.getBlockBlobClient(name).upload(text, Buffer.byteLength(text), { metadata: { autostart: 'false' } });
      await batchIntakeBlob(Buffer.from(text), newContext(env, 'batchIntakeBlob', { name }));
    }

    await call(listEndpoints(newRequest({ method: 'GET', path: '/api/endpoints' }), newContext(env, 'listEndpoints')));
    await call(getEndpoint(newRequest({ method: 'GET', path: '/api/endpoints/secret-ep', params: { name: 'secret-ep' } }), newContext(env, 'getEndpoint')));
    await call(listBatches(newRequest({ method: 'GET', path: '/api/batches' }), newContext(env, 'listBatches')));
    for (const id of ['secret-http', 'secret-imap', 'secret-blob']) {
      expect((await call(getBatch(newRequest({ method: 'GET', path: `/api/batches/${id}`, params: { id } }), newContext(env, 'getBatch')))).status).toBe(200);
      await call(
        listBatchMailboxes(newRequest({ method: 'GET', path: `/api/batches/${id}/mailboxes`, params: { id } }), newContext(env, 'listBatchMailboxes')),
      );
    }

    const haystack = [...(await everythingStored()), ...env.logs, ...answers.map((a) => JSON.stringify(a))].join('\n');
    expect(haystack.length).toBeGreaterThan(1000);
    expect(haystack).toContain('sa@s.contoso.com');
    for (const secret of SECRETS) expect(haystack).not.toContain(secret);
  });
});
