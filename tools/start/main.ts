import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runDevHost } from '../devhost';
import { runDemo } from '../demo/runDemo';

/**
 * `npm start`. With settings that name a real tenant or target (GRAPH_TENANT_ID, or
 * MIGRATION_TARGET=imap), in the environment or local.settings.json, it serves the app under the
 * devhost. Otherwise it runs the demo: a whole staged migration on embedded defaults.
 */
async function main(): Promise<void> {
  const appRoot = path.resolve(__dirname, '..', '..', '..');
  const settings = { ...localSettings(appRoot), ...process.env };
  const port = Number(process.env.PORT ?? localPort(appRoot));
  if (settings.GRAPH_TENANT_ID || settings.MIGRATION_TARGET === 'imap') {
    const host = await runDevHost({ appRoot, port });
    process.stdout.write(`Serving the app at ${host.baseUrl}\nDashboard: ${host.baseUrl}/api/dashboard?code=${host.functionKey}\n`);
    onStop(() => host.stop());
    return;
  }
  const demo = await runDemo({
    appRoot,
    dataDir: path.resolve(process.env.DEMO_DATA_DIR ?? path.join(appRoot, '.data', 'demo')),
    port,
    people: Number(process.env.DEMO_MAILBOXES ?? 36),
    messagesPerPerson: Number(process.env.DEMO_MESSAGES ?? 100),
    out: process.stdout,
  });
  onStop(() => demo.stop());
}

function localSettings(appRoot: string): Record<string, string> {
  const file = path.join(appRoot, 'local.settings.json');
  if (!existsSync(file)) return {};
  return (JSON.parse(readFileSync(file, 'utf8')) as { Values?: Record<string, string> }).Values ?? {};
}

function localPort(appRoot: string): number {
  const file = path.join(appRoot, 'local.settings.json');
  if (!existsSync(file)) return 7071;
  return (JSON.parse(readFileSync(file, 'utf8')) as { Host?: { LocalHttpPort?: number } }).Host?.LocalHttpPort ?? 7071;
}

function onStop(stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('Stopping...\n');
    stop().then(() => process.exit(0), (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`npm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
