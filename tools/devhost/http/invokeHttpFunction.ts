import type { RpcHttpData, RpcTypedData } from '../coreApiTypes';
import type { FunctionRegistry, RegisteredFunction } from '../functionRegistry';
import type { HostLog } from '../hostLog';
import { invokeFunction } from '../invokeFunction';
import type { HttpExchange } from './httpExchange';
import { toSetCookieHeader } from './toSetCookieHeader';

function toBytes(data: RpcTypedData | null | undefined): Buffer {
  if (!data) return Buffer.alloc(0);
  if (data.bytes) return Buffer.from(data.bytes);
  if (typeof data.string === 'string') return Buffer.from(data.string);
  if (typeof data.json === 'string') return Buffer.from(data.json);
  return Buffer.alloc(0);
}

/**
 * Runs an HTTP-triggered function for one request: the request goes in as the worker's `RpcHttp`
 * typed data, the `http` output (return value or named output) comes back and is written out.
 */
export async function invokeHttpFunction(
  ex: HttpExchange,
  registry: FunctionRegistry,
  fn: RegisteredFunction,
  params: Record<string, string>,
  extraInputs: { name: string; data: RpcTypedData }[],
  log: HostLog,
): Promise<void> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(ex.req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const request: RpcHttpData = {
    method: ex.req.method ?? 'GET',
    url: ex.url.toString(),
    headers,
    query: Object.fromEntries(ex.url.searchParams),
    params,
    body: { bytes: ex.body },
  };
  const { response } = await invokeFunction(
    registry,
    fn,
    {
      inputData: [{ name: fn.trigger.name, data: { http: request } }, ...extraInputs],
      triggerMetadata: {},
    },
    log,
  );
  const http = response.returnValue?.http ?? response.outputData?.find((o) => o.data?.http)?.data?.http;
  if (!http) {
    ex.res.writeHead(204);
    ex.res.end();
    return;
  }
  const status = Number(http.statusCode ?? 200) || 200;
  const cookies = (http.cookies ?? []).map(toSetCookieHeader);
  ex.res.writeHead(status, { ...(http.headers ?? {}), ...(cookies.length > 0 ? { 'Set-Cookie': cookies } : {}) });
  ex.res.end(toBytes(http.body));
}
