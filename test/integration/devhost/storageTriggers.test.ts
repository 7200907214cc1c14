import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import type { DevHostProcess } from '../../../tools/devhost/startDevHost';
import { waitFor } from './durableApi';
import { startFixtureHost, uniqueHubName } from './fixtureHost';
import { readWorkLog, waitForWorkLog } from './workLogReader';

const connection = (): string => process.env.TEST_STORAGE_CONNECTION!;

describe('devhost blob triggers', () => {
  const hub = uniqueHubName('Blob');
  const containerName = `intake-${hub.toLowerCase()}`.slice(0, 55);
  const settings = { FIXTURE_CONTAINER: containerName, FIXTURE_QUEUE: `unused-${hub.toLowerCase()}`.slice(0, 60) };
  let host: DevHostProcess | undefined;
  const container = () => BlobServiceClient.fromConnectionString(connection()).getContainerClient(containerName);
  const upload = async (name: string, text: string) => {
    await container().getBlockBlobClient(name).upload(text, Buffer.byteLength(text));
  };
  const seen = (items: string[], entry: string) => items.filter((i) => i === entry).length;

  afterAll(async () => {
    await host?.stop();
  });

  it('fires once per new or changed blob, also across a host restart', async () => {
    host = await startFixtureHost(hub, settings);
    await upload('a.txt', 'v1');
    await waitForWorkLog(hub, 'blobs', (items) => items.includes('a.txt:v1'));
    // A later blob's processing proves a full scan passed over a.txt again without firing it.
    await upload('b.txt', 'v1');
    await waitForWorkLog(hub, 'blobs', (items) => items.includes('b.txt:v1'));
    await upload('a.txt', 'v2');
    await waitForWorkLog(hub, 'blobs', (items) => items.includes('a.txt:v2'));
    await host.stop();

    host = await startFixtureHost(hub, settings);
    await upload('c.txt', 'v1');
    const items = await waitForWorkLog(hub, 'blobs', (all) => all.includes('c.txt:v1'));
    expect(seen(items, 'a.txt:v1')).toBe(1);
    expect(seen(items, 'a.txt:v2')).toBe(1);
    expect(seen(items, 'b.txt:v1')).toBe(1);
  }, 270_000);

  it('stops after 5 failures, writes the blob to the poison queue and retries it no more', async () => {
    host ??= await startFixtureHost(hub, settings);
    await upload('bad.txt', 'x');
    await waitForWorkLog(hub, 'blobs', (items) => seen(items, 'bad.txt:x') >= 5);
    const poison = QueueServiceClient.fromConnectionString(connection()).getQueueClient('webjobs-blobtrigger-poison');
    let found: { ContainerName: string; BlobName: string } | undefined;
    const until = Date.now() + 60_000;
    while (!found && Date.now() < until) {
      const peeked = await poison.peekMessages({ numberOfMessages: 32 });
      found = peeked.peekedMessageItems
        .map((m) => JSON.parse(Buffer.from(m.messageText, 'base64').toString('utf8')) as { ContainerName: string; BlobName: string })
        .find((m) => m.ContainerName === containerName && m.BlobName === 'bad.txt');
      if (!found) await new Promise((r) => setTimeout(r, 200));
    }
    expect(found).toBeDefined();
    await upload('after-bad.txt', 'y');
    const items = await waitForWorkLog(hub, 'blobs', (all) => all.includes('after-bad.txt:y'));
    expect(seen(items, 'bad.txt:x')).toBe(5);
  }, 270_000);

  it('writes a blob output binding to the path bound from the trigger', async () => {
    host ??= await startFixtureHost(hub, settings);
    await upload('copy1.txt', 'hello');
    const target = BlobServiceClient.fromConnectionString(connection()).getContainerClient(`${containerName}-out`).getBlockBlobClient('copy1.txt');
    await waitForWorkLog(hub, 'blobs', (items) => items.includes('copy1.txt:hello'));
    const until = Date.now() + 60_000;
    while (!(await target.exists()) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect((await target.downloadToBuffer()).toString('utf8')).toBe('copied hello');
  }, 180_000);

  it('gives blob functions a working durable client', async () => {
    host ??= await startFixtureHost(hub, settings);
    await upload('start1.txt', 'go');
    const status = await waitFor(host, 'from-blob-start1.txt', (s) => s.runtimeStatus === 'Completed');
    expect(status.output).toBe(9);
  }, 180_000);
});

describe('devhost queue triggers', () => {
  const hub = uniqueHubName('Queue');
  const queueName = `outbox-${hub.toLowerCase()}`.slice(0, 55);
  let host: DevHostProcess;
  const queue = () => QueueServiceClient.fromConnectionString(connection()).getQueueClient(queueName);
  const sendBase64 = async (body: unknown) => {
    await queue().sendMessage(Buffer.from(JSON.stringify(body)).toString('base64'));
  };

  beforeAll(async () => {
    host = await startFixtureHost(hub, { FIXTURE_QUEUE: queueName, FIXTURE_CONTAINER: `unused-${hub.toLowerCase()}`.slice(0, 60) });
  }, 180_000);

  afterAll(async () => {
    await host?.stop();
  });

  it('delivers base64 and plain messages with their dequeue count', async () => {
    await sendBase64({ id: 'm1' });
    await queue().sendMessage(JSON.stringify({ id: 'm2' }));
    const items = await waitForWorkLog(hub, 'queue', (all) => all.includes('m1:1') && all.includes('m2:1'));
    expect(items.filter((i) => i.startsWith('m1:'))).toEqual(['m1:1']);
  });

  it('retries a failing message up to maxDequeueCount (3 in the fixture host.json) and moves it to <queue>-poison', async () => {
    await sendBase64({ id: 'bad', fail: true });
    const items = await waitForWorkLog(hub, 'queue', (all) => all.includes('bad:3'));
    expect(items.filter((i) => i.startsWith('bad:'))).toEqual(['bad:1', 'bad:2', 'bad:3']);
    const poison = QueueServiceClient.fromConnectionString(connection()).getQueueClient(`${queueName}-poison`);
    let texts: string[] = [];
    const until = Date.now() + 60_000;
    while (texts.length === 0 && Date.now() < until) {
      texts = (await poison.peekMessages({ numberOfMessages: 5 }).catch(() => ({ peekedMessageItems: [] }))).peekedMessageItems.map((m) => m.messageText);
      if (texts.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(texts.map((t) => JSON.parse(Buffer.from(t, 'base64').toString('utf8')) as unknown)).toEqual([{ id: 'bad', fail: true }]);
  });

  it('writes queue output binding messages, base64 encoded as the host does', async () => {
    await sendBase64({ id: 'fwd', forward: true });
    const out = QueueServiceClient.fromConnectionString(connection()).getQueueClient(`${queueName}-out`);
    let texts: string[] = [];
    const until = Date.now() + 60_000;
    while (texts.length < 2 && Date.now() < until) {
      texts = (await out.peekMessages({ numberOfMessages: 5 }).catch(() => ({ peekedMessageItems: [] }))).peekedMessageItems.map((m) => m.messageText);
      if (texts.length < 2) await new Promise((r) => setTimeout(r, 100));
    }
    expect(texts.map((t) => JSON.parse(Buffer.from(t, 'base64').toString('utf8')) as unknown)).toEqual([
      { forwarded: 'fwd', n: 1 },
      { forwarded: 'fwd', n: 2 },
    ]);
  });

  it('gives queue functions a working durable client', async () => {
    await sendBase64({ id: 'q1', start: true });
    const status = await waitFor(host, 'from-queue-q1', (s) => s.runtimeStatus === 'Completed');
    expect(status.output).toBe(9);
  });
});

describe('devhost timer triggers', () => {
  it('runs a six-field schedule every second and a runOnStartup timer at start', async () => {
    const hub = uniqueHubName('Tick');
    const host = await startFixtureHost(hub, {
      FIXTURE_TIMER_SCHEDULE: '*/1 * * * * *',
      'AzureWebJobs.fixtureTimer.Disabled': 'false',
      'AzureWebJobs.startupTimer.Disabled': 'false',
    });
    try {
      const ticks = await waitForWorkLog(hub, 'timer', (items) => items.length >= 2);
      expect(ticks.every((t) => t.startsWith('ontime:'))).toBe(true);
      expect(await waitForWorkLog(hub, 'startup', (items) => items.length >= 1)).toEqual(['ontime']);
    } finally {
      await host.stop();
    }
  }, 180_000);

  it('runs a timer function on demand through POST /admin/functions/{name} with the admin key', async () => {
    const hub = uniqueHubName('Admin');
    const host = await startFixtureHost(hub, { 'AzureWebJobs.fixtureTimer.Disabled': 'true' });
    try {
      const url = `${host.baseUrl}/admin/functions/fixtureTimer`;
      expect((await fetch(url, { method: 'POST', headers: { 'x-functions-key': host.functionKey } })).status).toBe(401);
      expect((await fetch(url, { method: 'POST', headers: { 'x-functions-key': host.adminKey }, body: '{}' })).status).toBe(202);
      expect(await readWorkLog(hub, 'timer')).toEqual(['ontime:nostatus']);
    } finally {
      await host.stop();
    }
  }, 180_000);

  it('fires a missed occurrence at start with isPastDue, from the schedule status kept in storage', async () => {
    const hub = uniqueHubName('Due');
    const settings = { FIXTURE_TIMER_SCHEDULE: '0 0 * * * *', 'AzureWebJobs.fixtureTimer.Disabled': 'false' };
    let host = await startFixtureHost(hub, settings);
    await host.stop();
    const statusBlob = BlobServiceClient.fromConnectionString(connection())
      .getContainerClient('azure-webjobs-hosts')
      .getBlockBlobClient(`timers/${`devhost-${hub}`.toLowerCase().slice(0, 32)}/fixtureTimer/status`);
    const status = JSON.parse((await statusBlob.downloadToBuffer()).toString('utf8')) as { Next: string };
    expect(Date.parse(status.Next)).toBeGreaterThan(Date.now());
    // Pretend the host was down over an occurrence.
    const missed = JSON.stringify({ Last: '2020-01-01T00:00:00.000Z', Next: '2020-01-01T01:00:00.000Z', LastUpdated: '2020-01-01T00:00:00.000Z' });
    await statusBlob.upload(missed, missed.length);
    expect(await readWorkLog(hub, 'timer')).toEqual([]);
    host = await startFixtureHost(hub, settings);
    try {
      expect(await waitForWorkLog(hub, 'timer', (items) => items.length >= 1)).toEqual(['pastdue:status']);
    } finally {
      await host.stop();
    }
  }, 180_000);
});
