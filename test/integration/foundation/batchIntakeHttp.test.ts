import { TableClient } from '@azure/data-tables';
import { createBatch, getBatch, listBatches, listBatchMailboxes } from '../../../src/functions/batchesApi';
import { createEndpoint } from '../../../src/functions/endpointsApi';
import { addresses, stagedCsv } from '../../support/batchCsvFixtures';
import { newContext, newRequest, useAppTestEnvironment } from '../../support/appTestEnvironment';

const env = useAppTestEnvironment();

function table(name: string): TableClient {
  return TableClient.fromConnectionString(env.connection, `${env.prefix}${name}`, { allowInsecureConnection: true });
}

async function countRows(name: string, filter?: string): Promise<number> {
  let count = 0;
  try {
    for await (const _ of table(name).listEntities(filter ? { queryOptions: { filter } } : {})) count += 1;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return 0;
    throw error;
  }
  return count;
}

function postCsv(query: Record<string, string>, csv: string | Uint8Array) {
  const body = typeof csv === 'string' ? { string: csv } : { bytes: csv };
  return createBatch(
    newRequest({ method: 'POST', path: '/api/batches', query: { autoStart: 'false', ...query }, body, headers: { 'content-type': 'text/csv' } }),
    newContext(env, 'createBatch'),
  );
}

beforeAll(async () => {
  const response = await createEndpoint(
    newRequest({ method: 'POST', path: '/api/endpoints', body: { string: JSON.stringify({ name: 'exchange2007', host: 'ex2007.contoso.local' }) } }),
    newContext(env, 'createEndpoint'),
  );
  expect(response.status).toBe(201);
});

