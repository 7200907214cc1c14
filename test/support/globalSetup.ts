import { startAzurite } from '../../tools/azurite/startAzurite';

/**
 * One in-memory Azurite for the whole run. Its connection string reaches every test worker through
 * the environment (workers are started after this runs). globalTeardown stops it; if jest itself
 * is killed first (Ctrl+C, SIGKILL), its tether ends it (see tools/process/spawnServer.ts).
 */
export default async function globalSetup(): Promise<void> {
  const azurite = await startAzurite();
  process.env.TEST_STORAGE_CONNECTION = azurite.connectionString;
  (globalThis as Record<string, unknown>).__AZURITE__ = azurite;
}
