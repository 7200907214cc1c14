import path from 'node:path';
import { startAzurite } from '../tools/azurite/startAzurite';
import { startDevHost, type DevHostProcess } from '../tools/devhost/startDevHost';

const FIXTURE_APP = path.resolve(__dirname, '..', '..', 'test', 'fixtures', 'devhost-app');

interface Status {
  runtimeStatus: string;
  createdTime: string;
  lastUpdatedTime: string;
}

async function start(host: DevHostProcess, name: string, input: unknown): Promise<string> {
  const response = await fetch(`${host.baseUrl}/durabletask/orchestrators/${name}`, { method: 'POST', body: JSON.stringify(input) });
  return ((await response.json()) as { id: string }).id;
}

async function waitDone(host: DevHostProcess, id: string, pollMs: number): Promise<Status> {
  for (;;) {
    const status = (await (await fetch(`${host.baseUrl}/durabletask/instances/${id}`)).json()) as Status;
    if (status.runtimeStatus === 'Completed' || status.runtimeStatus === 'Failed') return status;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * The devhost's orchestration overhead on this machine: no-op activities completed per second in a
 * fan-out of 1,000, and startNew-to-completion latency of a one-activity orchestration. Host-side
 * times come from the instance's createdTime and lastUpdatedTime (completion).
 */
export default async function benchDevHost(): Promise<void> {
  const azurite = await startAzurite();
  const host = await startDevHost({ appRoot: FIXTURE_APP, settings: { AzureWebJobsStorage: azurite.connectionString, TASKHUB_NAME: 'BenchHub' } });
  try {
    await waitDone(host, await start(host, 'oneActivity', null), 20); // warm-up
    const fanOutId = await start(host, 'noopFanOut', 1000);
    const clientStart = Date.now();
    const fanOut = await waitDone(host, fanOutId, 50);
    const clientMs = Date.now() - clientStart;
    const hostMs = Date.parse(fanOut.lastUpdatedTime) - Date.parse(fanOut.createdTime);
    console.log(
      `fan-out of 1,000 no-op activities: ${fanOut.runtimeStatus} in ${hostMs} ms -> ${Math.round(1000 / (hostMs / 1000))} activities/s (client-observed ${clientMs} ms)`,
    );

    const hostLatencies: number[] = [];
    const clientLatencies: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t0 = Date.now();
      const id = await start(host, 'oneActivity', null);
      const status = await waitDone(host, id, 5);
      clientLatencies.push(Date.now() - t0);
      hostLatencies.push(Date.parse(status.lastUpdatedTime) - Date.parse(status.createdTime));
    }
    console.log(
      `one-activity orchestration, startNew to completion: median ${median(hostLatencies)} ms host-side, ${median(clientLatencies)} ms client-observed (15 runs, min ${Math.min(...clientLatencies)} ms, max ${Math.max(...clientLatencies)} ms)`,
    );
  } finally {
    await host.stop();
    await azurite.stop();
  }
}
