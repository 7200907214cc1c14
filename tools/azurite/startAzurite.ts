import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { findFreePort } from '../net/findFreePort';

export { findFreePort };

/** The well-known development account every Azurite accepts (documented by Microsoft, not a secret). */
export const DEV_ACCOUNT_NAME = 'devstoreaccount1';
export const DEV_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteOptions {
  /** Folder for Azurite's data; omitted means in memory only. */
  location?: string;
  /** Fixed ports; omitted means free ports chosen now. */
  ports?: { blob: number; queue: number; table: number };
}

export interface RunningAzurite {
  connectionString: string;
  ports: { blob: number; queue: number; table: number };
  stop(): Promise<void>;
}

export function toAzuriteConnectionString(ports: { blob: number; queue: number; table: number }): string {
  const base = `http://127.0.0.1`;
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${DEV_ACCOUNT_NAME}`,
    `AccountKey=${DEV_ACCOUNT_KEY}`,
    `BlobEndpoint=${base}:${ports.blob}/${DEV_ACCOUNT_NAME}`,
    `QueueEndpoint=${base}:${ports.queue}/${DEV_ACCOUNT_NAME}`,
    `TableEndpoint=${base}:${ports.table}/${DEV_ACCOUNT_NAME}`,
  ].join(';');
}

function azuriteEntry(): string {
  return path.join(path.dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'azurite.js');
}

async function waitForListening(child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const text = output();
    if (/Table service is successfully listening/.test(text) && /Queue service is successfully listening/.test(text)
      && /Blob service is successfully listening/.test(text)) return;
    if (child.exitCode !== null) throw new Error(`Azurite exited with code ${child.exitCode}: ${text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Azurite did not start within 30 s: ${output()}`);
}

/** Starts the `azurite` npm package (blob, queue, table) on loopback and waits until it listens. */
export async function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  const ports = options.ports ?? { blob: await findFreePort(), queue: await findFreePort(), table: await findFreePort() };
  const args = [
    azuriteEntry(),
    '--blobPort', String(ports.blob), '--queuePort', String(ports.queue), '--tablePort', String(ports.table),
    '--blobHost', '127.0.0.1', '--queueHost', '127.0.0.1', '--tableHost', '127.0.0.1',
    '--skipApiVersionCheck', '--loose', '--disableTelemetry', '--silent',
  ];
  if (options.location) {
    mkdirSync(options.location, { recursive: true });
    args.push('--location', options.location);
  } else {
    args.push('--inMemoryPersistence');
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { output += d.toString(); });
  await waitForListening(child, () => output);
  return {
    connectionString: toAzuriteConnectionString(ports),
    ports,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
