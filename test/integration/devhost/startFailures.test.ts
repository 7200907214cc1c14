import { createServer } from 'node:net';
import { findFreePort } from '../../../tools/azurite/startAzurite';
import { startDevHost } from '../../../tools/devhost/startDevHost';
import { FIXTURE_APP, uniqueHubName } from './fixtureHost';

/** A host that cannot start says why, with a code, instead of hanging. */
describe('devhost start failures', () => {
  it('reports a busy HTTP port', async () => {
    const port = await findFreePort();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', () => resolve()));
    try {
      await expect(
        startDevHost({
          appRoot: FIXTURE_APP,
          port,
          settings: { AzureWebJobsStorage: process.env.TEST_STORAGE_CONNECTION!, TASKHUB_NAME: uniqueHubName('Busy') },
        }),
      ).rejects.toThrow(/DEVHOST_START_FAILED: The devhost exited with code 1 before it was ready:[\s\S]*EADDRINUSE/);
    } finally {
      blocker.close();
    }
  }, 180_000);

  it('reports an app folder without package.json', async () => {
    await expect(startDevHost({ appRoot: __dirname, settings: { AzureWebJobsStorage: process.env.TEST_STORAGE_CONNECTION! } })).rejects.toThrow(
      /DEVHOST_APP_NOT_FOUND: No package.json in .*test\/integration\/devhost: point --app-root at a Functions app\./,
    );
  }, 180_000);
});
