import { createServer } from 'node:net';
import path from 'node:path';
import { startAzurite, toAzuriteConnectionString, type RunningAzurite } from '../azurite/startAzurite';

const DEFAULT_PORTS = { blob: 10000, queue: 10001, table: 10002 };

function isDevelopmentStorage(value: string | undefined): boolean {
  return /^\s*UseDevelopmentStorage=true\s*;?\s*$/i.test(value ?? '');
}

async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * When `AzureWebJobsStorage` is `UseDevelopmentStorage=true`: if an emulator already listens on
 * 10000-10002 (the user's own Azurite, or one a killed host left behind) the host uses it, as Core
 * Tools would; otherwise it starts Azurite with its data in `<appRoot>/.data/azurite` (on the
 * default ports when free). Either way the setting is replaced in process.env with the explicit
 * connection string, so the app's own storage code and the host use the same, real endpoint.
 * Returns the Azurite it started (to stop with the host), or undefined.
 */
export async function startEmbeddedAzurite(appRoot: string, log: (message: string) => void): Promise<RunningAzurite | undefined> {
  if (!isDevelopmentStorage(process.env.AzureWebJobsStorage)) return undefined;
  const free = await Promise.all(Object.values(DEFAULT_PORTS).map(isPortFree));
  if (free.every((f) => !f)) {
    process.env.AzureWebJobsStorage = toAzuriteConnectionString(DEFAULT_PORTS);
    log('Using the storage emulator already running on ports 10000-10002.');
    return undefined;
  }
  const azurite = await startAzurite({ location: path.join(appRoot, '.data', 'azurite'), ports: free.every(Boolean) ? DEFAULT_PORTS : undefined });
  process.env.AzureWebJobsStorage = azurite.connectionString;
  log(
    `Started Azurite (data in ${path.join(appRoot, '.data', 'azurite')}): blob ${azurite.ports.blob}, queue ${azurite.ports.queue}, table ${azurite.ports.table}`,
  );
  return azurite;
}
