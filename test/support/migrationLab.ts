import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type M365Sandbox, type M365SandboxOptions, startM365Sandbox } from '../../tools/m365-sandbox';
import { type DevHostProcess, startDevHost } from '../../tools/devhost';
import { generateCorpus } from '../../tools/corpus/generateCorpus';
import { seedMailbox } from '../../tools/corpus/seedMailbox';
import { connectImap } from './copyHarness';
import { type RunningDovecot, startDovecot } from '../../tools/dovecot/startDovecot';
import { type RunningOpenLdap, startOpenLdap } from '../../tools/openldap/startOpenLdap';
import { type RunningImapFaultProxy, startImapFaultProxy } from '../../tools/imap-fault-proxy/startImapFaultProxy';
import { type RunningStorageFaultProxy, startStorageFaultProxy } from '../../tools/storage-fault-proxy/startStorageFaultProxy';
import { type RunningRadicale, startRadicale } from '../../tools/radicale/startRadicale';

export const TENANT_DOMAIN = 'contoso.onmicrosoft.com';
export const ADMIN_MAILBOX = `admin@${TENANT_DOMAIN}`;
export const SENDER_MAILBOX = `migration@${TENANT_DOMAIN}`;

export interface LabMailbox {
  address: string;
  messages: number;
  /** Messages appended to INBOX besides the generated ones (raw MIME). */
  extraMessages?: Buffer[];
  /** Planted faults: no user in Microsoft 365, or no account at the source. */
  missingInCloud?: boolean;
  missingAtSource?: boolean;
  /** The cloud user's principal name when it is not the address (found by proxyAddresses). */
  upn?: string;
  /** The on-premises user carries msExchMailboxGuid (default true: an Exchange 2007 mailbox). */
  onPremisesGuid?: boolean;
  /** Entra Connect synced that GUID to the cloud user, so Exchange Online never creates its mailbox. */
  cloudGuid?: boolean;
}

