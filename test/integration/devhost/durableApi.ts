import type { DevHostProcess } from '../../../tools/devhost/startDevHost';

/** Test-side calls to the host's Durable HTTP API (the same API `df.getClient` uses). */
export interface InstanceStatus {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  historyEvents?: { EventType: string }[];
}

function webhook(host: DevHostProcess, path: string, query = ''): string {
  const separator = path.includes('?') ? '&' : '?';
  return `${host.baseUrl}/runtime/webhooks/durabletask/${path}${separator}code=${host.adminKey}${query}`;
}

export async function startOrchestration(host: DevHostProcess, name: string, input?: unknown, instanceId?: string): Promise<string> {
  const response = await fetch(webhook(host, `orchestrators/${name}${instanceId ? `/${instanceId}` : ''}`), {
    method: 'POST',
    body: input === undefined ? '' : JSON.stringify(input),
  });
  if (response.status !== 202) throw new Error(`start ${name} answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

export async function getStatus(host: DevHostProcess, instanceId: string, query = ''): Promise<InstanceStatus | undefined> {
  const response = await fetch(webhook(host, `instances/${instanceId}`, query));
  if (response.status === 404) return undefined;
  return (await response.json()) as InstanceStatus;
}

export async function postInstance(host: DevHostProcess, instanceId: string, operation: string, body?: unknown): Promise<number> {
  const response = await fetch(webhook(host, `instances/${instanceId}/${operation}`), {
    method: 'POST',
    body: body === undefined ? '' : JSON.stringify(body),
  });
  await response.text();
  return response.status;
}

const FINAL = ['Completed', 'Failed', 'Terminated'];

/**
 * Polls until the instance satisfies `done` (default: finished). The deadline only bounds a hung
 * test; it never decides a pass.
 */
export async function waitFor(
  host: DevHostProcess,
  instanceId: string,
  done: (s: InstanceStatus) => boolean = (s) => FINAL.includes(s.runtimeStatus),
  deadlineMs = 150_000,
  query = '',
): Promise<InstanceStatus> {
  const until = Date.now() + deadlineMs;
  let last: InstanceStatus | undefined;
  while (Date.now() < until) {
    last = await getStatus(host, instanceId, query);
    if (last && done(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Instance ${instanceId} did not reach the expected state; last status: ${JSON.stringify(last)}\n${host.output().slice(-3000)}`);
}
