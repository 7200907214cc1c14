import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { connect } from 'node:net';

import { type GetTableEntityOptions, RestError, TableClient, type TableEntity, type TableEntityResult, type TransactionAction } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';

import {
  type RunningStorageFaultProxy,
  startStorageFaultProxy,
  storageEndpoint,
  withProxiedEndpoints,
} from '../../../tools/storage-fault-proxy/startStorageFaultProxy';

/**
 * The storage fault proxy in front of the run's Azurite (started by the jest global setup): every
 * request passes unchanged, SharedKey signatures included, until a rule fails chosen ones the way
 * Azure Storage documents transient failures, seen through @azure/data-tables as the app sees them.
 */

const connection = (): string => {
  const value = process.env.TEST_STORAGE_CONNECTION;
  if (!value) throw new Error('TEST_STORAGE_CONNECTION is not set: run the tests through jest (its global setup starts Azurite).');
  return value;
};

/** The SDK's raw view of an answer (status, headers, body text). */
type RawResponse = Parameters<NonNullable<GetTableEntityOptions['onResponse']>>[0];

/** No retries: the test must see the first answer, not the SDK's third attempt. */
const NO_RETRIES = { allowInsecureConnection: true, retryOptions: { maxRetries: 0 } };

const tableName = `sfp${randomBytes(5).toString('hex')}`;
let proxy: RunningStorageFaultProxy;
let direct: TableClient;
let viaProxy: TableClient;

interface MailboxRow {
  status: string;
  note?: string;
}

beforeAll(async () => {
  proxy = await startStorageFaultProxy({ connectionString: connection() });
  direct = TableClient.fromConnectionString(connection(), tableName, NO_RETRIES);
  viaProxy = TableClient.fromConnectionString(proxy.connectionString, tableName, NO_RETRIES);
  await viaProxy.createTable();
});

afterEach(() => {
  proxy.faults.clear();
});

afterAll(async () => {
  await direct?.deleteTable().catch(() => undefined);
  await proxy?.stop();
});

/** The error a call rejected with (fails the test when it resolved). */
async function rejection(call: Promise<unknown>): Promise<RestError> {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(RestError);
    return error as RestError;
  }
  throw new Error('expected the call to fail');
}

/**
 * The Storage error code as @azure/data-tables hands it over: from `x-ms-error-code`, in
 * `details.errorCode`. (Its RestError.code stays undefined for Table service errors, Azurite's own
 * 404 and 409 included.)
 */
function storageErrorCode(error: RestError): string | undefined {
  return (error.details as { errorCode?: string } | undefined)?.errorCode;
}

async function statusInAzurite(rowKey: string): Promise<string> {
  return (await direct.getEntity<MailboxRow>('mailboxes', rowKey)).status;
}

/** What the proxy says for requests of the given kind, read with a plain HTTP request (no SDK). */
function rawRequest(
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: proxy.host, port: proxy.port, method, path, headers, agent: false }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.once('end', () => resolve({ status: answer.statusCode ?? 0, headers: answer.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    outgoing.once('error', reject);
    outgoing.end();
  });
}

describe('connection strings', () => {
  it('points only the proxied endpoint at the proxy and keeps the account and key', () => {
    expect(storageEndpoint(proxy.connectionString, 'table').href).toBe(`${proxy.url}`);
    expect(proxy.url).toBe(`http://127.0.0.1:${proxy.port}/devstoreaccount1`);
    expect(storageEndpoint(proxy.connectionString, 'blob').href).toBe(storageEndpoint(connection(), 'blob').href);
    const withoutTable = (text: string): string[] => text.split(';').filter((part) => !part.startsWith('TableEndpoint='));
    expect(withoutTable(proxy.connectionString)).toEqual(withoutTable(connection()));
    expect(withProxiedEndpoints(connection(), { queue: 'http://127.0.0.1:1/devstoreaccount1' })).toContain('QueueEndpoint=http://127.0.0.1:1/devstoreaccount1');
  });

  it('refuses malformed rules', () => {
    expect(() => proxy.faults.set('typo', { method: ['PUT'] } as never)).toThrow();
    expect(() => proxy.faults.set('zero', { times: 0 })).toThrow();
  });
});

