import type { DevHostProcess } from '../../../tools/devhost/startDevHost';
import { startFixtureHost, uniqueHubName } from './fixtureHost';

/**
 * The durable-functions client SDK, unchanged, inside an HTTP function (fixture `clientOperation`),
 * against the Durable HTTP API the devhost serves.
 */
describe('devhost durable client (df.getClient)', () => {
  let host: DevHostProcess;

  beforeAll(async () => {
    host = await startFixtureHost(uniqueHubName('Client'));
  }, 180_000);

  afterAll(async () => {
    await host?.stop();
  });

  async function call(operation: string, instanceId = '', body?: unknown): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${host.baseUrl}/api/client/${operation}/${instanceId}?code=${host.functionKey}`, {
      method: 'POST',
      body: body === undefined ? '' : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text ? (JSON.parse(text) as unknown) : undefined };
  }

  async function statusOf(id: string, want: string): Promise<{ runtimeStatus: string; output: unknown; customStatus: unknown }> {
    const until = Date.now() + 90_000;
    for (;;) {
      const { json } = await call('status', id);
      const status = json as { runtimeStatus: string; output: unknown; customStatus: unknown };
      if (status.runtimeStatus === want || Date.now() > until) return status;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('starts, reads custom status, raises an event and reads the output', async () => {
    const id = `client-${Date.now()}`;
    expect((await call('start', id, { name: 'waitForApproval', input: 60_000 })).json).toEqual({ id });
    expect((await statusOf(id, 'Running')).customStatus).toEqual({ waitingFor: 'approval' });
    expect((await call('raise', id, { event: 'approval', data: 'yes' })).status).toBe(202);
    expect(await statusOf(id, 'Completed')).toMatchObject({ runtimeStatus: 'Completed', output: 'approved:"yes"' });
    const { json } = await call('statusBy', '', { status: 'Completed' });
    expect(json).toEqual(expect.arrayContaining([id]));
  });

  it('suspends, resumes, terminates and purges through the SDK', async () => {
    const id = `client-gated-${Date.now()}`;
    await call('start', id, { name: 'gated' });
    await statusOf(id, 'Running');
    expect((await call('suspend', id)).status).toBe(202);
    expect((await statusOf(id, 'Suspended')).runtimeStatus).toBe('Suspended');
    expect((await call('resume', id)).status).toBe(202);
    expect((await statusOf(id, 'Running')).runtimeStatus).toBe('Running');
    expect((await call('terminate', id)).status).toBe(202);
    expect(await statusOf(id, 'Terminated')).toMatchObject({ runtimeStatus: 'Terminated', output: 'by client' });
    expect((await call('purge', id)).json).toEqual({ instancesDeleted: 1 });
    // getStatus on a purged instance: the SDK throws on the 404, the function answers 500.
    expect((await call('status', id)).status).toBe(500);
  });

  it('purges by filter', async () => {
    const id = `client-purge-${Date.now()}`;
    await call('start', id, { name: 'waitForever' });
    await statusOf(id, 'Running');
    await call('terminate', id);
    await statusOf(id, 'Terminated');
    const { json } = await call('purgeBy');
    expect((json as { instancesDeleted: number }).instancesDeleted).toBeGreaterThanOrEqual(1);
    expect((await call('status', id)).status).toBe(500);
  });
});
