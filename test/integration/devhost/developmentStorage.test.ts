import { startDevHost } from '../../../tools/devhost/startDevHost';
import { startOrchestration, waitFor } from './durableApi';
import { FIXTURE_APP, uniqueHubName } from './fixtureHost';

/**
 * The `npm start` path: local.settings.json says `UseDevelopmentStorage=true`, and the host brings
 * its own Azurite (data in the app's .data/azurite), or uses the one already on 10000-10002.
 */
describe('devhost on development storage', () => {
  it('provides Azurite itself and runs an orchestration on it', async () => {
    const lines: string[] = [];
    const host = await startDevHost({
      appRoot: FIXTURE_APP,
      settings: { AzureWebJobsStorage: 'UseDevelopmentStorage=true', TASKHUB_NAME: uniqueHubName('DevSt') },
      log: (line) => lines.push(line),
    });
    try {
      expect(lines.some((l) => /Started Azurite \(data in .*\.data\/azurite\)|Using the storage emulator already running on ports 10000-10002/.test(l))).toBe(
        true,
      );
      const id = await startOrchestration(host, 'oneActivity');
      expect(await waitFor(host, id)).toMatchObject({ runtimeStatus: 'Completed', output: 9 });
    } finally {
      await host.stop();
    }
  }, 300_000);
});
