import { TableClient } from '@azure/data-tables';
import type { DevHostProcess } from '../../../tools/devhost/startDevHost';
import { getStatus, postInstance, startOrchestration, waitFor } from './durableApi';
import { startFixtureHost, uniqueHubName } from './fixtureHost';

/**
 * kill -9 the host in the middle of a 200-activity fan-out, start a new host on the same task hub,
 * and the instance completes with every result: state lives in Azurite, not in the process.
 */
describe('devhost crash resume', () => {
  const hub = uniqueHubName('Crash');
  let second: DevHostProcess | undefined;

  afterAll(async () => {
    await second?.stop();
  });

  it('resumes a fan-out of 200 activities after kill -9 and loses no activity result', async () => {
    const first = await startFixtureHost(hub);
    // 200 activities of 100 ms, 10 at a time: about two seconds of work to interrupt.
    const id = await startOrchestration(first, 'fanOutFanIn', { count: 200, delayMs: 100 });
    const progress = '&showHistory=true';
    const midway = await waitFor(first, id, (s) => (s.historyEvents ?? []).filter((e) => e.EventType === 'TaskCompleted').length >= 20, 150_000, progress);
    await first.kill();
    const completedBeforeKill = midway.historyEvents!.filter((e) => e.EventType === 'TaskCompleted').length;
    expect(completedBeforeKill).toBeLessThan(200);

    second = await startFixtureHost(hub);
    expect((await getStatus(second, id))?.runtimeStatus).toBe('Running');
    const status = await waitFor(second, id, undefined, 300_000, progress);
    expect(status.runtimeStatus).toBe('Completed');
    // 1² + ... + 200² = 200·201·401/6
    expect(status.output).toEqual({ count: 200, sum: 2686700 });
    const history = status.historyEvents!;
    expect(history.filter((e) => e.EventType === 'TaskScheduled')).toHaveLength(200);
    expect(history.filter((e) => e.EventType === 'TaskCompleted')).toHaveLength(200);
  }, 600_000);

  it('ignores history rows an interrupted episode wrote but did not commit', async () => {
    const gatedHub = uniqueHubName('Commit');
    let host = await startFixtureHost(gatedHub);
    const id = await startOrchestration(host, 'gated');
    await waitFor(host, id, (s) => s.runtimeStatus === 'Running');
    await host.stop();
    // What a crash between the history write and the instance-row write leaves: rows past the count.
    const options = { allowInsecureConnection: true };
    const instances = TableClient.fromConnectionString(process.env.TEST_STORAGE_CONNECTION!, `${gatedHub}Instances`, options);
    const row = await instances.getEntity<{ ExecutionId: string; HistoryCount: number }>(id, '');
    const history = TableClient.fromConnectionString(process.env.TEST_STORAGE_CONNECTION!, `${gatedHub}History`, options);
    // An uncommitted "go" event with 100: were it read, the orchestrator would answer 10000.
    const uncommitted = { EventType: 15, EventId: -1, Timestamp: new Date().toISOString(), Name: 'go', Input: '100' };
    await history.upsertEntity({
      partitionKey: id,
      rowKey: `${row.ExecutionId}.${String(row.HistoryCount).padStart(8, '0')}`,
      EventType: 15,
      Event: JSON.stringify(uncommitted),
    });

    host = await startFixtureHost(gatedHub);
    try {
      expect(await postInstance(host, id, 'raiseEvent/go', 4)).toBe(202);
      expect(await waitFor(host, id)).toMatchObject({ runtimeStatus: 'Completed', output: 16 });
    } finally {
      await host.stop();
    }
  }, 450_000);
});
