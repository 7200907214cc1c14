import type { MailboxView, ListAnswer, Problem, ProblemError } from './apiTypes.js';

/**
 * The API client. The function key comes from the page's `?code=` and travels only as the
 * `x-functions-key` header of the page's own API calls; the page's addresses (module files)
 * never carry it, and the page sends no referrer.
 */
const key = new URLSearchParams(location.search).get('code');

/** `/api`, or whatever route prefix host.json sets: the page is served at `<prefix>/dashboard`. */
const apiRoot = location.pathname.replace(/\/dashboard\/?$/i, '');

export function hasKey(): boolean {
  return Boolean(key);
}

export function request(url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers ?? {});
  if (key) headers.set('x-functions-key', key);
  return fetch(url, { ...init, headers, cache: 'no-store', credentials: 'omit' });
}

/** A call to `<api root><path>`. */
export function api(path: string, init?: RequestInit): Promise<Response> {
  return request(apiRoot + path, init);
}

export function batchPath(id: string): string {
  return `/batches/${encodeURIComponent(id)}`;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The RFC 9457 problem of an error answer, or a stand-in when the body is not one. */
export async function readProblem(response: Response): Promise<Problem> {
  const body: unknown = await response.json().catch(() => ({}));
  const fields: Record<string, unknown> = typeof body === 'object' && body !== null ? { ...body } : {};
  const fallback =
    response.status === 401
      ? 'The function key was not accepted (HTTP 401). Open the page with ?code=<function key>.'
      : `The service answered HTTP ${response.status}.`;
  const errors: unknown = fields.errors;
  return {
    status: response.status,
    title: text(fields.title) ?? fallback,
    detail: text(fields.detail) ?? text(fields.title) ?? fallback,
    errors: Array.isArray(errors) ? errors.filter((e): e is ProblemError => typeof e === 'object' && e !== null) : [],
  };
}

/**
 * The JSON answer of a GET, typed as the API documents it (the one place the page trusts the
 * shape of what the API sends); an error answer throws with the problem's detail. `path` is below
 * the API root, or a `nextLink`, which already starts with it.
 */
export async function getJson<T>(path: string): Promise<T> {
  const response = await request(path.startsWith(`${apiRoot}/`) ? path : apiRoot + path);
  if (!response.ok) throw new Error((await readProblem(response)).detail);
  return (await response.json()) as T;
}

/** Every mailbox of the batch, following `nextLink` page after page. */
export async function allMailboxes(id: string): Promise<MailboxView[]> {
  const rows: MailboxView[] = [];
  let path: string | undefined = `${batchPath(id)}/mailboxes?pageSize=1000`;
  while (path) {
    const page: ListAnswer<MailboxView> = await getJson<ListAnswer<MailboxView>>(path);
    rows.push(...(page.value ?? []));
    path = page.nextLink;
  }
  return rows;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
