import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Attribute, Client, NoSuchObjectError } from 'ldapts';

import { createSelfSignedCert } from '../dovecot/createSelfSignedCert';
import { findFreePort } from '../net/findFreePort';
import { PortTakenError, retryWhenPortTaken } from '../net/retryWhenPortTaken';
import { ACTIVE_DIRECTORY_EXCHANGE_SCHEMA } from './activeDirectoryExchangeSchema';
import { renderSlapdConfig } from './renderSlapdConfig';
import { SLAPD_BINARY, spawnSlapd } from './spawnSlapd';
import { type MailboxSpec, toMailboxEntry } from './toMailboxEntry';
import { waitForListener } from './waitForListener';

export type { MailboxSpec } from './toMailboxEntry';

export interface StartOpenLdapOptions {
  /** Also listen on ldaps:// (a second port) with a fresh self-signed certificate. */
  tls?: boolean;
}

export interface RunningOpenLdap {
  /** `ldap://127.0.0.1:<port>` */
  url: string;
  /** `ldaps://127.0.0.1:<port>` and the certificate to trust, when started with `tls: true`. */
  tls?: { url: string; caPem: string };
  baseDn: string;
  /** Where addMailbox() creates users (`OU=Users,<baseDn>`). */
  usersDn: string;
  /** The migration service account: reads the directory, writes only under usersDn. */
  bindDn: string;
  bindPassword: string;
  /** Creates an Exchange 2007 mailbox user `CN=<samAccountName>,<usersDn>`; returns its DN. */
  addMailbox(spec: MailboxSpec): Promise<{ dn: string }>;
  /**
   * Every user and operational attribute of an entry, read as the directory manager (so the
   * service account's ACL cannot hide anything); binary attributes as lowercase hex.
   */
  readEntry(dn: string): Promise<Record<string, string[]> | undefined>;
  /** The slapd process id and its temporary folder, so tests can check that stop() leaves nothing behind. */
  pid: number;
  dataDir: string;
  stop(): Promise<void>;
}

const BASE_DN = 'DC=contoso,DC=local';
const USERS_DN = `OU=Users,${BASE_DN}`;
const SERVICE_DN = `CN=svc-migration,OU=Service Accounts,${BASE_DN}`;
const ROOT_DN = `CN=Directory Manager,${BASE_DN}`;
const BINARY_ATTRIBUTES = ['msExchMailboxGuid', 'msExchMailboxSecurityDescriptor'];
/** Generous for a loaded 2-core machine; a slapd that fails (a bad config) is reported at once. */
const START_TIMEOUT_MS = 60_000;
/** Per LDAP operation of the tool's own client; slapd answers in milliseconds unless the machine is very busy. */
const OPERATION_TIMEOUT_MS = 30_000;

/**
 * Starts a private OpenLDAP (Debian `slapd`) on 127.0.0.1 and a free port, with its slapd.conf,
 * the Active Directory / Exchange schema slice and an mdb database in one temporary folder.
 * slapd runs in the foreground as a child of this process, tethered to it (see spawnSlapd), so
 * stop(), or this process dying by any means, ends it; stop() (or the tether) also removes the folder. The tree holds `OU=Users` and
 * `OU=Service Accounts` with the service account. Starting takes about 0.1 s.
 */
export async function startOpenLdap(options: StartOpenLdapOptions = {}): Promise<RunningOpenLdap> {
  if (!existsSync(SLAPD_BINARY)) {
    throw new Error('OpenLDAP is not installed: apt-get install -y --no-install-recommends slapd ldap-utils');
  }
  return retryWhenPortTaken(() => startOnce(options));
}

