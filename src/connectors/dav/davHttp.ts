import { Agent } from 'undici';

import { type DavErrorContext, statusError, toDavError } from './toDavError';

export interface DavHttpOptions {
  username: string;
  password: string;
  /** host:port, for messages. */
  server: string;
  /** A request with no complete answer after this long is given up (ConnectionLost). */
  requestTimeoutMs: number;
  /** Extra CA (PEM) to trust for https. */
  caCertificatePem?: string;
}

/** What every DAV request of one source shares: its fetch, its login header and its error context. */
export interface DavHttp {
  context: DavErrorContext;
  /** Handed to tsdav: sends through this source's connection pool, and throws MigrationErrors (see createDavHttp). */
  fetch: typeof fetch;
  /** The Authorization header, for every tsdav call. */
  headers: Record<string, string>;
  /** HTTP requests sent so far. */
  requests(): number;
  close(): Promise<void>;
}

/** Statuses whose answer has no body (Fetch standard "null body status"). */
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);
const CONNECT_TIMEOUT_MS = 15_000;

/**
 * The HTTP layer under tsdav. tsdav turns a failed request into a generic Error (or swallows it, as
 * in its well-known lookup), so the statuses that end a run of any request are raised here, as
 * MigrationErrors that tsdav passes through: 401 (the login was refused), 429 and 5xx (try later).
 * A network failure becomes a MigrationError too, and the answer's body is read here, so a
 * connection cut mid-answer is reported the same way. Other statuses (207, 3xx, 403, 404, 409...)
 * go back to tsdav and the caller, who know what they mean for that request.
 *
 * Basic auth with the mailbox's own login, UTF-8 encoded (RFC 7617 section 2.1), on every request:
 * preemptive, as CalDAV clients do, so each request is one round trip.
 */
export function createDavHttp(options: DavHttpOptions): DavHttp {
  const agent = new Agent({
    connect: { timeout: CONNECT_TIMEOUT_MS, ...(options.caCertificatePem ? { ca: options.caCertificatePem } : {}) },
    headersTimeout: options.requestTimeoutMs,
    bodyTimeout: options.requestTimeoutMs,
  });
  const context: DavErrorContext = { server: options.server, login: options.username };
  let requests = 0;

  const davFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    requests += 1;
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const what = `${(init.method ?? 'GET').toUpperCase()} ${pathOf(url)}`;
    const timeout = AbortSignal.timeout(options.requestTimeoutMs);
    let response: Response;
    let body: ArrayBuffer | null;
    try {
      response = await fetch(input, {
        ...init,
        signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
        dispatcher: agent,
      });
      body = NULL_BODY_STATUS.has(response.status) ? null : await response.arrayBuffer();
    } catch (error) {
      throw toDavError(error, context, what);
    }
    if (response.status === 401 || response.status === 429 || response.status >= 500) {
      throw statusError(response.status, context, what, { retryAfter: response.headers.get('retry-after') });
    }
    const copy = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    Object.defineProperty(copy, 'url', { value: response.url || url });
    return copy;
  };

  return {
    context,
    fetch: davFetch,
    headers: { Authorization: `Basic ${Buffer.from(`${options.username}:${options.password}`, 'utf8').toString('base64')}` },
    requests: () => requests,
    close: () => agent.close(),
  };
}

/** The path of a URL, for messages (DAV URLs carry no query worth showing). */
export function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
