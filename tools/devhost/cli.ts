import { parseArgs } from 'node:util';
import { toError } from './errors';
import { runDevHost } from './runDevHost';

/**
 * `node dist/tools/devhost/cli.js [--app-root DIR] [--port N]`: runs the app under the devhost
 * until SIGINT/SIGTERM. Settings come from the environment and local.settings.json. Once listening it
 * prints one `DEVHOST_READY {json}` line that `startDevHost` (and scripts) wait for.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'app-root': { type: 'string' }, port: { type: 'string' } } });
  const host = await runDevHost({
    appRoot: values['app-root'] ?? process.cwd(),
    port: values.port !== undefined ? Number(values.port) : undefined,
  });
  process.stdout.write(
    `DEVHOST_READY ${JSON.stringify({ baseUrl: host.baseUrl, functionKey: host.functionKey, adminKey: host.adminKey, blobsExtensionKey: host.blobsExtensionKey, pid: process.pid })}\n`,
  );
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    host.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${toError(error).stack ?? String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`devhost failed to start: ${toError(error).stack ?? String(error)}\n`);
  process.exit(1);
});
