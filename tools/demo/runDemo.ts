import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { BlobServiceClient } from '@azure/storage-blob';
import { ApiClient } from '../../cli/apiClient';
import type { EndpointView } from '../../cli/apiTypes';
import { formatEndpoint } from '../../cli/commands/formatEndpoint';
import { ApiRefusedError } from '../../cli/errors';
import { formatProblem } from '../../cli/formatProblem';
import { runCli } from '../../cli/runCli';
import { type DevHost, runDevHost } from '../devhost';
import type { Shutdown } from '../process/exitOnSignals';
import { demoPeople } from './demoOrganisation';
import { DEMO_ADMIN, DEMO_SENDER, type DemoServers, startDemoServers } from './startDemoServers';

export interface DemoOptions {
  appRoot: string;
  /** Emptied at start: every demo begins from a fresh legacy organisation and an empty tenant. */
  dataDir: string;
  port: number;
  people: number;
  messagesPerPerson: number;
  out: NodeJS.WriteStream;
  /** Stops what the demo started when a signal comes, from its very first step (see exitOnSignals). */
  shutdown: Shutdown;
}

const BATCH_NAME = 'Demo wave 1';
const BATCH_ID = 'demo-wave-1';
const ENDPOINT = 'legacy-exchange';

/**
 * `npm start` on embedded defaults: a whole staged migration on this machine. Starts the legacy
 * organisation (mail, contacts and calendars) and the Microsoft 365 sandbox, runs the app under
 * the devhost, creates the migration endpoint, drops the batch CSV into the intake container, shows
 * the batch running, prints its statistics (mail, contacts and events per mailbox) and the
 * dashboard's address, and keeps serving. On a signal the app stops first, then every server at once.
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  const say = (line: string) => options.out.write(`${line}\n`);
  rmSync(options.dataDir, { recursive: true, force: true });
  mkdirSync(options.dataDir, { recursive: true });
  say(`Staged mailbox migration demo (data in ${options.dataDir})`);
  const people = demoPeople(options.people);
  const { shutdown } = options;
  const servers = await startDemoServers(options.dataDir, people, options.messagesPerPerson, say, shutdown);
  let host: DevHost | undefined;
  try {
    shutdown.signal.throwIfAborted();
    host = await runDevHost({
      appRoot: options.appRoot,
      port: options.port,
      settings: demoSettings(servers),
      log: hostLog(options.dataDir),
    });
    const app = host;
    shutdown.onStop(() => app.stop());
    say(`The app runs at ${host.baseUrl} (log: ${path.join(options.dataDir, 'host.log')})`);
    const env = { ...process.env, MIGRATION_API_URL: host.baseUrl, MIGRATION_API_KEY: host.functionKey };
    const stderr = quietOnceStopping(process.stderr, shutdown.signal);
    const cli = (args: string[]) => runCli(args, { stdout: options.out, stderr, stdin: Readable.from([]), env });
    await createEndpoint(new ApiClient(new URL(host.baseUrl), host.functionKey), servers, say);
    await dropCsv(
      servers.azurite.connectionString,
      people.map((p) => p.address),
    );
    say(`Dropped "${BATCH_NAME}.csv" (${people.length} mailboxes) into the migration-batches container.\n`);
    await waitForBatch(host, say, shutdown.signal);
    await expectOk(cli(['batches', 'status', BATCH_ID, '--watch', '--interval', '1']), 'watch the batch');
    await expectOk(cli(['batches', 'show', BATCH_ID]), 'show the batch');
    say('');
    say(`DEMO_SYNCED ${JSON.stringify({ batchId: BATCH_ID, sandbox: servers.sandbox.origin, caFile: servers.caFile, baseUrl: host.baseUrl })}`);
    say(`Dashboard:   ${host.baseUrl}/api/dashboard?code=${host.functionKey}`);
    say(`Status email and reports: in ${DEMO_ADMIN}'s mailbox (${servers.sandbox.origin}/_sandbox/mailboxes/${DEMO_ADMIN})`);
    say(`Next: complete the batch from the dashboard, or drop your own CSV (EmailAddress column, addresses @contoso.com) under ${ENDPOINT}/ in the container.`);
    say('Press Ctrl+C to stop.');
  } catch (error) {
    await host?.stop();
    await servers.stop();
    throw error;
  }
}

/**
 * The legacy server's migration endpoint, as `staged-migration endpoints create` makes it (the
 * Dovecot master user as the admin account, `{user}*{admin}`), with the DAV URL that makes its
 * mailboxes move contacts and calendars too. Posted through the CLI's API client: the CLI's
 * `endpoints create` has no option for the DAV URL.
 */
