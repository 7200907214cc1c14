import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { TokenService } from '../auth/tokenService';
import { graphErrors } from '../graphError';
import { DroppedConnection, type GraphPipeline, toErrorResponse } from './graphPipeline';
import { GRAPH_MAX_REQUEST_BYTES, readBody } from './readBody';
import type { Router } from './router';
import type { SandboxRequest, SandboxResponse } from './sandboxRequest';
import { writeResponse } from './writeResponse';

export const GRAPH_VERSION_PREFIX = '/v1.0';
const CONTROL_MAX_BYTES = 200 * 1024 * 1024;

export interface SandboxHandlers {
  tokens: TokenService;
  pipeline: GraphPipeline;
  /** Pre-authenticated attachment upload URLs (`/_upload/...`). */
  uploadRouter: Router;
  /** Test controls and inspection (`/_sandbox/...`). */
  controlRouter: Router;
  /** Entra ID endpoints (`/{tenant}/...`). */
  loginRouter: Router;
  /** The directory roles the app's service principal holds now. */
  directoryRoles(): string[];
  origin(): string;
}

export function createSandboxServer(handlers: SandboxHandlers, tls: { cert: string; key: string } | undefined): http.Server {
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handleRequest(handlers, req, res).catch((error: unknown) => {
      if (error instanceof DroppedConnection) req.socket.destroy();
      else if (!res.headersSent) writeResponse(res, toErrorResponse(error, { requestId: randomUUID(), headers: {} }), randomUUID(), undefined);
    });
  };
  return tls ? https.createServer({ cert: tls.cert, key: tls.key }, listener) : http.createServer(listener);
}

async function handleRequest(handlers: SandboxHandlers, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', handlers.origin());
  const requestId = randomUUID();
  const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]));
  const isGraph = url.pathname === GRAPH_VERSION_PREFIX || url.pathname.startsWith(`${GRAPH_VERSION_PREFIX}/`);
  const limit = isGraph || url.pathname.startsWith('/_upload/') ? GRAPH_MAX_REQUEST_BYTES : CONTROL_MAX_BYTES;
  const read = await readBody(req, limit);
  const request: SandboxRequest = {
    method: (req.method ?? 'GET').toUpperCase(),
    path: isGraph ? url.pathname.slice(GRAPH_VERSION_PREFIX.length) || '/' : url.pathname,
    query: url.searchParams,
    headers,
    body: read.ok ? read.body : Buffer.alloc(0),
    requestId,
    graphBaseUrl: `${handlers.origin()}${GRAPH_VERSION_PREFIX}`,
  };
  const response = read.ok ? await route(handlers, request, isGraph) : toErrorResponse(graphErrors.requestTooLarge(), request);
  writeResponse(res, response, requestId, headers['client-request-id']);
}

async function route(handlers: SandboxHandlers, request: SandboxRequest, isGraph: boolean): Promise<SandboxResponse> {
  if (isGraph) {
    const check = handlers.tokens.check(request.headers.authorization);
    if (!check.ok) return toErrorResponse(graphErrors.unauthenticated(check.message), request);
    return handlers.pipeline.handle({ ...request, roles: check.claims.roles, directoryRoles: handlers.directoryRoles() });
  }
  // Upload URLs are Outlook's, not Graph's, but the same mailbox limits and injected faults apply.
  if (request.path.startsWith('/_upload/')) return handlers.pipeline.handle(request, { router: handlers.uploadRouter });
  const router = request.path.startsWith('/_sandbox/') ? handlers.controlRouter : handlers.loginRouter;
  try {
    return await router.dispatch(request);
  } catch (error) {
    return toErrorResponse(error, request);
  }
}
