import { createHash, randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DevHostError } from '../errors';

export interface FunctionKeys {
  functionKey: string;
  adminKey: string;
  /**
   * The `blobs_extension` system key: what an Event Grid subscription puts in the webhook URL
   * (`/runtime/webhooks/blobs?...&code=`) that delivers blob events to Event Grid-sourced blob triggers.
   */
  blobsExtensionKey: string;
}

/** Reads the keys file; a reader racing a writer may see it half-written, so it retries briefly. */
function readKeysFile(file: string): Partial<FunctionKeys> {
  for (let attempt = 0; ; attempt++) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Partial<FunctionKeys>;
    } catch (error) {
      if (attempt >= 20) throw new DevHostError('DEVHOST_BAD_SETTINGS', `${file} is not valid JSON: ${(error as Error).message}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
    }
  }
}

/**
 * The host's keys: `FUNCTIONS_DEFAULT_KEY` / `FUNCTIONS_ADMIN_KEY` settings when given, otherwise
 * keys generated once and kept in `<appRoot>/.data/devhost-keys.json` (the real host keeps its
 * secrets in storage; a file is the laptop equivalent), so clients keep working across restarts.
 * The file is created atomically (hard link of a finished temp file), so hosts starting side by
 * side agree on one set of keys.
 */
export function loadFunctionKeys(appRoot: string): FunctionKeys {
  const file = path.join(appRoot, '.data', 'devhost-keys.json');
  const generate = (): string => randomBytes(30).toString('base64url');
  if (!(process.env.FUNCTIONS_DEFAULT_KEY && process.env.FUNCTIONS_ADMIN_KEY) && !existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify({ functionKey: generate(), adminKey: generate(), blobsExtensionKey: generate() }, null, 2));
    try {
      linkSync(temp, file);
    } catch {
      // Another host created it first: use theirs.
    }
    unlinkSync(temp);
  }
  const stored = existsSync(file) ? readKeysFile(file) : {};
  return {
    functionKey: process.env.FUNCTIONS_DEFAULT_KEY || stored.functionKey || generate(),
    adminKey: process.env.FUNCTIONS_ADMIN_KEY || stored.adminKey || generate(),
    // A keys file from before this key existed gets one derived from the admin key, stable across restarts.
    blobsExtensionKey:
      stored.blobsExtensionKey ||
      createHash('sha256')
        .update(`blobs_extension\n${process.env.FUNCTIONS_ADMIN_KEY || stored.adminKey || ''}`)
        .digest('base64url'),
  };
}

export type AuthLevel = 'anonymous' | 'function' | 'admin';

/** True when the request's `x-functions-key` header or `code` query value grants `level`. */
export function isAuthorized(level: AuthLevel, keys: FunctionKeys, headerKey: string | undefined, codeParam: string | null): boolean {
  if (level === 'anonymous') return true;
  const given = headerKey ?? codeParam ?? undefined;
  if (!given) return false;
  if (given === keys.adminKey) return true;
  return level === 'function' && given === keys.functionKey;
}
