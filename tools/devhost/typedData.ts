import type { RpcTypedData } from './coreApiTypes';

/** Turns a JSON text (as history and queues store payloads) into the typed data a binding receives. */
export function toTypedJson(jsonText: string | undefined): RpcTypedData | undefined {
  return jsonText === undefined ? undefined : { json: jsonText };
}

/** Reads a function's returned typed data back as a plain value, the way the host's converters do. */
export function fromTypedData(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (typeof data.json === 'string') return JSON.parse(data.json) as unknown;
  if (typeof data.string === 'string') {
    try {
      return JSON.parse(data.string) as unknown;
    } catch {
      return data.string;
    }
  }
  if (data.bytes) return Buffer.from(data.bytes);
  if (typeof data.int === 'number') return data.int;
  if (typeof data.double === 'number') return data.double;
  return undefined;
}

/** A JSON text of a value, with `null` for undefined, so `JSON.parse` in the SDK never fails on it. */
export function toJsonText(value: unknown): string {
  return value === undefined ? 'null' : JSON.stringify(value);
}
