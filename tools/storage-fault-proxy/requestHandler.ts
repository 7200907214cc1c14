import type { IncomingMessage, ServerResponse } from 'node:http';

import { batchOperations, isBatch } from './batchOperations';
import type { StorageService } from './connectionString';
import type { FiredFault, StorageFaultControls } from './faultConfig';
import type { ProxyCounters } from './proxyStats';
import { storageErrorResponse } from './storageErrorResponse';
import { operationOf } from './storageOperation';
import type { Upstream } from './upstream';

export interface ProxyContext {
  service: StorageService;
  /** The endpoint's path, `/devstoreaccount1` for Azurite. */
  accountPath: string;
  controls: StorageFaultControls;
  counters: ProxyCounters;
  upstream: Upstream;
}

/**
 * One request from arrival to answer. A request no live rule could fail streams straight through
 * (its body is never held). One that a rule might fail is held until its body has arrived, since
 * a rule may look into the body and a transaction names its tables there; then it is failed, or
 * sent on with the held body.
 */
export async function handleRequest(ctx: ProxyContext, client: IncomingMessage, response: ServerResponse): Promise<void> {
  ctx.counters.requestReceived();
  const tunnelled = firstValue(client.headers['x-http-method']);
  const operation = operationOf(client.method ?? 'GET', client.url ?? '/', tunnelled, ctx.accountPath);
  if (!ctx.controls.couldMatch(operation)) {
    countRelay(ctx, await ctx.upstream.relay(client, response));
    return;
  }
  const body = await readWholeBody(client);
  if (body === undefined) return;
  const inner = ctx.service === 'table' && isBatch(operation) ? batchOperations(body, ctx.accountPath) : [];
  const fired = ctx.controls.take(operation, inner, body);
  if (!fired) {
    countRelay(ctx, await ctx.upstream.relay(client, response, body));
    return;
  }
  ctx.counters.requestFailed(fired.name);
  // Azurite applies the request and answers; the answer is read and thrown away.
  if (fired.rule.afterForwarding) await ctx.upstream.sendAndDiscard(client, body);
  fail(ctx.service, fired, client, response);
}

function fail(service: StorageService, fired: FiredFault, client: IncomingMessage, response: ServerResponse): void {
  if (fired.rule.fail === 'dropConnection') {
    // No status line at all: the client sees its connection reset.
    client.socket.destroy();
    return;
  }
  const answer = storageErrorResponse(
    service,
    fired.rule.fail,
    {
      method: client.method ?? 'GET',
      url: client.url ?? '/',
      headers: client.headers,
    },
    fired.rule.message,
  );
  response.writeHead(answer.status, answer.headers);
  response.end(answer.body);
}

function countRelay(ctx: ProxyContext, outcome: 'relayed' | 'cut'): void {
  if (outcome === 'relayed') ctx.counters.requestRelayed();
}

/** The request's body, or undefined when the client went away before sending all of it. */
function readWholeBody(client: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    client.on('data', (chunk: Buffer) => chunks.push(chunk));
    client.once('end', () => resolve(Buffer.concat(chunks)));
    client.once('error', () => resolve(undefined));
    client.once('close', () => {
      if (!client.complete) resolve(undefined);
    });
  });
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