describe('without rules every request passes unchanged', () => {
  it('creates, upserts, reads, queries and transacts through the proxy with the same results as directly', async () => {
    const entities: Array<TableEntity<Record<string, unknown>>> = [
      {
        partitionKey: 'p1',
        rowKey: 'a',
        text: 'Grüße, 日本語 & <xml> "quotes"',
        count: 42,
        big: { value: '9007199254740993', type: 'Int64' },
        ratio: 0.25,
        flag: true,
        when: new Date('2007-01-01T08:00:00.000Z'),
      },
      { partitionKey: 'p1', rowKey: 'b', bytes: new Uint8Array([0, 1, 2, 255]), id: { value: 'c9da6455-213d-42c9-9a79-3e9149a57833', type: 'Guid' } },
      { partitionKey: 'p2', rowKey: 'c', text: 'x'.repeat(30_000) },
    ];
    for (const entity of entities) await viaProxy.upsertEntity(entity, 'Replace');
    await viaProxy.updateEntity({ partitionKey: 'p1', rowKey: 'a', note: 'merged' }, 'Merge');
    await viaProxy.submitTransaction([
      ['create', { partitionKey: 'p3', rowKey: 'x', n: 1 }],
      ['create', { partitionKey: 'p3', rowKey: 'y', n: 2 }],
    ]);

    for (const { partitionKey, rowKey } of [...entities, { partitionKey: 'p3', rowKey: 'x' }]) {
      let throughProxy: RawResponse | undefined;
      let straight: RawResponse | undefined;
      const proxied = await viaProxy.getEntity(partitionKey, rowKey, {
        onResponse: (raw) => {
          throughProxy = raw;
        },
      });
      const read = await direct.getEntity(partitionKey, rowKey, {
        onResponse: (raw) => {
          straight = raw;
        },
      });
      expect(proxied).toEqual(read);
      expect(throughProxy!.bodyAsText).toBe(straight!.bodyAsText);
      expect(throughProxy!.headers.get('etag')).toBe(straight!.headers.get('etag'));
    }

    const query = { queryOptions: { filter: "PartitionKey eq 'p1' or PartitionKey eq 'p3'" } };
    const listed = async (client: TableClient): Promise<Array<TableEntityResult<Record<string, unknown>>>> => {
      const rows: Array<TableEntityResult<Record<string, unknown>>> = [];
      for await (const row of client.listEntities(query)) rows.push(row);
      return rows;
    };
    const proxiedRows = await listed(viaProxy);
    expect(proxiedRows.map((row) => row.rowKey)).toEqual(['a', 'b', 'x', 'y']);
    expect(proxiedRows).toEqual(await listed(direct));

    const stats = proxy.stats();
    expect(stats.requests.failed).toBe(0);
    expect(stats.requests.relayed).toBe(stats.requests.received);
    // The SDK keeps its connection alive through the proxy: many requests, few connections.
    expect(stats.connections.accepted).toBeGreaterThan(0);
    expect(stats.connections.accepted).toBeLessThan(stats.requests.received);
  });

  it('passes the SharedKey signature on untouched: Azurite still refuses a wrong key', async () => {
    const wrongKey = Buffer.from('not the account key').toString('base64');
    const forged = TableClient.fromConnectionString(proxy.connectionString.replace(/AccountKey=[^;]+/, `AccountKey=${wrongKey}`), tableName, NO_RETRIES);
    const error = await rejection(forged.getEntity('p1', 'a'));
    expect(error.statusCode).toBe(403);
    expect(proxy.stats().requests.failed).toBe(0);
  });
});

