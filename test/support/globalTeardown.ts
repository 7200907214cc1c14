import type { RunningAzurite } from '../../tools/azurite/startAzurite';

/** Stops the run's Azurite (globalSetup), and waits until it is gone, so the run leaves no process behind. */
export default async function globalTeardown(): Promise<void> {
  const azurite = (globalThis as Record<string, unknown>).__AZURITE__ as RunningAzurite | undefined;
  await azurite?.stop();
}
