import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runDevHost } from '../devhost';
import { runDemo } from '../demo/runDemo';
import { exitOnSignals } from '../process/exitOnSignals';
import { DemoSettingError, readDemoSize } from './readDemoSize';

/**
 * From Ctrl+C to exit at most. Stopping normally takes about a second (the app's bounded drain,
 * then every server at once); past this the process exits anyway and the tethers kill what is
 * left, so everything is gone within 5 s even on a loaded machine.
 */
const STOP_DEADLINE_MS = 3_500;

/**
 * `npm start`. With settings that name a real tenant or target (GRAPH_TENANT_ID, or
 * MIGRATION_TARGET=imap), in the environment or local.settings.json, it serves the app under the
 * devhost. Otherwise it runs the demo: a whole staged migration on embedded defaults.
 * Ctrl+C (SIGINT), SIGTERM and SIGHUP stop everything from the first moment, even mid-start.
 */
const shutdown = exitOnSignals({ deadlineMs: STOP_DEADLINE_MS, say: (line) => process.stdout.write(`${line}\n`) });

async function main(): Promise<void> {
  const appRoot = path.resolve(__dirname, '..', '..', '..');
  const settings = { ...localSettings(appRoot), ...process.env };
  const port = Number(process.env.PORT ?? localPort(appRoot));
  if (settings.GRAPH_TENANT_ID || settings.MIGRATION_TARGET === 'imap') {
    const host = await runDevHost({ appRoot, port });
    shutdown.onStop(() => host.stop());
    process.stdout.write(`Serving the app at ${host.baseUrl}\nDashboard: ${host.baseUrl}/api/dashboard?code=${host.functionKey}\n`);
    return;
  }
  const size = readDemoSize(process.env);
  await runDemo({
    appRoot,
    dataDir: path.resolve(process.env.DEMO_DATA_DIR ?? path.join(appRoot, '.data', 'demo')),
    port,
    people: size.people,
    messagesPerPerson: size.messagesPerPerson,
    out: process.stdout,
    shutdown,
  });
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

main().catch((error: unknown) => {
  // A start interrupted by Ctrl+C fails as its servers go away; the signal handler is already exiting.
  if (shutdown.signal.aborted) return;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(error instanceof DemoSettingError ? `${message}\n` : `npm start failed: ${message}\n`);
  process.exit(1);
});
