import { existsSync } from 'node:fs';
import path from 'node:path';
import { findFreePort } from '../azurite/startAzurite';
import { spawnServer } from '../process/spawnServer';
import { DevHostError } from './errors';

export interface StartDevHostOptions {
  /** The Functions app: a folder with package.json ("main"), host.json and local.settings.json. */
  appRoot: string;
  /** HTTP port; default a free port (tests run side by side). */
  port?: number;
  /** App settings that win over local.settings.json, e.g. AzureWebJobsStorage and TASKHUB_NAME. */
  settings?: Record<string, string>;
  /** Receives every log line of the host; by default lines are only kept for `output()`. */
  log?: (line: string) => void;
}

export interface DevHostProcess {
  baseUrl: string;
  functionKey: string;
  adminKey: string;
  /** The blobs_extension system key of the Event Grid blobs webhook. */
  blobsExtensionKey: string;
  pid: number;
  /** Graceful stop (SIGTERM), resolves when the process has exited. */
  stop(): Promise<void>;
  /** kill -9, for crash tests; resolves when the process is gone. */
  kill(): Promise<void>;
  /** The host's log so far (the last 2,000 lines). */
  output(): string;
}

const READY_PREFIX = 'DEVHOST_READY ';
/** The host loads the app and opens its task hub in a few seconds; a loaded 2-core machine can take many times that. */
const START_TIMEOUT_MS = 120_000;
/**
 * A graceful stop that takes longer than this becomes kill -9, so a test never hangs in afterAll.
 * The host itself gives in-flight functions a bounded drain (runDevHost), so this is only slack for
 * a loaded machine.
 */
const STOP_TIMEOUT_MS = 10_000;

function cliPath(): string {
  // Under ts-jest this file runs from tools/devhost; the compiled CLI is under dist/.
  const compiled = __filename.endsWith('.ts') ? path.resolve(__dirname, '..', '..', 'dist', 'tools', 'devhost', 'cli.js') : path.join(__dirname, 'cli.js');
  if (!existsSync(compiled)) throw new DevHostError('DEVHOST_START_FAILED', `${compiled} does not exist: run "npm run build" first.`);
  return compiled;
}

/**
 * Starts the devhost in a child process (`cli.js`) and resolves once it listens. A process per host
 * gives each test its own app settings and module registry, and lets a crash test kill -9 it. The
 * child is tethered to this process (spawnServer): if a test worker dies, even by SIGKILL, the
 * host dies with it.
 */
export async function startDevHost(options: StartDevHostOptions): Promise<DevHostProcess> {
  const port = options.port ?? (await findFreePort());
  // The child is a plain Node process, not a jest worker (runDevHost refuses to run inside one).
  const { JEST_WORKER_ID: _jestWorker, ...parentEnv } = process.env;
  const server = spawnServer(process.execPath, [cliPath(), '--app-root', path.resolve(options.appRoot), '--port', String(port)], {
    env: { ...parentEnv, ...options.settings },
  });
  const child = server.child;
  const lines: string[] = [];
  let ready: ((info: { baseUrl: string; functionKey: string; adminKey: string; blobsExtensionKey: string }) => void) | undefined;
  const onLine = (line: string): void => {
    lines.push(line);
    if (lines.length > 2000) lines.shift();
    if (line.startsWith(READY_PREFIX))
      ready?.(JSON.parse(line.slice(READY_PREFIX.length)) as { baseUrl: string; functionKey: string; adminKey: string; blobsExtensionKey: string });
    else options.log?.(line);
  };
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      parts.forEach(onLine);
    });
  }
  const info = await new Promise<{ baseUrl: string; functionKey: string; adminKey: string; blobsExtensionKey: string }>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      const error = new DevHostError('DEVHOST_START_FAILED', `The devhost did not start within ${START_TIMEOUT_MS / 1000} s:\n${lines.join('\n')}`);
      void server.kill().finally(() => reject(error));
    }, START_TIMEOUT_MS);
    ready = (value) => {
      clearTimeout(timer);
      resolve(value);
    };
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!timedOut) reject(new DevHostError('DEVHOST_START_FAILED', `The devhost exited with code ${code} before it was ready:\n${lines.join('\n')}`));
    });
  });
  return {
    ...info,
    pid: server.pid,
    output: () => lines.join('\n'),
    stop: () => server.stop(STOP_TIMEOUT_MS),
    kill: () => server.kill(),
  };
}
