import { readFileSync, existsSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { findFreePort, type RunningAzurite } from '../azurite/startAzurite';
import { applyLocalSettings, readConnectionSetting } from './appSettings';
import { handleDurableApi } from './durable/durableHttpApi';
import { durableClientData, durableClientInputs, instanceLinks } from './durable/durableClientBinding';
import { DurableEngine } from './durable/durableEngine';
import { startEmbeddedAzurite } from './embeddedAzurite';
import { DevHostError } from './errors';
import { FunctionRegistry } from './functionRegistry';
import { readHostConfig } from './hostConfig';
import { createHostLog, type HostLog } from './hostLog';
import { loadFunctionKeys } from './http/functionKeys';
import { startHostHttpServer } from './http/hostHttpServer';
import { buildHttpRoutes } from './http/httpTriggerRoutes';
import { installCoreModule } from './installCoreModule';
import { loadApp } from './loadApp';
import { formatStartupTable } from './startupTable';
import { startEventGrid, startTriggerListeners } from './triggers/startTriggerListeners';
import type { TriggerListener } from './triggers/triggerListener';

export interface DevHostOptions {
  /** The Functions app: a folder with package.json ("main"), host.json and local.settings.json. */
  appRoot: string;
  /** HTTP port; default local.settings.json `Host.LocalHttpPort`, else 7071; 0 picks a free port. */
  port?: number;
  /** App settings that win over local.settings.json (e.g. AzureWebJobsStorage, TASKHUB_NAME). */
  settings?: Record<string, string>;
  /** Where log lines go; default stdout. */
  log?: (line: string) => void;
}

export interface DevHost {
  baseUrl: string;
  functionKey: string;
  adminKey: string;
  /** The blobs_extension system key, for the Event Grid blobs webhook. */
  blobsExtensionKey: string;
  functionNames: string[];
  stop(): Promise<void>;
}

/**
 * How long stop() lets functions already running finish. Work still running after that is left
 * unfinished, which Durable Functions is built for: "each called activity function will be executed
 * at least once" and orchestrator episodes replay from history
 * (https://learn.microsoft.com/azure/azure-functions/durable/durable-functions-types-features-overview),
 * so a work item whose queue message was not deleted runs again on the next start. The bound keeps
 * Ctrl+C on `npm start` fast while a migration is in the middle of copying a page.
 */
const STOP_DRAIN_MS = 1_500;

function configuredPort(appRoot: string): number {
  const file = path.join(appRoot, 'local.settings.json');
  if (!existsSync(file)) return 7071;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { Host?: { LocalHttpPort?: number } };
  return parsed.Host?.LocalHttpPort ?? 7071;
}

/**
 * The worker asks the programming model for its capabilities once the app is loaded (this also
 * locks `app.setup`). HTTP streaming would route requests through the library's own proxy, which
 * this host does not drive, so it is refused clearly instead of hanging requests.
 */
async function checkCapabilities(registry: FunctionRegistry): Promise<void> {
  const capabilities = (await registry.programmingModel?.getCapabilities?.({})) ?? {};
  if (capabilities.HttpUri) {
    throw new DevHostError('DEVHOST_START_FAILED', 'The app enables HTTP streams (app.setup({ enableHttpStream: true })), which the devhost does not support.');
  }
}

async function runAppStartHooks(registry: FunctionRegistry, appRoot: string): Promise<void> {
  for (const hook of registry.hooks.appStart) await hook({ hookData: {}, appHookData: registry.appHookData, functionAppDirectory: appRoot });
}

/**
 * Runs a Functions app in this process the way Azure does: settings, storage, the app's own
 * registrations through `@azure/functions-core`, HTTP/blob/queue/timer triggers and the Durable
 * engine on Azure Storage. One app per process (registrations are process-wide, as in the worker);
 * tests that need isolation or kill -9 use `startDevHost`, which runs this in a child process.
 */
export async function runDevHost(options: DevHostOptions): Promise<DevHost> {
  if (process.env.JEST_WORKER_ID !== undefined) {
    // Jest has its own module registry, which the @azure/functions-core hook cannot reach.
    throw new DevHostError('DEVHOST_START_FAILED', 'runDevHost cannot run inside a jest worker; use startDevHost, which runs the host in a child process.');
  }
  const appRoot = path.resolve(options.appRoot);
  const log: HostLog = createHostLog(options.log ?? ((line) => process.stdout.write(`${line}\n`)));
  applyLocalSettings(appRoot, options.settings ?? {});
  const azurite: RunningAzurite | undefined = await startEmbeddedAzurite(appRoot, (message) => log.info(message));
  try {
    return await startServices(appRoot, options, log, azurite);
  } catch (error) {
    // Do not leave an Azurite behind when the host cannot start (a busy port, a broken app).
    await azurite?.stop();
    throw error;
  }
}

async function startServices(appRoot: string, options: DevHostOptions, log: HostLog, azurite: RunningAzurite | undefined): Promise<DevHost> {
  const config = readHostConfig(appRoot);
  let port = options.port ?? configuredPort(appRoot);
  if (port === 0) port = await findFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // durable-functions rewrites client URLs to localhost:7071 unless the host name is known.
  process.env.WEBSITE_HOSTNAME = `127.0.0.1:${port}`;
  const registry = new FunctionRegistry();
  installCoreModule(registry, (level, message) => log.fromFunction('host', level, 'system', message));
  loadApp(appRoot);
  const keys = loadFunctionKeys(appRoot);
  await checkCapabilities(registry);
  await runAppStartHooks(registry, appRoot);

  const durable = new DurableEngine(readConnectionSetting('AzureWebJobsStorage'), config, registry, log);
  await durable.start();
  const clientData = durableClientData(baseUrl, config.hubName, keys);
  const extraInputs = (fnName: string) => durableClientInputs(registry.get(fnName), clientData);
  const triggerDeps = { registry, config, log, extraInputs };
  const triggers: TriggerListener[] = [];
  const stopServices = async (): Promise<void> => {
    await Promise.all(triggers.map((t) => t.stop()));
    await durable.stop();
  };
  let server: Server;
  const routes = buildHttpRoutes(registry, config.routePrefix);
  try {
    triggers.push(...(await startTriggerListeners(triggerDeps)));
    server = await startHostHttpServer(port, {
      registry,
      routes,
      routePrefix: config.routePrefix,
      keys,
      log,
      extraInputs,
      triggerDeps,
      durable: {
        handle: (ex, apiPath) =>
          handleDurableApi(
            ex,
            apiPath,
            durable.client,
            (id) => instanceLinks(clientData, id),
            (name) => registry.tryGet(name)?.trigger.type === 'orchestrationTrigger',
          ),
      },
    });
    triggers.push(...(await startEventGrid(triggerDeps, baseUrl, keys.blobsExtensionKey)));
  } catch (error) {
    await stopServices();
    throw error;
  }
  log.info(formatStartupTable(registry, routes, baseUrl));
  log.info(`Host started on ${baseUrl} (task hub ${config.hubName}). Function key: ${keys.functionKey}  Admin key: ${keys.adminKey}`);

  let stopped = false;
  return {
    baseUrl,
    functionKey: keys.functionKey,
    adminKey: keys.adminKey,
    blobsExtensionKey: keys.blobsExtensionKey,
    functionNames: [...registry.functions.keys()],
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await withinDrain(stopServices());
      for (const hook of registry.hooks.appTerminate) await hook({ hookData: {}, appHookData: registry.appHookData });
      await azurite?.stop();
    },
  };
}

/** Waits for `stopped`, but no longer than STOP_DRAIN_MS (a stop that fails meanwhile fails the drain). */
async function withinDrain(stopped: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const drained = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, STOP_DRAIN_MS);
  });
  try {
    await Promise.race([stopped, drained]);
  } finally {
    clearTimeout(timer);
  }
}
