import { createServer, type Server } from 'node:http';
import { DURABLE_PATHS, type DurableApi } from './durablePaths';
import { toError } from '../errors';
import type { FunctionRegistry } from '../functionRegistry';
import type { HostLog } from '../hostLog';
import type { RpcTypedData } from '../coreApiTypes';
import { isAuthorized, type FunctionKeys } from './functionKeys';
import { readBody, sendJson, type HttpExchange } from './httpExchange';
import { matchHttpRoute, type HttpRoute } from './httpTriggerRoutes';
import { invokeHttpFunction } from './invokeHttpFunction';
import { invokeNonHttpFunction } from './invokeNonHttpFunction';
import type { TriggerDeps } from '../triggers/startTriggerListeners';
import { BLOB_WEBHOOK_PATH, handleBlobWebhook } from '../eventgrid/blobWebhook';

export interface HostHttpServerDeps {
  registry: FunctionRegistry;
  routes: HttpRoute[];
  routePrefix: string;
  keys: FunctionKeys;
  log: HostLog;
  durable: DurableApi;
  /** Extra inputs (durable client) for a function. */
  extraInputs: (fnName: string) => { name: string; data: RpcTypedData }[];
  /** What non-HTTP invocations need (the admin API runs timer and queue functions on demand). */
  triggerDeps: TriggerDeps;
}

function keyFrom(ex: HttpExchange): string | undefined {
  const header = ex.req.headers['x-functions-key'];
  return typeof header === 'string' ? header : undefined;
}

async function route(ex: HttpExchange, deps: HostHttpServerDeps): Promise<void> {
  const path = ex.url.pathname;
  if (path === '/admin/host/status') {
    if (!isAuthorized('admin', deps.keys, keyFrom(ex), ex.url.searchParams.get('code'))) return sendJson(ex, 401, { message: 'Unauthorized' });
    return sendJson(ex, 200, { state: 'Running' });
  }
  const adminFunction = /^\/admin\/functions\/([^/]+)$/.exec(path);
  if (adminFunction && ex.req.method === 'POST') {
    if (!isAuthorized('admin', deps.keys, keyFrom(ex), ex.url.searchParams.get('code'))) return sendJson(ex, 401, { message: 'Unauthorized' });
    return invokeNonHttpFunction(ex, decodeURIComponent(adminFunction[1]!), deps.registry, deps.triggerDeps);
  }
  if (path.startsWith(DURABLE_PATHS.webhook)) {
    // The real host guards webhooks with the durabletask_extension system key; the admin key stands in.
    if (!isAuthorized('admin', deps.keys, keyFrom(ex), ex.url.searchParams.get('code'))) return sendJson(ex, 401, { message: 'Unauthorized' });
    return deps.durable.handle(ex, path.slice(DURABLE_PATHS.webhook.length));
  }
  if (path.startsWith(DURABLE_PATHS.rpc)) return deps.durable.handle(ex, path.slice(DURABLE_PATHS.rpc.length));
  if (path === BLOB_WEBHOOK_PATH) return handleBlobWebhook(ex, deps.keys, deps.triggerDeps);
  const prefix = deps.routePrefix ? `/${deps.routePrefix}` : '';
  if (prefix && path !== prefix && !path.startsWith(`${prefix}/`)) return sendJson(ex, 404, { message: `No function at ${path}.` });
  const match = matchHttpRoute(deps.routes, ex.req.method ?? 'GET', path.slice(prefix.length));
  if (!match) return sendJson(ex, 404, { message: `No function at ${path}.` });
  if (!match.methodAllowed) return sendJson(ex, 405, { message: `${ex.req.method} is not allowed on ${path}.` });
  if (!isAuthorized(match.route.authLevel, deps.keys, keyFrom(ex), ex.url.searchParams.get('code'))) {
    return sendJson(ex, 401, { message: 'Unauthorized: send a valid key in x-functions-key or ?code=.' });
  }
  const name = match.route.fn.metadata.name;
  const started = Date.now();
  try {
    await invokeHttpFunction(ex, deps.registry, match.route.fn, match.params, deps.extraInputs(name), deps.log);
    deps.log.info(`Executed 'Functions.${name}' (Succeeded, ${Date.now() - started}ms)`);
  } catch (error) {
    deps.log.error(`Executed 'Functions.${name}' (Failed, ${Date.now() - started}ms): ${toError(error).stack ?? String(error)}`);
    if (!ex.res.headersSent) sendJson(ex, 500, { message: 'The function failed; see the host log.' });
  }
}

/** The host's one HTTP listener on 127.0.0.1: function routes, keys, and the Durable HTTP API. */
export async function startHostHttpServer(port: number, deps: HostHttpServerDeps): Promise<Server> {
  const server = createServer((req, res) => {
    readBody(req)
      .then((body) => route({ req, res, url: new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`), body }, deps))
      .catch((error: unknown) => {
        deps.log.error(`HTTP ${req.method} ${req.url}: ${toError(error).stack ?? String(error)}`);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}
