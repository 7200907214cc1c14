import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { type RunningAzurite, startAzurite } from '../azurite/startAzurite';
import { seedMailbox } from '../corpus/seedMailbox';
import { type RunningDovecot, startDovecot } from '../dovecot/startDovecot';
import { type M365Sandbox, startM365Sandbox } from '../m365-sandbox';
import { type RunningOpenLdap, startOpenLdap } from '../openldap/startOpenLdap';
import type { Shutdown } from '../process/exitOnSignals';
import { seedDav } from '../radicale/seedDav';
import { type RunningRadicale, startRadicale } from '../radicale/startRadicale';
import { ImapFlow } from 'imapflow';
import { demoGroupware } from './demoGroupware';
import { DEMO_TENANT_DOMAIN, type DemoPerson, demoMessages } from './demoOrganisation';

export interface DemoServers {
  azurite: RunningAzurite;
  dovecot: RunningDovecot;
  ldap: RunningOpenLdap;
  /** The legacy groupware (CalDAV/CardDAV): each person's address book and calendar. */
  radicale: RunningRadicale;
  /** The endpoint's DAV URL template for Radicale, `http://127.0.0.1:<port>/{user}/`. */
  davUrl: string;
  sandbox: M365Sandbox;
  caFile: string;
  messages: number;
  contacts: number;
  events: number;
  stop(): Promise<void>;
}

export const DEMO_ADMIN = `admin@${DEMO_TENANT_DOMAIN}`;
export const DEMO_SENDER = `migration@${DEMO_TENANT_DOMAIN}`;

/**
 * Mailboxes seeded at once, one IMAP connection each: Dovecot appends in its own processes, so a
 * few connections keep both cores busy. 300 mailboxes of 10 messages on the 2-core machine, shared
 * with other work: 36 s one at a time, 22 s four at a time, 20 s eight at a time.
 */
const SEEDING_CONNECTIONS = 4;

/**
 * The demo's world on loopback: Azurite (its data in the data folder), the legacy Exchange as a
 * Dovecot with a master user for the migration account and an OpenLDAP as its Active Directory,
 * its contacts and calendars as a Radicale (CalDAV/CardDAV) that the same master user's login
 * reads, and Microsoft 365 as the sandbox (its state in the data folder), with directory
 * synchronisation's users already there. Dovecot, slapd and Radicale run from temporary folders:
 * Dovecot and slapd drop privileges and need paths every user can reach.
 */
export async function startDemoServers(
  dataDir: string,
  people: DemoPerson[],
  messagesPerPerson: number,
  say: (line: string) => void,
  shutdown: Shutdown,
): Promise<DemoServers> {
  // Whatever started is stopped, all at once, if a later step fails or a signal comes while
  // starting, so a failed or interrupted start leaves nothing running.
  const started = new StartedServers();
  shutdown.onStop(() => started.stopAll());
  try {
    return await startAll(dataDir, people, messagesPerPerson, say, started, shutdown.signal);
  } catch (error) {
    await started.stopAll();
    throw error;
  }
}

