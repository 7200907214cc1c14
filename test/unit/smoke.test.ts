import { TableClient } from '@azure/data-tables';

describe('test environment', () => {
  it('reaches the shared Azurite', async () => {
    const table = TableClient.fromConnectionString(process.env.TEST_STORAGE_CONNECTION!, 'smoketest', { allowInsecureConnection: true });
    await table.createTable();
    await table.upsertEntity({ partitionKey: 'p', rowKey: 'r', value: 42 });
    const got = await table.getEntity<{ value: number }>('p', 'r');
    expect(got.value).toBe(42);
  });
});
