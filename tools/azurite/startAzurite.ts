import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { findFreePort } from '../net/findFreePort';
import { spawnServer } from '../process/spawnServer';

export { findFreePort };

/** The well-known development account every Azurite accepts (documented by Microsoft, not a secret). */
export const DEV_ACCOUNT_NAME = 'devstoreaccount1';
export const DEV_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

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

/**
 * Runs Azurite's own entry with one change. Its table store (LokiJS) finds an entity by
 * `{ PartitionKey, RowKey }`: LokiJS narrows by the first key through its index and scans what that
 * found for the second, so every insert, replace, delete and point read costs the whole partition, and a
 * partition's writes grow quadratically (Azure/Azurite#2321: "100k records takes more than 1 hour"; here,
 * 30,000 inserts into one partition took 49 s instead of 3). Azure Table Storage indexes both keys. The
 * copy keeps a mailbox's ledger in one partition (its entity-group transactions need that), two rows per
 * message, so a 50,000-message mailbox would take hours on the emulator. LokiJS is asked for the RowKey
 * first: both keys still have to match, so every lookup finds what it found before, only sooner.
 */
function azuriteWithRowKeyFirst(entry: string): string {
  return [
    `const Loki = require(require.resolve('lokijs', { paths: [${JSON.stringify(path.dirname(entry))}] }));`,
    'const findOne = Loki.Collection.prototype.findOne;',
    'Loki.Collection.prototype.findOne = function (query) {',
    '  const byKeys = query && typeof query === "object" && Object.keys(query).length === 2 && "PartitionKey" in query && "RowKey" in query;',
    '  return findOne.call(this, byKeys ? { RowKey: query.RowKey, PartitionKey: query.PartitionKey } : query);',
    '};',
    // Azurite reads its options from process.argv, as if it had been started as `node azurite.js ...`.
    `process.argv.splice(1, 0, ${JSON.stringify(entry)});`,
    `require(${JSON.stringify(entry)});`,
  ].join('\n');
}

/** Azurite starts in about a second; a loaded 2-core machine (a test run) can make that many times longer. */
const START_TIMEOUT_MS = 60_000;
/** Azurite saves its metadata and exits within a second of SIGTERM; after this it gets SIGKILL. */
const STOP_GRACE_MS = 2_000;

async function waitForListening(exited: Promise<void>, output: () => string): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const text = output();
    if (
      /Table service is successfully listening/.test(text) &&
      /Queue service is successfully listening/.test(text) &&
      /Blob service is successfully listening/.test(text)
    )
      return;
    if (gone) throw new Error(`Azurite exited: ${text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Azurite did not start within ${START_TIMEOUT_MS / 1000} s: ${output()}`);
}

/**
 * Starts the `azurite` npm package (blob, queue, table) on loopback and waits until it listens. It
 * runs tethered to this process (spawnServer): if this process dies, even by SIGKILL, Azurite goes too.
 */
export async function startAzurite(options: AzuriteOptions = {}): Promise<RunningAzurite> {
  const ports = options.ports ?? { blob: await findFreePort(), queue: await findFreePort(), table: await findFreePort() };
  const args = [
    '--blobPort',
    String(ports.blob),
    '--queuePort',
    String(ports.queue),
    '--tablePort',
    String(ports.table),
    '--blobHost',
    '127.0.0.1',
    '--queueHost',
    '127.0.0.1',
    '--tableHost',
    '127.0.0.1',
    '--skipApiVersionCheck',
    '--loose',
    '--disableTelemetry',
    '--silent',
  ];
  if (options.location) {
    mkdirSync(options.location, { recursive: true });
    args.push('--location', options.location);
  } else {
    args.push('--inMemoryPersistence');
  }
  const server = spawnServer(process.execPath, ['-e', azuriteWithRowKeyFirst(azuriteEntry()), '--', ...args]);
  let output = '';
  server.child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  server.child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  try {
    await waitForListening(server.exited, () => output);
  } catch (error) {
    await server.stop(STOP_GRACE_MS);
    throw error;
  }
  return {
    connectionString: toAzuriteConnectionString(ports),
    ports,
    stop: () => server.stop(STOP_GRACE_MS),
  };
}