describe('POST /api/batches', () => {
  it('accepts a 2,000-row CSV and writes its 2,000 mailbox rows', async () => {
    const response = await postCsv({ name: 'Wave 1', endpoint: 'exchange2007', notify: 'admin@contoso.com' }, stagedCsv(addresses(2000, 'wave1.contoso.com')));
    expect(response.status).toBe(201);
    expect(response.headers).toMatchObject({ location: '/api/batches/wave-1' });
    expect(response.jsonBody).toMatchObject({
      id: 'wave-1',
      name: 'Wave 1',
      endpoint: 'exchange2007',
      kind: 'staged',
      status: 'Created',
      mailboxCount: 2000,
      counts: { Queued: 2000, Synced: 0 },
      notificationEmails: ['admin@contoso.com'],
      incrementalSyncIntervalHours: 24,
    });
    expect(await countRows('Mailboxes', "PartitionKey eq 'wave-1'")).toBe(2000);
    const one = await table('Mailboxes').getEntity<{ emailAddress: string; status: string; csvLine: number }>('wave-1', 'user0042@wave1.contoso.com');
    expect(one).toMatchObject({ emailAddress: 'user0042@wave1.contoso.com', status: 'Queued', csvLine: 44 });
  });

  it('rejects a 2,001-row CSV and writes nothing', async () => {
    const before = { mailboxes: await countRows('Mailboxes'), claims: await countRows('ActiveAddresses'), batches: await countRows('Batches') };
    const response = await postCsv({ name: 'too-big', endpoint: 'exchange2007' }, stagedCsv(addresses(2001, 'big.contoso.com')));
    expect(response.status).toBe(400);
    expect(response.jsonBody).toMatchObject({ errors: [{ code: 'TooManyRows' }] });
    expect((response.jsonBody as { errors: unknown[] }).errors).toHaveLength(1);
    expect({ mailboxes: await countRows('Mailboxes'), claims: await countRows('ActiveAddresses'), batches: await countRows('Batches') }).toEqual(before);
    expect(await countRows('Mailboxes', "PartitionKey eq 'too-big'")).toBe(0);
  });

  it('reports all 50 scattered bad rows with their line numbers, and creates nothing', async () => {
    const rows = addresses(500, 'scatter.contoso.com');
    const badLines: number[] = [];
    for (let i = 0; i < 50; i += 1) {
      const index = i * 10 + 3;
      rows[index] = `not-an-address-${i}`;
      badLines.push(index + 2); // the header is line 1
    }
    const response = await postCsv({ name: 'scattered', endpoint: 'exchange2007' }, stagedCsv(rows));
    expect(response.status).toBe(400);
    expect(response.headers).toMatchObject({ 'content-type': 'application/problem+json; charset=utf-8' });
    const errors = (response.jsonBody as { errors: { line: number; column: string; code: string }[] }).errors;
    expect(errors).toHaveLength(50);
    expect(errors.map((e) => e.line)).toEqual(badLines);
    expect(errors.every((e) => e.column === 'EmailAddress' && e.code === 'InvalidEmailAddress')).toBe(true);
    expect(await countRows('Mailboxes', "PartitionKey eq 'scattered'")).toBe(0);
  });

  it('rejects only the rows already in another active batch, naming that batch', async () => {
    const first = await postCsv({ name: 'sales', endpoint: 'exchange2007' }, stagedCsv(['ann@sales.contoso.com', 'bob@sales.contoso.com']));
    expect(first.status).toBe(201);
    const second = await postCsv({ name: 'sales-2', endpoint: 'exchange2007' }, stagedCsv(['carl@sales.contoso.com', 'BOB@sales.contoso.com']));
    expect(second.status).toBe(400);
    expect(second.jsonBody).toMatchObject({ errors: [{ code: 'AddressInActiveBatch', line: 3, column: 'EmailAddress' }] });
    expect((second.jsonBody as { errors: { message: string }[] }).errors[0]!.message).toContain('"sales"');
    expect(await countRows('Mailboxes', "PartitionKey eq 'sales-2'")).toBe(0);
  });

  it('refuses a second batch with the same name with 409', async () => {
    await postCsv({ name: 'Named Once', endpoint: 'exchange2007' }, stagedCsv(['x1@named.contoso.com']));
    const again = await postCsv({ name: 'named once', endpoint: 'exchange2007' }, stagedCsv(['x2@named.contoso.com']));
    expect(again.status).toBe(409);
    expect(again.jsonBody).toMatchObject({ errors: [{ code: 'BatchExists', field: 'name' }] });
  });

  it('answers missing parameters, an unknown endpoint and a wrong content type clearly', async () => {
    const missing = await postCsv({}, stagedCsv(['a@b.com']));
    expect(missing.status).toBe(400);
    expect((missing.jsonBody as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['name', 'endpoint']);
    const unknown = await postCsv({ name: 'orphan', endpoint: 'no-such-endpoint' }, stagedCsv(['a@b.com']));
    expect(unknown.status).toBe(404);
    expect(unknown.jsonBody).toMatchObject({ errors: [{ code: 'EndpointNotFound', field: 'endpoint' }] });
    const wrongType = await createBatch(
      newRequest({
        method: 'POST',
        path: '/api/batches',
        query: { name: 'x', endpoint: 'exchange2007', autoStart: 'false' },
        body: { string: '{}' },
        headers: { 'content-type': 'application/json' },
      }),
      newContext(env, 'createBatch'),
    );
    expect(wrongType.status).toBe(415);
  });

  it('takes a UTF-16 Excel "Unicode text" file with a BOM', async () => {
    const text = 'EmailAddress\r\nzoe@unicode.contoso.com\r\nyann@unicode.contoso.com\r\n';
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const response = await postCsv({ name: 'unicode', endpoint: 'exchange2007' }, bytes);
    expect(response.status).toBe(201);
    expect(response.jsonBody).toMatchObject({ mailboxCount: 2 });
  });
});

describe('reading batches back', () => {
  it('lists batches, gets one, and pages through its mailboxes', async () => {
    await postCsv({ name: 'paging', endpoint: 'exchange2007' }, stagedCsv(addresses(25, 'paging.contoso.com')));
    const list = await listBatches(newRequest({ method: 'GET', path: '/api/batches' }), newContext(env, 'listBatches'));
    expect((list.jsonBody as { value: { id: string }[] }).value.map((b) => b.id)).toContain('paging');
    const one = await getBatch(newRequest({ method: 'GET', path: '/api/batches/paging', params: { id: 'paging' } }), newContext(env, 'getBatch'));
    expect(one.jsonBody).toMatchObject({ id: 'paging', mailboxCount: 25 });

    const seen: string[] = [];
    let query: Record<string, string> = { pageSize: '10' };
    for (let page = 0; page < 5; page += 1) {
      const response = await listBatchMailboxes(
        newRequest({ method: 'GET', path: '/api/batches/paging/mailboxes', params: { id: 'paging' }, query }),
        newContext(env, 'listBatchMailboxes'),
      );
      const body = response.jsonBody as { value: { emailAddress: string }[]; nextLink?: string };
      seen.push(...body.value.map((m) => m.emailAddress));
      expect(JSON.stringify(body.value)).not.toMatch(/odata|etag|partitionKey/i);
      if (!body.nextLink) break;
      query = Object.fromEntries(new URL(body.nextLink, 'http://x').searchParams);
    }
    expect(seen).toEqual(addresses(25, 'paging.contoso.com'));
  });

  it('answers 404 for an unknown batch', async () => {
    const response = await getBatch(newRequest({ method: 'GET', path: '/api/batches/none', params: { id: 'none' } }), newContext(env, 'getBatch'));
    expect(response.status).toBe(404);
    const mailboxes = await listBatchMailboxes(
      newRequest({ method: 'GET', path: '/api/batches/none/mailboxes', params: { id: 'none' } }),
      newContext(env, 'listBatchMailboxes'),
    );
    expect(mailboxes.status).toBe(404);
  });
});
