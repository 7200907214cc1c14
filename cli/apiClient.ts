import { ApiRefusedError, ApiUnreachableError, type Problem, UNAUTHORIZED_HINT } from './errors';

const REQUEST_TIMEOUT_MS = 60_000;

export interface ApiRequest {
  query?: Record<string, string | undefined>;
  body?: string | Buffer;
  contentType?: string;
}

/**
 * The app's HTTP API, keyed with `x-functions-key` (a header, so the key never appears in a URL
 * that an error message could show). Error answers become `ApiRefusedError` with their problem.
 */
export class ApiClient {
  /** `origin` plus any path before `/api`, without a trailing slash. */
  private readonly root: string;

  constructor(
    baseUrl: URL,
    private readonly key: string,
  ) {
    this.root = `${baseUrl.origin}${baseUrl.pathname.replace(/\/+$/, '').replace(/\/api$/i, '')}`;
  }

  /** `route` starts with `/api/` (as the API's own `nextLink` and `Location` do). */
  async request(method: string, route: string, init: ApiRequest = {}): Promise<Response> {
    const url = new URL(`${this.root}${route}`);
    for (const [name, value] of Object.entries(init.query ?? {})) if (value !== undefined) url.searchParams.set(name, value);
    const headers: Record<string, string> = { 'x-functions-key': this.key, accept: 'application/json, application/problem+json, text/csv' };
    if (init.contentType) headers['content-type'] = init.contentType;
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body: init.body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    } catch (error) {
      throw new ApiUnreachableError(url.toString(), describeFetchFailure(error));
    }
    if (!response.ok) throw new ApiRefusedError(await readProblem(response), `${method} ${url.pathname}`);
    return response;
  }

  async getJson<T>(route: string, query?: Record<string, string | undefined>): Promise<T> {
    return (await (await this.request('GET', route, query ? { query } : {})).json()) as T;
  }

  async postJson<T>(route: string, body?: unknown): Promise<T> {
    const init = body === undefined ? {} : { body: JSON.stringify(body), contentType: 'application/json' };
    return (await (await this.request('POST', route, init)).json()) as T;
  }
}

function describeFetchFailure(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s.`;
  const cause = error instanceof Error ? (error.cause as { message?: string } | undefined) : undefined;
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** The problem+json body, or a problem made from whatever else came back (a gateway's HTML, a 401's JSON). */
async function readProblem(response: Response): Promise<Problem> {
  const text = await response.text().catch(() => '');
  const fallbackTitle = response.statusText || 'The request failed.';
  let body: Partial<Problem> & { message?: string } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = text.trim() ? { detail: text.trim().slice(0, 500) } : {};
  }
  const problem: Problem = { title: typeof body.title === 'string' ? body.title : fallbackTitle, status: response.status };
  const detail = body.detail ?? body.message;
  if (typeof detail === 'string') problem.detail = detail;
  if (Array.isArray(body.errors)) problem.errors = body.errors;
  if (response.status === 401) problem.detail = UNAUTHORIZED_HINT;
  return problem;
}