async function createEndpoint(api: ApiClient, servers: DemoServers, say: (line: string) => void): Promise<void> {
  let endpoint: EndpointView & { davUrl?: string; itemTypes?: string[] };
  try {
    endpoint = await api.postJson('/api/endpoints', {
      name: ENDPOINT,
      host: servers.dovecot.host,
      port: servers.dovecot.port,
      security: 'none',
      adminUserName: servers.dovecot.masterUser.name,
      adminLoginFormat: '{user}*{admin}',
      password: servers.dovecot.masterUser.password,
      maxConcurrentMigrations: 8,
      davUrl: servers.davUrl,
    });
  } catch (error) {
    if (error instanceof ApiRefusedError) for (const line of formatProblem(error.problem)) say(line);
    throw new Error(`The demo could not create the endpoint (${error instanceof Error ? error.message : String(error)}).`);
  }
  // formatEndpoint's lines, with the DAV URL and what moves before "Created:", aligned as its fields are.
  const lines = formatEndpoint(endpoint);
  const width = lines[0]!.length - endpoint.name.length - 1;
  const extra = [
    ['DAV URL', endpoint.davUrl ?? 'none'],
    ['Moves', (endpoint.itemTypes ?? ['mail']).join(', ')],
  ].map(([label, value]) => `${`${label}:`.padEnd(width)} ${value}`);
  say(`Endpoint ${endpoint.name} created.`);
  for (const line of [...lines.slice(0, -1), ...extra, ...lines.slice(-1)]) say(line);
}

function demoSettings(servers: DemoServers): Record<string, string> {
  return {
    AzureWebJobsStorage: servers.azurite.connectionString,
    TASKHUB_NAME: 'StagedMigrationDemo',
    // The demo's legacy users are Exchange 2007 mailboxes (msExchMailboxGuid set); its Entra Connect is
    // configured as a third-party migration needs, with an inbound rule nulling that attribute.
    ENTRA_CONNECT_MAILBOX_GUID: 'authoritativeNull',
    MIGRATION_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    GRAPH_TENANT_ID: servers.sandbox.tenantId,
    GRAPH_CLIENT_ID: servers.sandbox.clientId,
    GRAPH_CLIENT_SECRET: servers.sandbox.clientSecret,
    GRAPH_BASE_URL: `${servers.sandbox.origin}/`,
    GRAPH_AUTHORITY_HOST: servers.sandbox.authorityHost,
    GRAPH_CA_CERTIFICATE_FILE: servers.caFile,
    ONPREM_LDAP_URL: servers.ldap.url,
    ONPREM_LDAP_BIND_DN: servers.ldap.bindDn,
    ONPREM_LDAP_BIND_PASSWORD: servers.ldap.bindPassword,
    ONPREM_LDAP_BASE_DN: servers.ldap.baseDn,
    NOTIFICATION_SENDER: DEMO_SENDER,
    // The demo's Dovecot (IMAP) and Radicale (CalDAV/CardDAV over http) listen without TLS on loopback:
    // cleartext logins to them are allowed by name, as an administrator would for a trusted network.
    MIGRATION_ALLOW_CLEARTEXT_HOSTS: [...new Set([servers.dovecot.host, servers.radicale.host])].join(','),
  };
}

async function dropCsv(connection: string, addresses: string[]): Promise<void> {
  const csv = ['EmailAddress', ...addresses].join('\r\n');
  const container = BlobServiceClient.fromConnectionString(connection).getContainerClient('migration-batches');
  await container.createIfNotExists();
  await container.getBlockBlobClient(`${ENDPOINT}/${BATCH_NAME}.csv`).upload(csv, Buffer.byteLength(csv), { metadata: { notificationemails: DEMO_ADMIN } });
}

/** The blob trigger takes a moment to find the file: wait until the batch exists and has started. */
async function waitForBatch(host: DevHost, say: (line: string) => void, signal: AbortSignal): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    signal.throwIfAborted();
    const response = await fetch(`${host.baseUrl}/api/batches/${BATCH_ID}`, { headers: { 'x-functions-key': host.functionKey } });
    if (response.status === 200 && ((await response.json()) as { status: string }).status !== 'Created') return;
    await new Promise((r) => setTimeout(r, 200));
  }
  say('The batch did not appear: see host.log.');
  throw new Error('The demo batch was not created from the dropped CSV.');
}

async function expectOk(run: Promise<number>, what: string): Promise<void> {
  const code = await run;
  if (code !== 0) throw new Error(`The demo could not ${what} (exit code ${code}).`);
}

/**
 * The CLI's error stream, silent once the demo is stopping: the watch loses the app when it stops,
 * and its "fetch failed" would only confuse after "Stopping...".
 */
function quietOnceStopping(stream: NodeJS.WritableStream, signal: AbortSignal): NodeJS.WritableStream {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!signal.aborted) stream.write(chunk);
      done();
    },
  });
}

function hostLog(dataDir: string): (line: string) => void {
  const file = path.join(dataDir, 'host.log');
  return (line) => appendFileSync(file, `${line}\n`);
}