describe('a rule failing writes before Azurite sees them', () => {
  it('fails the first 5 MERGE/PUT writes carrying the marker with 503 ServerBusy, then lets writes pass', async () => {
    await direct.upsertEntity<MailboxRow>({ partitionKey: 'mailboxes', rowKey: 'm1', status: 'Queued' }, 'Replace');
    proxy.faults.set('busy-syncing-writes', {
      methods: ['MERGE', 'PUT', 'PATCH'],
      resource: tableName,
      bodyContains: '"status":"Syncing"',
      times: 5,
    });

    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const mode = attempt % 2 === 0 ? 'Replace' : 'Merge';
      const error = await rejection(viaProxy.updateEntity<MailboxRow>({ partitionKey: 'mailboxes', rowKey: 'm1', status: 'Syncing' }, mode));
      expect(error.statusCode).toBe(503);
      expect(storageErrorCode(error)).toBe('ServerBusy');
      expect(await statusInAzurite('m1')).toBe('Queued');
      // Other writes to the table, and reads, pass meanwhile.
      await viaProxy.updateEntity<Partial<MailboxRow>>({ partitionKey: 'mailboxes', rowKey: 'm1', note: `attempt ${attempt}` }, 'Merge');
      expect((await viaProxy.getEntity<MailboxRow>('mailboxes', 'm1')).note).toBe(`attempt ${attempt}`);
    }

    expect(proxy.faults.list()).toEqual([expect.objectContaining({ name: 'busy-syncing-writes', hits: 5, spent: true })]);
    await viaProxy.updateEntity<MailboxRow>({ partitionKey: 'mailboxes', rowKey: 'm1', status: 'Syncing' }, 'Merge');
    expect(await statusInAzurite('m1')).toBe('Syncing');
    expect(proxy.stats().faults['busy-syncing-writes']).toBe(5);
  });

  it("answers in the shape of Azure Storage errors, like Azurite's own errors", async () => {
    proxy.faults.set('busy', { methods: ['GET'], resource: tableName, times: 1 });
    const injected = await rejection(viaProxy.getEntity('p1', 'a'));
    const real = await rejection(viaProxy.getEntity('p1', 'no-such-row'));
    expect(real.statusCode).toBe(404);

    for (const error of [injected, real]) {
      const headers = error.response!.headers;
      const code = storageErrorCode(error);
      expect(headers.get('x-ms-error-code')).toBe(code);
      expect(headers.get('x-ms-request-id')).toMatch(/\S/);
      expect(headers.get('x-ms-version')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(headers.get('content-type')).toBe('application/json;odata=minimalmetadata;streaming=true;charset=utf-8');
      const body = JSON.parse(error.response!.bodyAsText!);
      expect(Object.keys(body)).toEqual(['odata.error']);
      expect(Object.keys(body['odata.error'])).toEqual(['code', 'message']);
      expect(body['odata.error'].code).toBe(code);
      expect(body['odata.error'].message).toEqual({ lang: 'en-US', value: expect.stringMatching(/\nRequestId:\S+\nTime:\S+Z$/) });
    }
    expect(storageErrorCode(injected)).toBe('ServerBusy');
    expect(JSON.parse(injected.response!.bodyAsText!)['odata.error'].message.value).toMatch(
      /^The server is currently unable to receive requests\. Please retry your request\.\nRequestId:/,
    );
    // The SDK's client request id comes back, as from the service.
    expect(injected.response!.headers.get('x-ms-client-request-id')).toBe(injected.request!.headers.get('x-ms-client-request-id'));
  });

  it('answers InternalError and OperationTimedOut as 500, XML for a request that does not accept JSON', async () => {
    proxy.faults.set('internal', { methods: ['GET'], resource: 'Tables', fail: 'InternalError', times: 1 });
    proxy.faults.set('timeout', { methods: ['GET'], resource: 'Tables', fail: 'OperationTimedOut', message: 'Timed out.', times: 1 });
    const internal = await rawRequest('GET', '/devstoreaccount1/Tables', { Accept: 'application/json;odata=nometadata', 'x-ms-version': '2019-02-02' });
    expect(internal.status).toBe(500);
    expect(internal.headers['x-ms-error-code']).toBe('InternalError');
    expect(internal.headers['x-ms-version']).toBe('2019-02-02');
    expect(internal.headers['content-type']).toBe('application/json;odata=nometadata;streaming=true;charset=utf-8');
    expect(JSON.parse(internal.body)['odata.error'].message.value).toMatch(/^The server encountered an internal error\. Please retry the request\.\n/);

    const timedOut = await rawRequest('GET', '/devstoreaccount1/Tables');
    expect(timedOut.status).toBe(500);
    expect(timedOut.headers['x-ms-error-code']).toBe('OperationTimedOut');
    expect(timedOut.headers['content-type']).toBe('application/xml');
    expect(timedOut.body).toMatch(/<code>OperationTimedOut<\/code><message xml:lang="en-US">Timed out\.\nRequestId:/);
    expect(proxy.stats().faults).toMatchObject({ internal: 1, timeout: 1 });
  });

  it("lets the SDK's own retries ride out a short ServerBusy spell", async () => {
    const retrying = TableClient.fromConnectionString(proxy.connectionString, tableName, {
      allowInsecureConnection: true,
      retryOptions: { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
    });
    proxy.faults.set('spell', { methods: ['PUT'], resource: tableName, bodyContains: 'spell', times: 2 });
    await retrying.upsertEntity({ partitionKey: 'mailboxes', rowKey: 'm2', status: 'spell' }, 'Replace');
    expect(await statusInAzurite('m2')).toBe('spell');
    expect(proxy.stats().faults.spell).toBe(2);
  });

  it('fails a transaction that writes to the table, matched by the operations inside it', async () => {
    proxy.faults.set('batch', { methods: ['POST'], resource: tableName, bodyContains: 'in-batch', times: 1 });
    const actions: TransactionAction[] = [
      ['create', { partitionKey: 'tx', rowKey: 'r1', status: 'in-batch' }],
      ['create', { partitionKey: 'tx', rowKey: 'r2', status: 'in-batch' }],
    ];
    const error = await rejection(viaProxy.submitTransaction(actions));
    expect(error.statusCode).toBe(503);
    expect(await rejection(direct.getEntity('tx', 'r1')).then((e) => e.statusCode)).toBe(404);
    await viaProxy.submitTransaction(actions);
    expect((await direct.getEntity<MailboxRow>('tx', 'r2')).status).toBe('in-batch');
  });
});

describe('a rule failing writes after Azurite applied them', () => {
  it('answers 500 OperationTimedOut although the write is in Azurite', async () => {
    await direct.upsertEntity<MailboxRow>({ partitionKey: 'mailboxes', rowKey: 'm3', status: 'Queued' }, 'Replace');
    proxy.faults.set('applied-then-timeout', {
      methods: ['PATCH', 'MERGE'],
      resource: tableName,
      bodyContains: '"status":"Syncing"',
      times: 1,
      afterForwarding: true,
    });
    const error = await rejection(viaProxy.updateEntity<MailboxRow>({ partitionKey: 'mailboxes', rowKey: 'm3', status: 'Syncing' }, 'Merge'));
    expect(error.statusCode).toBe(500);
    expect(storageErrorCode(error)).toBe('OperationTimedOut');
    expect(await statusInAzurite('m3')).toBe('Syncing');
    expect(proxy.stats().faults['applied-then-timeout']).toBe(1);
  });

  it('cuts the connection instead of answering, after the write is in Azurite', async () => {
    proxy.faults.set('applied-then-cut', {
      methods: ['POST'],
      resource: tableName,
      bodyContains: 'cut-after-write',
      times: 1,
      afterForwarding: true,
      fail: 'dropConnection',
    });
    const error = await rejection(viaProxy.createEntity<MailboxRow>({ partitionKey: 'mailboxes', rowKey: 'm4', status: 'cut-after-write' }));
    expect(error.statusCode).toBeUndefined();
    expect(await statusInAzurite('m4')).toBe('cut-after-write');
    // The client's retry of the insert now meets the entity it wrote: the case the app must handle.
    const retried = await rejection(viaProxy.createEntity<MailboxRow>({ partitionKey: 'mailboxes', rowKey: 'm4', status: 'cut-after-write' }));
    expect(retried.statusCode).toBe(409);
    expect(storageErrorCode(retried)).toBe('EntityAlreadyExists');
  });
});

describe('in front of the Blob and Queue services', () => {
  it("streams a blob up and down unchanged, and fails a chosen upload with the Blob service's error", async () => {
    const blobProxy = await startStorageFaultProxy({ connectionString: connection(), service: 'blob' });
    const container = BlobServiceClient.fromConnectionString(blobProxy.connectionString, { retryOptions: { maxTries: 1 } }).getContainerClient(
      `sfp${randomBytes(5).toString('hex')}`,
    );
    try {
      await container.create();
      const content = randomBytes(3 * 1024 * 1024);
      await container.getBlockBlobClient('big.bin').uploadData(content);
      expect((await container.getBlockBlobClient('big.bin').downloadToBuffer()).equals(content)).toBe(true);

      blobProxy.faults.set('busy-upload', { methods: ['PUT'], resource: container.containerName, bodyContains: 'marker', times: 1 });
      const small = container.getBlockBlobClient('small.txt');
      const error = await rejection(small.upload('with marker', 11));
      expect(error.statusCode).toBe(503);
      expect(error.code).toBe('ServerBusy');
      expect(error.response!.headers.get('content-type')).toBe('application/xml');
      expect(await small.exists()).toBe(false);
      await small.upload('with marker', 11);
      expect((await small.downloadToBuffer()).toString()).toBe('with marker');
      expect(blobProxy.stats().faults['busy-upload']).toBe(1);
    } finally {
      await container.deleteIfExists().catch(() => undefined);
      await blobProxy.stop();
    }
  });

  it('fails a chosen enqueue before the queue sees it', async () => {
    const queueProxy = await startStorageFaultProxy({ connectionString: connection(), service: 'queue' });
    const queue = QueueServiceClient.fromConnectionString(queueProxy.connectionString, { retryOptions: { maxTries: 1 } }).getQueueClient(
      `sfp${randomBytes(5).toString('hex')}`,
    );
    try {
      await queue.create();
      queueProxy.faults.set('busy-enqueue', { methods: ['POST'], resource: queue.name, fail: 'InternalError', times: 1 });
      const error = await rejection(queue.sendMessage('first'));
      expect(error.statusCode).toBe(500);
      expect(error.code).toBe('InternalError');
      expect((await queue.peekMessages()).peekedMessageItems).toHaveLength(0);
      await queue.sendMessage('second');
      expect((await queue.peekMessages()).peekedMessageItems.map((m) => m.messageText)).toEqual(['second']);
    } finally {
      await queue.deleteIfExists().catch(() => undefined);
      await queueProxy.stop();
    }
  });
});

describe('stop()', () => {
  it('closes the listener and every connection, kept-alive ones included', async () => {
    const second = await startStorageFaultProxy({ connectionString: connection() });
    const client = TableClient.fromConnectionString(second.connectionString, tableName, NO_RETRIES);
    await client.upsertEntity({ partitionKey: 'stop', rowKey: 'r', n: 1 }, 'Replace');
    await client.getEntity('stop', 'r');
    expect(second.stats().connections.open).toBeGreaterThan(0);

    await second.stop();
    await second.stop();
    expect(second.stats().connections.open).toBe(0);
    // The client's kept-alive connection is gone (reset) and no new one is accepted (refused).
    const cut = await rejection(client.getEntity('stop', 'r'));
    expect(cut.statusCode).toBeUndefined();
    expect(['ECONNRESET', 'ECONNREFUSED']).toContain(cut.code);
    const refused = await new Promise<string | undefined>((resolve) => {
      const socket = connect({ host: second.host, port: second.port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code));
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});