async function startOnce(options: StartOpenLdapOptions): Promise<RunningOpenLdap> {
  const root = await mkdtemp(join(tmpdir(), 'openldap-'));
  await chmod(root, 0o700);
  await mkdir(join(root, 'db'));
  const rootPassword = randomBytes(12).toString('base64url');
  const schemaPath = join(root, 'activeDirectoryExchange.schema');
  await writeFile(schemaPath, ACTIVE_DIRECTORY_EXCHANGE_SCHEMA);
  const bindPassword = randomBytes(12).toString('base64url');
  const cert = options.tls ? await createSelfSignedCert(root) : undefined;
  const configPath = join(root, 'slapd.conf');
  await writeFile(
    configPath,
    renderSlapdConfig({
      root,
      schemaPath,
      baseDn: BASE_DN,
      rootDn: ROOT_DN,
      rootPassword,
      serviceDn: SERVICE_DN,
      writableDn: USERS_DN,
      tls: cert,
    }),
    { mode: 0o600 },
  );

  const port = await findFreePort();
  const tlsPort = cert ? await findFreePort() : 0;
  const url = `ldap://127.0.0.1:${port}`;
  const tlsUrl = `ldaps://127.0.0.1:${tlsPort}`;
  const slapd = spawnSlapd(configPath, cert ? [`${url}/`, `${tlsUrl}/`] : [`${url}/`], root);
  const stop = async (): Promise<void> => {
    await slapd.kill();
    await rm(root, { recursive: true, force: true });
  };

  const asManager = (): Promise<Client> => bound(url, ROOT_DN, rootPassword);
  try {
    await waitForListener(port, slapd.exited, START_TIMEOUT_MS);
    if (cert) await waitForListener(tlsPort, slapd.exited, START_TIMEOUT_MS);
    await withClient(await asManager(), (client) => seedTree(client, bindPassword));
  } catch (error) {
    await stop();
    if (/Address already in use|errno=98/.test(slapd.output())) throw new PortTakenError(slapd.output());
    throw new Error(`slapd did not start: ${(error as Error).message}\n${slapd.output()}`.trim());
  }

  return {
    url,
    tls: cert ? { url: tlsUrl, caPem: cert.certPem } : undefined,
    baseDn: BASE_DN,
    usersDn: USERS_DN,
    bindDn: SERVICE_DN,
    bindPassword,
    pid: slapd.pid,
    dataDir: root,
    addMailbox: async (spec) => {
      const dn = `CN=${spec.samAccountName},${USERS_DN}`;
      const entry = toMailboxEntry(spec, `CN=Configuration,${BASE_DN}`);
      const attributes = Object.entries(entry).map(([type, values]) => new Attribute({ type, values }));
      await withClient(await asManager(), (client) => client.add(dn, attributes));
      return { dn };
    },
    readEntry: async (dn) => withClient(await asManager(), (client) => readAll(client, dn)),
    stop,
  };
}

/** The base entry, the two containers and the service account, written as the directory manager. */
async function seedTree(client: Client, bindPassword: string): Promise<void> {
  await client.add(BASE_DN, { objectClass: ['top', 'dcObject', 'organization'], dc: 'contoso', o: 'Contoso' });
  await client.add(USERS_DN, { objectClass: ['top', 'organizationalUnit'], ou: 'Users' });
  await client.add(`OU=Service Accounts,${BASE_DN}`, { objectClass: ['top', 'organizationalUnit'], ou: 'Service Accounts' });
  await client.add(SERVICE_DN, {
    objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'],
    cn: 'svc-migration',
    sn: 'svc-migration',
    userPassword: bindPassword,
  });
}

async function readAll(client: Client, dn: string): Promise<Record<string, string[]> | undefined> {
  try {
    const { searchEntries } = await client.search(dn, {
      scope: 'base',
      attributes: ['*', '+'],
      explicitBufferAttributes: BINARY_ATTRIBUTES,
    });
    const entry = searchEntries[0];
    if (!entry) return undefined;
    const result: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(entry)) {
      if (name === 'dn') continue;
      const values = Array.isArray(value) ? value : [value];
      result[name] = values.map((v) => (Buffer.isBuffer(v) ? v.toString('hex') : v));
    }
    return result;
  } catch (error) {
    if (error instanceof NoSuchObjectError) return undefined;
    throw error;
  }
}

async function bound(url: string, dn: string, password: string): Promise<Client> {
  const client = new Client({ url, timeout: OPERATION_TIMEOUT_MS, connectTimeout: OPERATION_TIMEOUT_MS });
  try {
    await client.bind(dn, password);
    return client;
  } catch (error) {
    await client.unbind().catch(() => undefined);
    throw error;
  }
}

async function withClient<T>(client: Client, work: (client: Client) => Promise<T>): Promise<T> {
  try {
    return await work(client);
  } finally {
    await client.unbind();
  }
}
