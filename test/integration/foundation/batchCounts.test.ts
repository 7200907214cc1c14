import { performance } from 'node:perf_hooks';
import { getServices } from '../../../src/compositionRoot';
import { countStatuses, type MailboxStatus, type MailboxStatusCounts } from '../../../src/core/mailbox/mailboxStatus';
import { createBatch, getBatch, listBatches } from '../../../src/functions/batchesApi';
import { createEndpoint } from '../../../src/functions/endpointsApi';
import { updateMailbox } from '../../../src/services/copy/mailboxStatistics';
import { addresses, stagedCsv } from '../../support/batchCsvFixtures';
import { newContext, newRequest, useAppTestEnvironment } from '../../support/appTestEnvironment';

/**
 * Batch counts at the size Exchange Online allows (2,000 mailboxes): GET /api/batches/{id} and
 * GET /api/batches answer the mailboxes' statuses as they are, right after the mailbox steps change
 * them, while the batch row (written only when the batch's status changes) keeps its old snapshot.
 */
const env = useAppTestEnvironment();
const BATCH = 'counts-2000';
const DOMAIN = 'counts.contoso.com';
const SIZE = 2000;
const keys = addresses(SIZE, DOMAIN);

interface BatchAnswer {
  id: string;
  status: string;
  mailboxCount: number;
  counts: MailboxStatusCounts;
}

async function getBatchAnswer(id: string): Promise<BatchAnswer> {
  const response = await getBatch(newRequest({ method: 'GET', path: `/api/batches/${id}`, params: { id } }), newContext(env, 'getBatch'));
  expect(response.status).toBe(200);
  return response.jsonBody as BatchAnswer;
}

async function listAnswer(): Promise<BatchAnswer[]> {
  const response = await listBatches(newRequest({ method: 'GET', path: '/api/batches' }), newContext(env, 'listBatches'));
  expect(response.status).toBe(200);
  return (response.jsonBody as { value: BatchAnswer[] }).value;
}

/** Moves mailboxes to a status the way the mailbox steps do (read, change, write with the ETag), 20 at a time as N=20 runs them. */
async function moveMailboxes(mailboxKeys: string[], status: MailboxStatus): Promise<void> {
  const { mailboxes } = getServices();
  const queue = [...mailboxKeys];
  const worker = async (): Promise<void> => {
    for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
      await updateMailbox(mailboxes, BATCH, key, (m) => ({ ...m, status, lastUpdatedTimestamp: new Date().toISOString() }));
    }
  };
  await Promise.all(Array.from({ length: 20 }, worker));
}