async function startAll(
  dataDir: string,
  people: DemoPerson[],
  messagesPerPerson: number,
  say: (line: string) => void,
  started: StartedServers,
  signal: AbortSignal,
): Promise<DemoServers> {
  const azurite = await startAzurite({ location: path.join(dataDir, 'azurite') });
  await started.add(() => azurite.stop());
  say(`Azurite (storage) on ports ${azurite.ports.blob}-${azurite.ports.table}`);
  const dovecot = await startDovecot({ users: people.map((p) => ({ name: p.address, password: 'not-used-the-admin-logs-in' })) });
  await started.add(() => dovecot.stop());
  say(`Legacy mail server (Dovecot IMAP) on 127.0.0.1:${dovecot.port}`);
  const radicale = await startDemoRadicale(dovecot, people);
  await started.add(() => radicale.stop());
  const davUrl = `${radicale.url}{user}/`;
  say(`Legacy contacts and calendars (Radicale CalDAV/CardDAV) at ${radicale.url}`);
  const ldap = await startOpenLdap();
  await started.add(() => ldap.stop());
  say(`On-premises directory (OpenLDAP) at ${ldap.url}`);
  const sandbox = await startM365Sandbox({ persistDir: path.join(dataDir, 'm365'), tenant: { domain: DEMO_TENANT_DOMAIN, onPremisesSyncEnabled: true } });
  await started.add(() => sandbox.stop());
  say(`Microsoft 365 (sandbox tenant) at ${sandbox.origin}`);
  const caFile = path.join(dataDir, 'm365-sandbox-ca.pem');
  writeFileSync(caFile, sandbox.caCertificatePem!);
  say(`Seeding ${people.length} legacy mailboxes...`);
  let messages = 0;
  let contacts = 0;
  let events = 0;
  await forEachPerson(people, signal, async (person, i) => {
    await ldap.addMailbox({ samAccountName: person.samAccountName, primarySmtp: person.address });
    const routing = person.address.replace(/@.*$/, `@contoso.mail.onmicrosoft.com`);
    sandbox.addUser({
      userPrincipalName: person.address,
      displayName: person.displayName,
      proxyAddresses: [`SMTP:${person.address}`, `smtp:${routing}`],
      onPremisesSyncEnabled: true,
    });
    const client = new ImapFlow({
      host: dovecot.host,
      port: dovecot.port,
      secure: false,
      doSTARTTLS: false,
      logger: false,
      auth: { user: `${person.address}*${dovecot.masterUser.name}`, pass: dovecot.masterUser.password },
    });
    client.on('error', () => undefined);
    await client.connect();
    try {
      // Not `messages += await ...`: that reads the total before the await and loses other workers' counts.
      const { appended } = await seedMailbox(client, { messages: demoMessages(i, messagesPerPerson) });
      messages += appended;
      await client.logout();
    } finally {
      client.close();
    }
    // The person's own login creates their address book and calendar, as their groupware client did.
    const seeded = await seedDav(radicale.account(person.address), demoGroupware(people, i));
    contacts += seeded.addressBooks.reduce((n, book) => n + book.items.length, 0);
    events += seeded.calendars.reduce((n, calendar) => n + calendar.items.length, 0);
  });
  sandbox.addUser({ userPrincipalName: DEMO_ADMIN, displayName: 'Migration administrator', licensed: true });
  sandbox.addUser({ userPrincipalName: DEMO_SENDER, displayName: 'Staged migration', licensed: true });
  say(`Seeded ${people.length} legacy mailboxes with ${messages} messages, ${contacts} contacts and ${events} events`);
  return { azurite, dovecot, ldap, radicale, davUrl, sandbox, caFile, messages, contacts, events, stop: () => started.stopAll() };
}

/**
 * Radicale with each person's own login (to seed their collections) and, for each person, the
 * login the migration uses: `<address>*<master user>` with the master password, as Dovecot takes
 * it. `rights: 'authenticated'` lets that login read the person's collections, as a groupware
 * server's admin account reads every user's.
 */
function startDemoRadicale(dovecot: RunningDovecot, people: DemoPerson[]): Promise<RunningRadicale> {
  const master = dovecot.masterUser;
  return startRadicale({
    rights: 'authenticated',
    users: people.flatMap((p) => [
      { name: p.address, password: randomBytes(12).toString('hex') },
      { name: `${p.address}*${master.name}`, password: master.password },
    ]),
  });
}

/**
 * Runs `seed` for every person, SEEDING_CONNECTIONS at a time; stops taking new people once
 * `signal` is aborted (Ctrl+C while seeding) and rejects with its reason.
 */
async function forEachPerson(people: DemoPerson[], signal: AbortSignal, seed: (person: DemoPerson, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < people.length; i = next++) {
      signal.throwIfAborted();
      await seed(people[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SEEDING_CONNECTIONS, people.length) }, worker));
}

/** The stops of the servers started so far, run all at once (they do not depend on each other). */
class StartedServers {
  private readonly stops: (() => Promise<void>)[] = [];
  private stopping: Promise<void> | undefined;

  /** Records a server's stop; a server that finished starting after stopAll() began is stopped at once. */
  async add(stop: () => Promise<void>): Promise<void> {
    if (!this.stopping) {
      this.stops.push(stop);
      return;
    }
    await stop();
    throw new Error('The demo was stopped while it was starting.');
  }

  stopAll(): Promise<void> {
    this.stopping ??= Promise.all(this.stops.map((stop) => stop().catch(() => undefined))).then(() => undefined);
    return this.stopping;
  }
}