export interface MigrationLab {
  dovecot: RunningDovecot;
  /** The IMAP fault proxy in front of Dovecot, when asked for: the endpoint then points at it. */
  proxy?: RunningImapFaultProxy;
  /**
   * With `imapTarget`, mail goes to a second Dovecot (MIGRATION_TARGET=imap) reached through its own
   * fault proxy, instead of to the Microsoft 365 sandbox; the sandbox still serves the tenant.
   */
  target?: { dovecot: RunningDovecot; proxy: RunningImapFaultProxy };
  /** With `storageFaultProxy`, the app reaches Azurite's tables through this proxy (its Durable task hub too). */
  storageProxy?: RunningStorageFaultProxy;
  /**
   * With `radicale`, the legacy groupware server: each mailbox's own login, and the Dovecot master user's
   * `{user}*{admin}` login that the endpoint's admin account uses, reading every user's collections.
   */
  radicale?: RunningRadicale;
  ldap: RunningOpenLdap;
  sandbox: M365Sandbox;
  host: DevHostProcess;
  settings: Record<string, string>;
  /** The on-premises DN of each address. */
  dns: Map<string, string>;
  api(route: string, init?: RequestInit): Promise<Response>;
  restartHost(kill: boolean): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A whole staged-migration setting on loopback: the legacy Exchange (Dovecot with a master user
 * as the admin account, OpenLDAP as its Active Directory), Microsoft 365 (the sandbox, with the
 * users directory synchronisation made), and the app itself under the devhost.
 */
export interface MigrationLabOptions {
  mailboxes: LabMailbox[];
  incrementalSyncMinutes: number;
  extraSettings?: Record<string, string>;
  sandbox?: M365SandboxOptions;
  imapFaultProxy?: boolean;
  imapTarget?: boolean;
  storageFaultProxy?: boolean;
  radicale?: boolean;
}

export async function startMigrationLab(options: MigrationLabOptions): Promise<MigrationLab> {
  const folder = mkdtempSync(path.join(tmpdir(), 'migration-lab-'));
  // What has started is stopped again if a later step fails, so a failed setup leaves nothing behind.
  const started: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of started.splice(0).reverse()) await stop().catch(() => undefined); // the app first, then its servers
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    const dovecot = await startDovecot({
      users: options.mailboxes.filter((m) => !m.missingAtSource).map((m) => ({ name: m.address, password: randomBytes(6).toString('hex') })),
    });
    started.push(() => dovecot.stop());
    const proxy = options.imapFaultProxy ? await startImapFaultProxy({ upstream: { host: dovecot.host, port: dovecot.port } }) : undefined;
    if (proxy) started.push(() => proxy.stop());
    const target = options.imapTarget ? await startImapTarget(options.mailboxes, started) : undefined;
    const storageProxy = options.storageFaultProxy ? await startStorageFaultProxy({ connectionString: process.env.TEST_STORAGE_CONNECTION! }) : undefined;
    if (storageProxy) started.push(() => storageProxy.stop());
    const radicale = options.radicale ? await startLabRadicale(dovecot, options.mailboxes) : undefined;
    if (radicale) started.push(() => radicale.stop());
    const ldap = await startOpenLdap();
    started.push(() => ldap.stop());
    const sandbox = await startM365Sandbox({ tenant: { domain: TENANT_DOMAIN, onPremisesSyncEnabled: true }, ...options.sandbox });
    started.push(() => sandbox.stop());
    const dns = await addDirectoryUsers(ldap, sandbox, options.mailboxes);
    await seed(dovecot, options.mailboxes);
    const caFile = path.join(folder, 'sandbox-ca.pem');
    writeFileSync(caFile, sandbox.caCertificatePem!);
    const settings = {
      ...labSettings(sandbox, ldap, caFile, options),
      ...(target ? imapTargetSettings(target) : {}),
      ...(storageProxy ? { AzureWebJobsStorage: storageProxy.connectionString } : {}),
      ...options.extraSettings,
    };
    const appRoot = path.resolve(__dirname, '../..');
    let host = await startDevHost({ appRoot, settings });
    started.push(() => host.stop());
    return {
      dovecot,
      proxy,
      target,
      storageProxy,
      radicale,
      ldap,
      sandbox,
      settings,
      dns,
      get host() {
        return host;
      },
      api: (route, init = {}) => fetch(`${host.baseUrl}${route}`, { ...init, headers: { 'x-functions-key': host.functionKey, ...(init.headers ?? {}) } }),
      restartHost: async (kill) => {
        if (kill) await host.kill();
        else await host.stop();
        host = await startDevHost({ appRoot, settings });
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The on-premises users, and the cloud users Entra Connect makes of them; returns each address's DN. */
async function addDirectoryUsers(ldap: RunningOpenLdap, sandbox: M365Sandbox, mailboxes: LabMailbox[]): Promise<Map<string, string>> {
  const dns = new Map<string, string>();
  for (const [i, mailbox] of mailboxes.entries()) {
    dns.set(
      mailbox.address,
      (await ldap.addMailbox({ samAccountName: `user${i}`, primarySmtp: mailbox.address, mailboxGuid: mailbox.onPremisesGuid ?? true })).dn,
    );
    if (!mailbox.missingInCloud) {
      // As Entra Connect makes them: mail-enabled, no usage location, the routing address as a proxy.
      const alias = mailbox.address.replace(/@.*$/, '@contoso.mail.onmicrosoft.com');
      sandbox.addUser({
        userPrincipalName: mailbox.upn ?? mailbox.address,
        mail: mailbox.address,
        proxyAddresses: [`SMTP:${mailbox.address}`, `smtp:${alias}`],
        onPremisesSyncEnabled: true,
        ...(mailbox.cloudGuid ? { onPremisesExchangeGuid: randomUUID() } : {}),
      });
    }
  }
  sandbox.addUser({ userPrincipalName: ADMIN_MAILBOX, licensed: true });
  sandbox.addUser({ userPrincipalName: SENDER_MAILBOX, licensed: true });
  return dns;
}

async function startLabRadicale(dovecot: RunningDovecot, mailboxes: LabMailbox[]): Promise<RunningRadicale> {
  const master = dovecot.masterUser;
  return startRadicale({
    rights: 'authenticated',
    users: mailboxes.flatMap((m) => [
      { name: m.address, password: randomBytes(6).toString('hex') },
      { name: `${m.address}*${master.name}`, password: master.password },
    ]),
  });
}

/** The target Dovecot, with every lab user, behind its own fault proxy. */
async function startImapTarget(mailboxes: LabMailbox[], started: (() => Promise<void>)[]): Promise<{ dovecot: RunningDovecot; proxy: RunningImapFaultProxy }> {
  const dovecot = await startDovecot({ users: mailboxes.map((m) => ({ name: m.address, password: randomBytes(6).toString('hex') })) });
  started.push(() => dovecot.stop());
  const proxy = await startImapFaultProxy({ upstream: { host: dovecot.host, port: dovecot.port } });
  started.push(() => proxy.stop());
  return { dovecot, proxy };
}

/** The app copies to the target Dovecot as its master user, acting for each mailbox (`{user}*{admin}`). */
function imapTargetSettings(target: { dovecot: RunningDovecot; proxy: RunningImapFaultProxy }): Record<string, string> {
  return {
    MIGRATION_TARGET: 'imap',
    TARGET_IMAP_HOST: target.proxy.host,
    TARGET_IMAP_PORT: String(target.proxy.port),
    TARGET_IMAP_SECURITY: 'none',
    TARGET_IMAP_ALLOW_PLAINTEXT: 'true',
    TARGET_IMAP_ADMIN_USER: target.dovecot.masterUser.name,
    TARGET_IMAP_ADMIN_PASSWORD: target.dovecot.masterUser.password,
    TARGET_IMAP_ADMIN_LOGIN_FORMAT: '{user}*{admin}',
  };
}

function labSettings(sandbox: M365Sandbox, ldap: RunningOpenLdap, caFile: string, options: { incrementalSyncMinutes: number }): Record<string, string> {
  const prefix = `e${randomBytes(4).toString('hex')}`;
  return {
    AzureWebJobsStorage: process.env.TEST_STORAGE_CONNECTION!,
    TASKHUB_NAME: `hub${prefix}`,
    MIGRATION_STORAGE_PREFIX: prefix,
    MIGRATION_INTAKE_CONTAINER: `${prefix}-intake`,
    MIGRATION_PROCESSED_CONTAINER: `${prefix}-processed`,
    MIGRATION_REPORTS_CONTAINER: `${prefix}-reports`,
    NOTIFICATION_QUEUE: `${prefix}-outbox`,
    MIGRATION_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    GRAPH_TENANT_ID: sandbox.tenantId,
    GRAPH_CLIENT_ID: sandbox.clientId,
    GRAPH_CLIENT_SECRET: sandbox.clientSecret,
    GRAPH_BASE_URL: `${sandbox.origin}/`,
    GRAPH_AUTHORITY_HOST: sandbox.authorityHost,
    GRAPH_CA_CERTIFICATE_FILE: caFile,
    ONPREM_LDAP_URL: ldap.url,
    ONPREM_LDAP_BIND_DN: ldap.bindDn,
    ONPREM_LDAP_BIND_PASSWORD: ldap.bindPassword,
    ONPREM_LDAP_BASE_DN: ldap.baseDn,
    NOTIFICATION_SENDER: SENDER_MAILBOX,
    MIGRATION_INCREMENTAL_SYNC_MINUTES: String(options.incrementalSyncMinutes),
    // The lab's Dovecot listens without TLS on loopback: cleartext logins to it are allowed by name.
    MIGRATION_ALLOW_CLEARTEXT_HOSTS: '127.0.0.1',
    // Every lab mailbox is an Exchange 2007 mailbox with msExchMailboxGuid; the lab's Entra Connect
    // nulls it (the fix third-party migrations need), unless a test sets this back to 'synced'.
    ENTRA_CONNECT_MAILBOX_GUID: 'authoritativeNull',
  };
}

async function seed(dovecot: RunningDovecot, mailboxes: LabMailbox[]): Promise<void> {
  for (const [i, mailbox] of mailboxes.entries()) {
    if (mailbox.missingAtSource || (mailbox.messages === 0 && !mailbox.extraMessages?.length)) continue;
    const client = await connectImap(dovecot, `${mailbox.address}*${dovecot.masterUser.name}`, dovecot.masterUser.password);
    await seedMailbox(client, {
      messages: generateCorpus({ seed: 1000 + i, count: mailbox.messages, averageBytes: 3_000, folders: [['INBOX'], ['Sent'], ['Projects', '2007']] }),
    });
    for (const raw of mailbox.extraMessages ?? []) await client.append('INBOX', raw, ['\\Seen'], new Date('2007-03-01T09:00:00Z'));
    await client.logout();
  }
}

/**
 * Creates the legacy server's migration endpoint through the API, with the Dovecot master user as
 * the admin account (`{user}*{admin}`, as an Exchange admin acts for every mailbox).
 */
export async function createLabEndpoint(lab: MigrationLab, name: string, maxConcurrentMigrations: number, extra: { davUrl?: string } = {}): Promise<void> {
  const response = await lab.api('/api/endpoints', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name,
      host: '127.0.0.1',
      port: lab.proxy?.port ?? lab.dovecot.port,
      security: 'none',
      adminUserName: lab.dovecot.masterUser.name,
      adminLoginFormat: '{user}*{admin}',
      password: lab.dovecot.masterUser.password,
      maxConcurrentMigrations,
      ...extra,
    }),
  });
  if (response.status !== 201) throw new Error(`Creating the endpoint failed: ${response.status} ${await response.text()}`);
}

/** A batch's mailboxes as the API lists them (first page), typed as the test reads them. */
export async function labMailboxes<T>(lab: MigrationLab, batchId: string): Promise<T[]> {
  return ((await (await lab.api(`/api/batches/${batchId}/mailboxes`)).json()) as { value: T[] }).value;
}

/** A batch's status as the API shows it. */
export async function labBatchStatus(lab: MigrationLab, batchId: string): Promise<string> {
  return ((await (await lab.api(`/api/batches/${batchId}`)).json()) as { status: string }).status;
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs` saying what it waited for. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 150_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
