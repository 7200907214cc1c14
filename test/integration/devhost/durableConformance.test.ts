import { TableClient } from '@azure/data-tables';
import type { DevHostProcess } from '../../../tools/devhost/startDevHost';
import { getStatus, postInstance, startOrchestration, waitFor } from './durableApi';
import { startFixtureHost, uniqueHubName } from './fixtureHost';

/**
 * The conformance suite: small orchestrations from test/fixtures/devhost-app, run by the devhost
 * with the real durable-functions SDK on the shared Azurite.
 */
describe('devhost durable conformance', () => {
  let host: DevHostProcess;
  const hub = uniqueHubName('Conf');

  beforeAll(async () => {
    host = await startFixtureHost(hub);
  }, 180_000);

  afterAll(async () => {
    await host?.stop();
  });

  it('fans out 500 activities and fans in every result', async () => {
    const id = await startOrchestration(host, 'fanOutFanIn', { count: 500 });
    const status = await waitFor(host, id);
    expect(status.runtimeStatus).toBe('Completed');
    // 1² + ... + 500² = 500·501·1001/6
    expect(status.output).toEqual({ count: 500, sum: 41791750 });
  }, 300_000);

  it('keeps a sliding window of at most 4 activities in flight, by the activities own records', async () => {
    const runId = `window${Date.now()}`;
    const id = await startOrchestration(host, 'slidingWindow', { runId, count: 24, window: 4 });
    const status = await waitFor(host, id);
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 24 });
    const log = TableClient.fromConnectionString(process.env.TEST_STORAGE_CONNECTION!, `${hub}Worklog`, { allowInsecureConnection: true });
    const records: { kind: string; seq: number }[] = [];
    for await (const row of log.listEntities<{ kind: string; seq: number }>({ queryOptions: { filter: `PartitionKey eq '${runId}'` } })) records.push(row);
    records.sort((a, b) => a.seq - b.seq);
    let inFlight = 0;
    let maxInFlight = 0;
    for (const record of records) {
      inFlight += record.kind === 'start' ? 1 : -1;
      maxInFlight = Math.max(maxInFlight, inFlight);
    }
    expect(records.filter((r) => r.kind === 'end')).toHaveLength(24);
    expect(maxInFlight).toBeLessThanOrEqual(4);
    expect(maxInFlight).toBeGreaterThan(1);
  }, 180_000);

  it('never runs more activities at once than host.json maxConcurrentActivityFunctions (10)', async () => {
    const runId = `limit${Date.now()}`;
    const id = await startOrchestration(host, 'recordedFanOut', { runId, count: 40 });
    expect(await waitFor(host, id)).toMatchObject({ runtimeStatus: 'Completed', output: 40 });
    const log = TableClient.fromConnectionString(process.env.TEST_STORAGE_CONNECTION!, `${hub}Worklog`, { allowInsecureConnection: true });
    const records: { kind: string; seq: number }[] = [];
    for await (const row of log.listEntities<{ kind: string; seq: number }>({ queryOptions: { filter: `PartitionKey eq '${runId}'` } })) records.push(row);
    let inFlight = 0;
    let maxInFlight = 0;
    for (const record of records.sort((a, b) => a.seq - b.seq)) {
      inFlight += record.kind === 'start' ? 1 : -1;
      maxInFlight = Math.max(maxInFlight, inFlight);
    }
    expect(maxInFlight).toBeLessThanOrEqual(10);
    expect(maxInFlight).toBeGreaterThan(4);
  }, 180_000);

  it('carries payloads larger than a table cell or queue message through blobs', async () => {
    const id = await startOrchestration(host, 'bigPayload', { size: 200_000 });
    const status = await waitFor(host, id);
    expect(status.runtimeStatus).toBe('Completed');
    const output = status.output as { length: number; text: string };
    expect(output.length).toBe(200_000);
    expect(output.text).toBe('x'.repeat(200_000));
  });

  it('retries a failing activity until it succeeds', async () => {
    const id = await startOrchestration(host, 'retryUntilSuccess', { succeedOnAttempt: 3, maxAttempts: 5 });
    const status = await waitFor(host, id);
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: { attempt: 3 } });
  });

  it('fails the orchestration when retries are exhausted', async () => {
    const id = await startOrchestration(host, 'retryUntilSuccess', { succeedOnAttempt: 10, maxAttempts: 2 });
    const status = await waitFor(host, id);
    expect(status.runtimeStatus).toBe('Failed');
    expect(String(status.output)).toContain('flaky attempt 2 failed');
  });

  it('fires a durable timer', async () => {
    const id = await startOrchestration(host, 'durableTimer', 1000);
    const status = await waitFor(host, id);
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 'timer fired' });
    const withHistory = await getStatus(host, id, '&showHistory=true');
    expect(withHistory?.historyEvents?.map((e) => e.EventType)).toEqual(expect.arrayContaining(['TimerCreated', 'TimerFired']));
  });

  it('runs a sub-orchestration with the instance id the parent chose', async () => {
    const id = await startOrchestration(host, 'parentOrchestrator', undefined, `parent-${Date.now()}`);
    const status = await waitFor(host, id);
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: { parent: id, fromChild: { child: `${id}-child`, squared: 49 } } });
    expect((await getStatus(host, `${id}-child`))?.runtimeStatus).toBe('Completed');
  });

  it('receives an external event before its timeout', async () => {
    const id = await startOrchestration(host, 'waitForApproval', 60_000);
    await waitFor(host, id, (s) => s.runtimeStatus === 'Running');
    expect((await getStatus(host, id))?.customStatus).toEqual({ waitingFor: 'approval' });
    expect(await postInstance(host, id, 'raiseEvent/approval', { by: 'admin' })).toBe(202);
    const status = await waitFor(host, id);
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 'approved:{"by":"admin"}' });
  });

  it('times out waiting for an event that never comes', async () => {
    const id = await startOrchestration(host, 'waitForApproval', 500);
    const status = await waitFor(host, id);
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 'timed out' });
  });

  it('loops 50 generations with continueAsNew and keeps history bounded', async () => {
    const id = await startOrchestration(host, 'counterLoop', { generation: 1, until: 50 });
    const status = await waitFor(host, id, undefined, 150_000, '&showHistory=true');
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 50 });
    // Only the last generation's history is kept: start, one activity, completion.
    expect(status.historyEvents!.length).toBeLessThan(12);
    expect(status.input).toEqual({ generation: 50, until: 50 });
  }, 180_000);

  it('propagates an activity failure to its orchestrator and on to the parent', async () => {
    const id = await startOrchestration(host, 'failingParent', '123', `failing-${Date.now()}`);
    const status = await waitFor(host, id);
    expect(status.runtimeStatus).toBe('Failed');
    expect(String(status.output)).toContain('boom-123');
    const child = await getStatus(host, `${id}-child`);
    expect(child?.runtimeStatus).toBe('Failed');
    expect(String(child?.output)).toContain("Activity function 'alwaysFails' failed: boom-123");
  });

  it('terminates a waiting instance and purges it', async () => {
    const id = await startOrchestration(host, 'waitForever');
    await waitFor(host, id, (s) => s.runtimeStatus === 'Running');
    expect(await postInstance(host, id, 'terminate?reason=enough')).toBe(202);
    const status = await waitFor(host, id);
    expect(status).toMatchObject({ runtimeStatus: 'Terminated', output: 'enough' });
    expect(await postInstance(host, id, 'raiseEvent/never', 1)).toBe(410);
    const purge = await fetch(`${host.baseUrl}/runtime/webhooks/durabletask/instances/${id}?code=${host.adminKey}`, { method: 'DELETE' });
    expect(await purge.json()).toEqual({ instancesDeleted: 1 });
    expect(await getStatus(host, id)).toBeUndefined();
  });

  it('suspends an instance, holds its events, and resumes it', async () => {
    const id = await startOrchestration(host, 'gated');
    await waitFor(host, id, (s) => s.runtimeStatus === 'Running');
    expect(await postInstance(host, id, 'suspend?reason=hold')).toBe(202);
    await waitFor(host, id, (s) => s.runtimeStatus === 'Suspended');
    expect(await postInstance(host, id, 'raiseEvent/go', 5)).toBe(202);
    expect(await postInstance(host, id, 'resume?reason=go')).toBe(202);
    const status = await waitFor(host, id);
    expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 25 });
  });

  it('fails a non-deterministic orchestrator with a clear message instead of hanging', async () => {
    const id = await startOrchestration(host, 'nonDeterministic');
    const status = await waitFor(host, id);
    expect(status.runtimeStatus).toBe('Failed');
    expect(String(status.output)).toContain('Non-deterministic orchestrator');
  });

  it('restarts a finished instance with its input, under a new id or the same one', async () => {
    const id = await startOrchestration(host, 'fanOutFanIn', { count: 3 });
    await waitFor(host, id);
    const restart = async (query: string) => {
      const response = await fetch(`${host.baseUrl}/runtime/webhooks/durabletask/instances/${id}/restart?code=${host.adminKey}${query}`, { method: 'POST' });
      expect(response.status).toBe(202);
      return ((await response.json()) as { id: string }).id;
    };
    const newId = await restart('');
    expect(newId).not.toBe(id);
    expect(await waitFor(host, newId)).toMatchObject({ runtimeStatus: 'Completed', output: { count: 3, sum: 14 } });
    expect(await restart('&restartWithNewInstanceId=false')).toBe(id);
    expect(await waitFor(host, id, (s) => s.runtimeStatus === 'Completed')).toMatchObject({ output: { count: 3, sum: 14 } });
  });

  it('refuses to start a function that is not an orchestrator', async () => {
    const response = await fetch(`${host.baseUrl}/runtime/webhooks/durabletask/orchestrators/square?code=${host.adminKey}`, { method: 'POST' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message: "The function 'square' doesn't exist, is disabled, or is not an orchestrator function." });
  });

  it('lists instances by status, a page at a time with x-ms-continuation-token', async () => {
    const ids = await Promise.all([1, 2, 3].map(() => startOrchestration(host, 'oneActivity')));
    await Promise.all(ids.map((id) => waitFor(host, id)));
    const seen: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const response: Response = await fetch(`${host.baseUrl}/runtime/webhooks/durabletask/instances?code=${host.adminKey}&runtimeStatus=Completed&top=2`, {
        headers: token ? { 'x-ms-continuation-token': token } : {},
      });
      const page = (await response.json()) as { instanceId: string; runtimeStatus: string }[];
      expect(page.length).toBeLessThanOrEqual(2);
      page.forEach((s) => expect(s.runtimeStatus).toBe('Completed'));
      seen.push(...page.map((s) => s.instanceId));
      token = response.headers.get('x-ms-continuation-token');
      pages++;
    } while (token);
    expect(seen).toEqual(expect.arrayContaining(ids));
    expect(pages).toBeGreaterThan(1);
  });
});

describe('devhost long durable timers', () => {
  it('runs a timer longer than the maximum short timer as several legs and fires it once at the end', async () => {
    // The real limits are 6 days and 3-day legs; these knobs shrink them to seconds for a test.
    const host = await startFixtureHost(uniqueHubName('LongT'), { DEVHOST_MAX_SHORT_TIMER: 'PT2S', DEVHOST_LONG_TIMER_INTERVAL: 'PT1S' });
    try {
      const id = await startOrchestration(host, 'durableTimer', 3500);
      const status = await waitFor(host, id, undefined, 150_000, '&showHistory=true');
      expect(status).toMatchObject({ runtimeStatus: 'Completed', output: 'timer fired' });
      const timers = status.historyEvents!.filter((e) => e.EventType === 'TimerCreated');
      expect(timers.length).toBeGreaterThanOrEqual(2);
      expect(status.historyEvents!.filter((e) => e.EventType === 'TimerFired')).toHaveLength(timers.length);
    } finally {
      await host.stop();
    }
  }, 180_000);
});
