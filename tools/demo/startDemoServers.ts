import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { type RunningAzurite, startAzurite } from '../azurite/startAzurite';
import { seedMailbox } from '../corpus/seedMailbox';
import { type RunningDovecot, startDovecot } from '../dovecot/startDovecot';
import { type M365Sandbox, startM365Sandbox } from '../m365-sandbox';
import { type RunningOpenLdap, startOpenLdap } from '../openldap/startOpenLdap';
import { ImapFlow } from 'imapflow';
import { DEMO_TENANT_DOMAIN, type DemoPerson, demoMessages } from './demoOrganisation';

export interface DemoServers {
  azurite: RunningAzurite;
  dovecot: RunningDovecot;
  ldap: RunningOpenLdap;
  sandbox: M365Sandbox;
  caFile: string;
  messages: number;
  stop(): Promise<void>;
}

export const DEMO_ADMIN = `admin@${DEMO_TENANT_DOMAIN}`;
export const DEMO_SENDER = `migration@${DEMO_TENANT_DOMAIN}`;

/**
 * The demo's world on loopback: Azurite (its data in the data folder), the legacy Exchange as a
 * Dovecot with a master user for the migration account and an OpenLDAP as its Active Directory,
 * and Microsoft 365 as the sandbox (its state in the data folder), with directory
 * synchronisation's users already there. Dovecot and slapd run from temporary folders: they drop
 * privileges and need paths every user can reach.
 */
export async function startDemoServers(dataDir: string, people: DemoPerson[], messagesPerPerson: number, say: (line: string) => void): Promise<DemoServers> {
  // Whatever started is stopped again if a later step fails, so a failed start leaves nothing running.
  const started: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of started.reverse()) await stop().catch(() => undefined);
  };
  try {
    return await startAll(dataDir, people, messagesPerPerson, say, started, stopAll);
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function startAll(dataDir: string, people: DemoPerson[], messagesPerPerson: number, say: (line: string) => void, started: (() => Promise<void>)[], stopAll: () => Promise<void>): Promise<DemoServers> {
  const azurite = await startAzurite({ location: path.join(dataDir, 'azurite') });
  started.push(() => azurite.stop());
  say(`Azurite (storage) on ports ${azurite.ports.blob}-${azurite.ports.table}`);
  const dovecot = await startDovecot({ users: people.map((p) => ({ name: p.address, password: 'not-used-the-admin-logs-in' })) });
  started.push(() => dovecot.stop());
  say(`Legacy mail server (Dovecot IMAP) on 127.0.0.1:${dovecot.port}`);
  const ldap = await startOpenLdap();
  started.push(() => ldap.stop());
  say(`On-premises directory (OpenLDAP) at ${ldap.url}`);
  const sandbox = await startM365Sandbox({ persistDir: path.join(dataDir, 'm365'), tenant: { domain: DEMO_TENANT_DOMAIN, onPremisesSyncEnabled: true } });
  started.push(() => sandbox.stop());
  say(`Microsoft 365 (sandbox tenant) at ${sandbox.origin}`);
  const caFile = path.join(dataDir, 'm365-sandbox-ca.pem');
  writeFileSync(caFile, sandbox.caCertificatePem!);
  let messages = 0;
  for (const [i, person] of people.entries()) {
    await ldap.addMailbox({ samAccountName: person.samAccountName, primarySmtp: person.address });
    const routing = person.address.replace(/@.*$/, `@contoso.mail.onmicrosoft.com`);
    sandbox.addUser({ userPrincipalName: person.address, displayName: person.displayName, proxyAddresses: [`SMTP:${person.address}`, `smtp:${routing}`], onPremisesSyncEnabled: true });
    const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, doSTARTTLS: false, logger: false, auth: { user: `${person.address}*${dovecot.masterUser.name}`, pass: dovecot.masterUser.password } });
    client.on('error', () => undefined);
    await client.connect();
    messages += (await seedMailbox(client, { messages: demoMessages(i, messagesPerPerson) })).appended;
    await client.logout();
  }
  sandbox.addUser({ userPrincipalName: DEMO_ADMIN, displayName: 'Migration administrator', licensed: true });
  sandbox.addUser({ userPrincipalName: DEMO_SENDER, displayName: 'Staged migration', licensed: true });
  say(`Seeded ${people.length} legacy mailboxes with ${messages} messages`);
  return { azurite, dovecot, ldap, sandbox, caFile, messages, stop: stopAll };
}
