import { TableClient } from '@azure/data-tables';

/** Reads what the fixture functions recorded (test/fixtures/devhost-app/src/workLog.ts), in order. */
export async function readWorkLog(hubName: string, partition: string): Promise<string[]> {
  const table = TableClient.fromConnectionString(process.env.TEST_STORAGE_CONNECTION!, `${hubName}Worklog`, { allowInsecureConnection: true });
  const rows: { item: string; seq: number; rowKey: string }[] = [];
  try {
    for await (const row of table.listEntities<{ item: string; seq: number }>({ queryOptions: { filter: `PartitionKey eq '${partition}'` } })) {
      rows.push({ item: row.item, seq: row.seq, rowKey: row.rowKey ?? '' });
    }
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return [];
    throw error;
  }
  return rows.sort((a, b) => a.rowKey.localeCompare(b.rowKey)).map((r) => r.item);
}

/** Polls the work log until `done` holds; the deadline only bounds a hung test. */
export async function waitForWorkLog(hubName: string, partition: string, done: (items: string[]) => boolean, deadlineMs = 120_000): Promise<string[]> {
  const until = Date.now() + deadlineMs;
  let items: string[] = [];
  while (Date.now() < until) {
    items = await readWorkLog(hubName, partition);
    if (done(items)) return items;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`Work log ${partition} never satisfied the condition; it holds: ${JSON.stringify(items)}`);
}
