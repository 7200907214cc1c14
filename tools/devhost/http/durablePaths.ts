import type { HttpExchange } from './httpExchange';

/** Roots of the Durable HTTP API: keyed webhooks, and the local RPC endpoint durable-functions v3 calls. */
export const DURABLE_PATHS = { webhook: '/runtime/webhooks/durabletask/', rpc: '/durabletask/' } as const;

export interface DurableApi {
  handle(ex: HttpExchange, path: string): Promise<void>;
}
