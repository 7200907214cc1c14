import type { IncomingMessage, ServerResponse } from 'node:http';

/** One HTTP request with its body read, and helpers to answer it. */
export interface HttpExchange {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  body: Buffer;
}

export function sendJson(ex: HttpExchange, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  ex.res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  ex.res.end(text);
}

export function sendText(ex: HttpExchange, status: number, text: string): void {
  ex.res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  ex.res.end(text);
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
