import { BlobServiceClient } from '@azure/storage-blob';
import type { DevHostProcess } from '../../../tools/devhost/startDevHost';
import { startFixtureHost, uniqueHubName } from './fixtureHost';
import { waitForWorkLog } from './workLogReader';

/**
 * Issue 12: on Flex Consumption a blob trigger runs only from Event Grid. The devhost serves the host's
 * blobs webhook (`/runtime/webhooks/blobs?functionName=Host.Functions.<name>&code=<blobs_extension key>`)
 * and plays the Event Grid subscription: validation handshake, one BlobCreated event per new blob,
 * delivered again after a failure, and not again after a restart.
 */
const connection = (): string => process.env.TEST_STORAGE_CONNECTION!;

describe('devhost Event Grid blob triggers', () => {
  const hub = uniqueHubName('EvGrid');
  const base = `eg-${hub.toLowerCase()}`.slice(0, 50);
  const settings = { FIXTURE_CONTAINER: base, FIXTURE_QUEUE: `unused-${hub.toLowerCase()}`.slice(0, 60) };
  const container = () => BlobServiceClient.fromConnectionString(connection()).getContainerClient(`${base}-eg`);
  const upload = async (name: string, text: string) => {
    await container().getBlockBlobClient(name).upload(text, Buffer.byteLength(text));
  };
  const seen = (items: string[], entry: string) => items.filter((i) => i === entry).length;
  let host: DevHostProcess | undefined;

  afterAll(async () => {
    await host?.stop();
  });

  it('delivers each new blob once through the webhook, again after a failure, and not again after a restart', async () => {
    host = await startFixtureHost(hub, settings);
    await upload('a.csv', 'v1');
    await waitForWorkLog(hub, 'egblobs', (items) => items.includes('a.csv:v1'));
    await upload('bad.csv', 'x');
    // Event Grid's first retry comes 10 s after a failed delivery.
    await waitForWorkLog(hub, 'egblobs', (items) => seen(items, 'bad.csv:x') >= 2);
    await host.stop();
    host = await startFixtureHost(hub, settings);
    await upload('b.csv', 'v1');
    const items = await waitForWorkLog(hub, 'egblobs', (all) => all.includes('b.csv:v1'));
    expect(seen(items, 'a.csv:v1')).toBe(1);
  }, 270_000);

  it('answers the subscription validation handshake and refuses a wrong key or function', async () => {
    host ??= await startFixtureHost(hub, settings);
    const keys = { blobsExtensionKey: host.blobsExtensionKey };
    const webhook = (fn: string, code: string) => `${host!.baseUrl}/runtime/webhooks/blobs?functionName=Host.Functions.${fn}&code=${encodeURIComponent(code)}`;
    const validation = [
      {
        id: '1',
        topic: 't',
        subject: 's',
        eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
        eventTime: new Date().toISOString(),
        data: { validationCode: 'abc-123' },
        dataVersion: '',
        metadataVersion: '1',
      },
    ];
    const post = (url: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'aeg-event-type': 'SubscriptionValidation' },
        body: JSON.stringify(validation),
      });
    const ok = await post(webhook('eventGridBlob', keys.blobsExtensionKey));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ validationResponse: 'abc-123' });
    expect((await post(webhook('eventGridBlob', 'wrong'))).status).toBe(401);
    expect((await post(webhook('intakeBlob', keys.blobsExtensionKey))).status).toBe(404); // a polled blob trigger has no webhook
  }, 120_000);
});
