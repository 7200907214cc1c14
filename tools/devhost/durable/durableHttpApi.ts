import { sendJson, type HttpExchange } from '../http/httpExchange';
import { eventTypeName, type HistoryEvent } from './historyEvents';
import type { InstanceRecord } from './instanceStore';
import type { RuntimeStatus } from './runtimeStatus';
import type { ClientResult, InstanceFilter, TaskHubClient } from './taskHubClient';

const DEFAULT_PAGE_SIZE = 100;

function parseJsonText(text: string | undefined): unknown {
  if (text === undefined || text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function toHistoryJson(event: HistoryEvent, showOutput: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { EventType: eventTypeName(event.EventType), EventId: event.EventId, Timestamp: event.Timestamp };
  if (event.Name) out.FunctionName = event.Name;
  if (event.TaskScheduledId !== undefined) out.TaskScheduledId = event.TaskScheduledId;
  if (event.TimerId !== undefined) out.TimerId = event.TimerId;
  if (event.FireAt) out.FireAt = event.FireAt;
  if (event.InstanceId) out.InstanceId = event.InstanceId;
  if (event.OrchestrationStatus) out.OrchestrationStatus = event.OrchestrationStatus;
  if (event.Reason) out.Reason = event.Reason;
  if (showOutput) {
    if (event.Input !== undefined) out.Input = parseJsonText(event.Input);
    if (event.Result !== undefined) out.Result = parseJsonText(event.Result);
  }
  return out;
}

/** The status JSON of the Durable HTTP API (`DurableOrchestrationStatus` on the wire). */
function toStatusJson(record: InstanceRecord, showInput: boolean): Record<string, unknown> {
  return {
    name: record.name,
    instanceId: record.instanceId,
    runtimeStatus: record.status,
    input: showInput ? parseJsonText(record.input) : null,
    customStatus: parseJsonText(record.customStatus),
    output: parseJsonText(record.output),
    createdTime: record.createdTime,
    lastUpdatedTime: record.lastUpdatedTime,
  };
}

function readFilter(url: URL): InstanceFilter {
  const statuses = url.searchParams.get('runtimeStatus');
  return {
    runtimeStatus: statuses
      ? (statuses
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean) as RuntimeStatus[])
      : undefined,
    createdTimeFrom: url.searchParams.get('createdTimeFrom') ?? undefined,
    createdTimeTo: url.searchParams.get('createdTimeTo') ?? undefined,
    instanceIdPrefix: url.searchParams.get('instanceIdPrefix') ?? undefined,
  };
}

function answer(ex: HttpExchange, result: ClientResult, instanceId: string): void {
  if (result === 'accepted') sendJson(ex, 202, undefined);
  else if (result === 'gone') sendJson(ex, 410, { message: `Instance '${instanceId}' has already finished.` });
  else sendJson(ex, 404, { message: `No instance with ID '${instanceId}' found.` });
}

/**
 * Serves the Durable Functions HTTP API (learn.microsoft.com/azure/azure-functions/durable/durable-functions-http-api)
 * for `path` (relative to the webhook or RPC root). `links` builds the management URLs of an instance.
 */
export async function handleDurableApi(
  ex: HttpExchange,
  path: string,
  client: TaskHubClient,
  links: (instanceId: string) => Record<string, string>,
  isOrchestrator: (name: string) => boolean,
): Promise<void> {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const method = ex.req.method ?? 'GET';
  const body = ex.body.length > 0 ? ex.body.toString('utf8') : undefined;
  const reason = ex.url.searchParams.get('reason') ?? '';
  if (parts[0] === 'orchestrators' && parts[1] && method === 'POST') {
    if (!isOrchestrator(parts[1])) {
      sendJson(ex, 400, { message: `The function '${parts[1]}' doesn't exist, is disabled, or is not an orchestrator function.` });
      return;
    }
    const started = await client.start(parts[1], parts[2], body);
    if (started.result === 'conflict') {
      sendJson(ex, 409, { message: `An instance with ID '${started.instanceId}' already exists and is not finished.` });
      return;
    }
    const payload = links(started.instanceId);
    sendJson(ex, 202, payload, { Location: payload.statusQueryGetUri ?? '' });
    return;
  }
  if (parts[0] !== 'instances') {
    sendJson(ex, 404, { message: `Unknown Durable API path '${path}'.` });
    return;
  }
  const instanceId = parts[1];
  if (!instanceId) {
    await handleCollection(ex, method, client);
    return;
  }
  const operation = parts[2];
  if (method === 'GET' && !operation) {
    const record = await client.read(instanceId);
    if (!record) {
      sendJson(ex, 404, { message: `No instance with ID '${instanceId}' found.` });
      return;
    }
    const status = toStatusJson(record, ex.url.searchParams.get('showInput') !== 'false');
    if (ex.url.searchParams.get('showHistory') === 'true') {
      const showOutput = ex.url.searchParams.get('showHistoryOutput') === 'true';
      status.historyEvents = (await client.readHistory(record)).map((e) => toHistoryJson(e, showOutput));
    }
    const running = record.status === 'Pending' || record.status === 'Running' || record.status === 'Suspended';
    sendJson(ex, running ? 202 : 200, status, running ? { Location: links(instanceId).statusQueryGetUri ?? '' } : {});
    return;
  }
  if (method === 'DELETE' && !operation) {
    const deleted = await client.purge(instanceId);
    if (deleted === 0) sendJson(ex, 404, { message: `No finished instance with ID '${instanceId}' found.` });
    else sendJson(ex, 200, { instancesDeleted: deleted });
    return;
  }
  if (method === 'POST' && operation === 'restart') {
    await restart(ex, client, instanceId, links);
    return;
  }
  if (method === 'POST' && operation === 'rewind') {
    sendJson(ex, 501, { message: 'Rewind is not supported by the devhost.' });
    return;
  }
  if (method === 'POST' && operation === 'raiseEvent' && parts[3]) return answer(ex, await client.raiseEvent(instanceId, parts[3], body), instanceId);
  if (method === 'POST' && operation === 'terminate') return answer(ex, await client.terminate(instanceId, reason), instanceId);
  if (method === 'POST' && operation === 'suspend') return answer(ex, await client.suspend(instanceId, reason), instanceId);
  if (method === 'POST' && operation === 'resume') return answer(ex, await client.resume(instanceId, reason), instanceId);
  sendJson(ex, 404, { message: `Unsupported Durable API call ${method} ${path}.` });
}

/** `GET instances/` (query, paged by `x-ms-continuation-token`) and `DELETE instances/` (purge by filter). */
async function handleCollection(ex: HttpExchange, method: string, client: TaskHubClient): Promise<void> {
  const filter = readFilter(ex.url);
  if (method === 'DELETE') {
    const deleted = await client.purgeBy(filter);
    if (deleted === 0) sendJson(ex, 404, { message: 'No finished instances matched the filter.' });
    else sendJson(ex, 200, { instancesDeleted: deleted });
    return;
  }
  const all = await client.query(filter);
  const token = ex.req.headers['x-ms-continuation-token'];
  const offset = typeof token === 'string' && token ? Number(Buffer.from(token, 'base64').toString('utf8')) || 0 : 0;
  const top = Number(ex.url.searchParams.get('top')) || DEFAULT_PAGE_SIZE;
  const page = all.slice(offset, offset + top);
  const headers: Record<string, string> = {};
  if (offset + top < all.length) headers['x-ms-continuation-token'] = Buffer.from(String(offset + top)).toString('base64');
  sendJson(
    ex,
    200,
    page.map((r) => toStatusJson(r, ex.url.searchParams.get('showInput') !== 'false')),
    headers,
  );
}

/**
 * `POST instances/{id}/restart`: starts the orchestration again with its original input, under a
 * new instance id unless `restartWithNewInstanceId=false` (then the old one must have finished).
 */
async function restart(ex: HttpExchange, client: TaskHubClient, instanceId: string, links: (id: string) => Record<string, string>): Promise<void> {
  const record = await client.read(instanceId);
  if (!record) {
    sendJson(ex, 404, { message: `No instance with ID '${instanceId}' found.` });
    return;
  }
  const sameId = ex.url.searchParams.get('restartWithNewInstanceId') === 'false';
  const started = await client.start(record.name, sameId ? instanceId : undefined, record.input);
  if (started.result === 'conflict') {
    sendJson(ex, 409, { message: `Instance '${instanceId}' is still running.` });
    return;
  }
  const payload = links(started.instanceId);
  sendJson(ex, 202, payload, { Location: payload.statusQueryGetUri ?? '' });
}
