import type { ServerResponse } from 'node:http';
import type { SandboxResponse } from './sandboxRequest';

/** The headers Graph puts on every answer, so client logging and retry code sees what it would see in Azure. */
export function writeResponse(res: ServerResponse, response: SandboxResponse, requestId: string, clientRequestId: string | undefined): void {
  const headers: Record<string, string> = {
    'request-id': requestId,
    'client-request-id': clientRequestId ?? requestId,
    'x-ms-ags-diagnostic': JSON.stringify({
      ServerInfo: { DataCenter: 'Sandbox', Slice: 'E', Ring: '0', ScaleUnit: '000', RoleInstance: 'LOCAL', ADSiteName: 'LOCAL' },
    }),
    'Cache-Control': 'no-store, no-cache',
    ...response.headers,
  };
  let body: Buffer | undefined;
  if (response.raw) {
    headers['Content-Type'] = response.raw.contentType;
    body = response.raw.body;
  } else if (response.json !== undefined) {
    headers['Content-Type'] = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
    body = Buffer.from(JSON.stringify(response.json));
  }
  if (body) headers['Content-Length'] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body);
}