/** What the counts must be: every status listed, the rest Queued. */
function expected(moved: Partial<MailboxStatusCounts>): MailboxStatusCounts {
  const counts: MailboxStatusCounts = {
    Queued: 0,
    Provisioning: 0,
    Syncing: 0,
    Synced: 0,
    Completing: 0,
    Completed: 0,
    Failed: 0,
    Stopped: 0,
    Skipped: 0,
    ...moved,
  };
  counts.Queued =
    SIZE -
    Object.entries(counts)
      .filter(([s]) => s !== 'Queued')
      .reduce((sum, [, n]) => sum + n, 0);
  return counts;
}

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms over ${samples.length}`;
}

beforeAll(async () => {
  const endpoint = await createEndpoint(
    newRequest({ method: 'POST', path: '/api/endpoints', body: { string: JSON.stringify({ name: 'counts-ex2007', host: 'ex2007.contoso.local' }) } }),
    newContext(env, 'createEndpoint'),
  );
  expect(endpoint.status).toBe(201);
  const created = await createBatch(
    newRequest({
      method: 'POST',
      path: '/api/batches',
      query: { name: BATCH, endpoint: 'counts-ex2007', autoStart: 'false' },
      body: { string: stagedCsv(keys) },
      headers: { 'content-type': 'text/csv' },
    }),
    newContext(env, 'createBatch'),
  );
  expect(created.status).toBe(201);
  // As the orchestration does when the initial sync starts: the batch row takes its snapshot then.
  await getServices().batchSteps.setStatus(BATCH, 'Syncing', new Date().toISOString());
});

describe('batch counts of a 2,000-mailbox batch', () => {
  it('follow the mailboxes at once, in GET /api/batches/{id} and GET /api/batches, and no mailbox writes the batch row', async () => {
    const { batches } = getServices();
    const before = (await batches.get(BATCH))!;
    expect(before.batch.counts).toEqual(expected({}));
    expect((await getBatchAnswer(BATCH)).counts).toEqual(expected({}));

    // The moment: 376 Synced while the batch row still said Queued: 2,000. In rounds, as a
    // dashboard polling between them would see it.
    const rounds: [MailboxStatus, string[]][] = [
      ['Provisioning', keys.slice(0, 500)],
      ['Syncing', keys.slice(0, 450)],
      ['Synced', keys.slice(0, 376)],
      ['Failed', keys.slice(376, 400)],
      ['Skipped', keys.slice(1990, 2000)],
    ];
    const truth = new Map<string, MailboxStatus>(keys.map((k) => [k, 'Queued']));
    for (const [status, roundKeys] of rounds) {
      await moveMailboxes(roundKeys, status);
      for (const key of roundKeys) truth.set(key, status);
      const answer = await getBatchAnswer(BATCH);
      expect(answer.counts).toEqual(countStatuses(truth.values()));
      expect(answer).toMatchObject({ status: 'Syncing', mailboxCount: SIZE });
    }
    const final = expected({ Synced: 376, Failed: 24, Syncing: 50, Provisioning: 50, Skipped: 10 });
    expect(final.Queued).toBe(1490);
    expect((await getBatchAnswer(BATCH)).counts).toEqual(final);
    expect((await listAnswer()).find((b) => b.id === BATCH)?.counts).toEqual(final);

    // 1,360 mailbox updates, and the batch row was not written once: nothing contends on it.
    expect(rounds.reduce((n, [, k]) => n + k.length, 0)).toBe(1360);
    const after = (await batches.get(BATCH))!;
    expect(after.etag).toBe(before.etag);
    expect(after.batch.counts).toEqual(expected({}));

    // The next status change takes a fresh snapshot, with the same counting rules.
    const snapshot = await getServices().batchSteps.setStatus(BATCH, 'Syncing', new Date().toISOString());
    expect(snapshot.counts).toEqual(final);
    expect((await batches.get(BATCH))!.batch.counts).toEqual(final);
  });

  it('counts 2,000 mailboxes in one partition query of the status column, and prints how long it takes', async () => {
    const { mailboxes } = getServices();
    const counts: number[] = [];
    const gets: number[] = [];
    const lists: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      let start = performance.now();
      const counted = await mailboxes.countStatuses(BATCH);
      counts.push(performance.now() - start);
      expect(Object.values(counted).reduce((a, b) => a + b, 0)).toBe(SIZE);
      start = performance.now();
      await getBatchAnswer(BATCH);
      gets.push(performance.now() - start);
      start = performance.now();
      await listAnswer();
      lists.push(performance.now() - start);
    }
    // The whole rows, for comparison: what the count read before.
    const whole: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const start = performance.now();
      expect(await mailboxes.listAll(BATCH)).toHaveLength(SIZE);
      whole.push(performance.now() - start);
    }
    console.log(
      [
        `count of ${SIZE} mailboxes (status column only): ${summary(counts)}`,
        `GET /api/batches/{id}: ${summary(gets)}`,
        `GET /api/batches: ${summary(lists)}`,
        `whole rows (listAll), for comparison: ${summary(whole)}`,
      ].join('\n'),
    );
    // "Within seconds" with room for a loaded 2-core machine; typically tens of milliseconds.
    expect(Math.min(...counts)).toBeLessThan(2_000);
  });

  it('gives requests that arrive during a count the same query, and counts again for the next request', async () => {
    const { mailboxes } = getServices();
    const spy = jest.spyOn(mailboxes, 'countStatuses');
    try {
      const answers = await Promise.all(Array.from({ length: 20 }, () => getBatchAnswer(BATCH)));
      expect(new Set(answers.map((a) => JSON.stringify(a.counts))).size).toBe(1);
      expect(spy).toHaveBeenCalledTimes(1);
      await moveMailboxes(keys.slice(1000, 1001), 'Stopped');
      expect((await getBatchAnswer(BATCH)).counts.Stopped).toBe(1);
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
  });
});
