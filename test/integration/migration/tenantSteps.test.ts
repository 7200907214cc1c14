import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildServices, type Services } from '../../../src/compositionRoot';
import { NO_DIRECTORY_CHOSEN } from '../../../src/services/migration/batchSteps';
import { readConfig } from '../../../src/config';
import { endpointInputSchema } from '../../../src/core/endpoint/migrationEndpoint';
import { toMailboxKey } from '../../../src/core/mailbox/mailboxKey';
import { EXCHANGE_ONLINE_PLAN_1_SKU, type M365Sandbox, type M365SandboxOptions, startM365Sandbox } from '../../../tools/m365-sandbox';
import { type RunningDovecot, startDovecot } from '../../../tools/dovecot/startDovecot';
import { type RunningOpenLdap, startOpenLdap } from '../../../tools/openldap/startOpenLdap';
import { useAppTestEnvironment } from '../../support/appTestEnvironment';

/**
 * Issue 10, the tenant side of a staged migration against the sandbox and a real OpenLDAP: preflight
 * (permissions, synced ExchangeGuid, users found by their addresses) and provisioning (usage location,
 * licence, CSV password, waiting for the mailbox), through the services the activities call.
 */
useAppTestEnvironment();
jest.setTimeout(180_000);

const DOMAIN = 'contoso.com';
let ldap: RunningOpenLdap;
let dovecot: RunningDovecot;
const sandboxes: M365Sandbox[] = [];
const folder = mkdtempSync(path.join(tmpdir(), 'tenant-steps-'));
let userCount = 0;

const SOURCE_USERS = Array.from({ length: 30 }, (_, i) => `u${i}@${DOMAIN}`);

beforeAll(async () => {
  [ldap, dovecot] = await Promise.all([startOpenLdap(), startDovecot({ users: SOURCE_USERS.map((name) => ({ name, password: 'unused' })) })]);
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([ldap?.stop(), dovecot?.stop(), ...sandboxes.map((s) => s.stop())]);
  rmSync(folder, { recursive: true, force: true });
});

interface Person {
  address: string;
  dn: string;
  userId: string;
}

interface World {
  sandbox: M365Sandbox;
  services: Services;
  /** An on-premises user with a synced cloud user, as Entra Connect makes them. */
  person(options?: { onPremisesGuid?: boolean; cloudGuid?: boolean; upn?: string }): Promise<Person>;
  batch(csv: string, options?: { usageLocation?: string; notify?: string[] }): Promise<string>;
}

async function world(options: { sandbox?: M365SandboxOptions; settings?: Record<string, string>; endpoint?: Record<string, unknown> } = {}): Promise<World> {
  const sandbox = await startM365Sandbox({
    tenant: { domain: 'contoso.onmicrosoft.com', onPremisesSyncEnabled: true, countryLetterCode: 'NL' },
    ...options.sandbox,
  });
  sandboxes.push(sandbox);
  const caFile = path.join(folder, `ca-${sandboxes.length}.pem`);
  writeFileSync(caFile, sandbox.caCertificatePem!);
  Object.assign(process.env, {
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
    ENTRA_CONNECT_MAILBOX_GUID: 'synced',
    MIGRATION_MAILBOX_WAIT_MINUTES: '1440',
    MIGRATION_ALLOW_CLEARTEXT_HOSTS: '127.0.0.1',
    ...options.settings,
  });
  const services = buildServices(readConfig());
  const endpointName = `ep${randomBytes(3).toString('hex')}`;
  const created = await services.endpoints.create(
    endpointInputSchema.parse({
      name: endpointName,
      host: '127.0.0.1',
      port: dovecot.port,
      security: 'none',
      adminUserName: dovecot.masterUser.name,
      adminLoginFormat: '{user}*{admin}',
      password: dovecot.masterUser.password,
      ...options.endpoint,
    }),
    new Date().toISOString(),
  );
  expect(created.ok).toBe(true);
  return {
    sandbox,
    services,
    person: async (person = {}) => {
      const address = SOURCE_USERS[userCount]!;
      userCount += 1;
      const { dn } = await ldap.addMailbox({ samAccountName: `tenant${userCount}`, primarySmtp: address, mailboxGuid: person.onPremisesGuid ?? true });
      const user = sandbox.addUser({
        userPrincipalName: person.upn ?? address,
        mail: address,
        proxyAddresses: [`SMTP:${address}`, `smtp:${address.replace('@', '@contoso.mail.onmicrosoft.')}`],
        onPremisesSyncEnabled: true,
        ...(person.cloudGuid ? { onPremisesExchangeGuid: '1b2c3d4e-0000-4000-8000-00000000f00d' } : {}),
      });
      return { address, dn, userId: user.id };
    },
    batch: async (csv, batchOptions = {}) => {
      const name = `b${randomBytes(4).toString('hex')}`;
      const result = await services.intake.takeIn({
        name,
        endpointName,
        csv: Buffer.from(csv),
        source: 'http',
        notify: (batchOptions.notify ?? []).join(','),
        autoStart: false,
        now: new Date().toISOString(),
        ...(batchOptions.usageLocation ? { usageLocation: batchOptions.usageLocation } : {}),
      });
      if (!result.ok) throw new Error(JSON.stringify(result.errors));
      return result.batch.id;
    },
  };
}

async function mailbox(services: Services, batchId: string, address: string) {
  return (await services.mailboxes.get(batchId, toMailboxKey(address)))!.mailbox;
}

describe('preflight', () => {
  it('fails a staged batch when no on-premises directory is configured and none was chosen, and passes once ONPREM_DIRECTORY=none says so', async () => {
    const w = await world();
    const ann = await w.person({ onPremisesGuid: false });
    const batchId = await w.batch(`EmailAddress\n${ann.address}\n`);
    const saved = { ...process.env };
    try {
      for (const name of ['ONPREM_LDAP_URL', 'ONPREM_LDAP_BIND_DN', 'ONPREM_LDAP_BIND_PASSWORD', 'ONPREM_LDAP_BASE_DN']) delete process.env[name];
      const unchosen = await buildServices(readConfig()).batchSteps.preflight(batchId, new Date().toISOString());
      expect(unchosen).toMatchObject({ ok: false, reason: NO_DIRECTORY_CHOSEN });
      process.env.ONPREM_DIRECTORY = 'none';
      expect(await buildServices(readConfig()).batchSteps.preflight(batchId, new Date().toISOString())).toMatchObject({ ok: true, failed: 0 });
      process.env.ONPREM_DIRECTORY = 'maybe';
      expect(() => readConfig()).toThrow('ONPREM_DIRECTORY must be ldap or none, not "maybe".');
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    }
  });

  it('fails the whole batch naming the application permission the app registration lacks', async () => {
    const w = await world({ sandbox: { app: { roles: ['User.ReadWrite.All', 'Organization.Read.All', 'Mail.Send'], directoryRoles: [] } } });
    const ann = await w.person({ onPremisesGuid: false });
    const batchId = await w.batch(`EmailAddress\n${ann.address}\n`);
    const result = await w.services.batchSteps.preflight(batchId, new Date().toISOString());
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(/lacks the Microsoft Graph application permission Mail\.ReadWrite \(to create folders, messages and attachments/);
    expect(result.reason).toMatch(/grant admin consent/);
  });

  it('asks for Contacts.ReadWrite and Calendars.ReadWrite only when the endpoint moves contacts and calendars', async () => {
    const roles = ['User.ReadWrite.All', 'Organization.Read.All', 'Mail.ReadWrite', 'Mail.Send'];
    const mailOnly = await world({ sandbox: { app: { roles, directoryRoles: [] } } });
    const bob = await mailOnly.person({ onPremisesGuid: false });
    expect(await mailOnly.services.batchSteps.preflight(await mailOnly.batch(`EmailAddress\n${bob.address}\n`), new Date().toISOString())).toMatchObject({
      ok: true,
    });
    const groupware = await world({ sandbox: { app: { roles, directoryRoles: [] } }, endpoint: { davUrl: 'https://dav.contoso.com/dav/{user}/' } });
    const ann = await groupware.person({ onPremisesGuid: false });
    const result = await groupware.services.batchSteps.preflight(await groupware.batch(`EmailAddress\n${ann.address}\n`), new Date().toISOString());
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(/Contacts\.ReadWrite \(to create contact folders and contacts.*Calendars\.ReadWrite \(to create calendars and events/);
  });

  it('fails a row whose synced ExchangeGuid keeps Exchange Online from ever creating the mailbox, with the fix, and changes nothing for it', async () => {
    const w = await world();
    const synced = await w.person({ onPremisesGuid: true, cloudGuid: true });
    const imapOnly = await w.person({ onPremisesGuid: false });
    const batchId = await w.batch(`EmailAddress\n${synced.address}\n${imapOnly.address}\n`);
    const result = await w.services.batchSteps.preflight(batchId, new Date().toISOString());
    expect(result).toMatchObject({ ok: true, eligible: [toMailboxKey(imapOnly.address)], failed: 1 });
    const failed = await mailbox(w.services, batchId, synced.address);
    expect(failed).toMatchObject({ status: 'Failed', statusDetail: 'FailedPreflight' });
    expect(failed.error).toContain("Entra Connect syncs this user's on-premises msExchMailboxGuid");
    expect(failed.error).toContain('AuthoritativeNull');
    expect(failed.error).toContain('Start-ADSyncSyncCycle -PolicyType Initial');
    expect(failed.error).toContain('https://www.codetwo.com/kb/msexchmailboxguid-problems/');
    expect(w.sandbox.store.findUser(synced.userId).assignedLicenses).toEqual([]);
    expect((await ldap.readEntry(synced.dn))?.targetAddress).toBeUndefined();
  });

  it('lets the same row through once Entra Connect is set to null the attribute', async () => {
    const w = await world({ settings: { ENTRA_CONNECT_MAILBOX_GUID: 'authoritativeNull' } });
    const fixed = await w.person({ onPremisesGuid: true });
    const batchId = await w.batch(`EmailAddress\n${fixed.address}\n`);
    expect(await w.services.batchSteps.preflight(batchId, new Date().toISOString())).toMatchObject({ ok: true, failed: 0 });
  });

  it('finds a user whose user principal name differs from the address, by proxyAddresses', async () => {
    const w = await world({ settings: { ENTRA_CONNECT_MAILBOX_GUID: 'authoritativeNull' } });
    const person = await w.person({ upn: 'first.last.7@contoso.onmicrosoft.com' });
    const batchId = await w.batch(`EmailAddress\n${person.address}\n`);
    expect(await w.services.batchSteps.preflight(batchId, new Date().toISOString())).toMatchObject({ ok: true, failed: 0 });
    expect((await mailbox(w.services, batchId, person.address)).targetUserId).toBe(person.userId);
  });
});

describe('provisioning', () => {
  it('sets the usage location before the licence: the CSV value, else the batch value, else the tenant country', async () => {
    const w = await world({ settings: { ENTRA_CONNECT_MAILBOX_GUID: 'authoritativeNull' } });
    const [de, fr, nl] = [await w.person(), await w.person(), await w.person()];
    const withCsvAndBatch = await w.batch(`EmailAddress,UsageLocation\n${de.address},de\n${fr.address},\n`, { usageLocation: 'FR' });
    const plain = await w.batch(`EmailAddress\n${nl.address}\n`);
    for (const [batchId, person] of [
      [withCsvAndBatch, de],
      [withCsvAndBatch, fr],
      [plain, nl],
    ] as const) {
      await w.services.batchSteps.preflight(batchId, new Date().toISOString());
      expect(await w.services.provisioningSteps.provision({ batchId, mailboxKey: toMailboxKey(person.address) }, new Date().toISOString())).toEqual({
        state: 'ready',
      });
    }
    const user = (p: Person) => w.sandbox.store.findUser(p.userId);
    expect([user(de).usageLocation, user(fr).usageLocation, user(nl).usageLocation]).toEqual(['DE', 'FR', 'NL']);
    expect([de, fr, nl].every((p) => user(p).assignedLicenses.some((l) => l.skuId === EXCHANGE_ONLINE_PLAN_1_SKU))).toBe(true);
  });

  it('waits for a mailbox Exchange Online has not provisioned yet, showing it, and goes on once it answers', async () => {
    const w = await world({ sandbox: { mailboxProvisioningDelayMs: 3_000 }, settings: { ENTRA_CONNECT_MAILBOX_GUID: 'authoritativeNull' } });
    const person = await w.person();
    const batchId = await w.batch(`EmailAddress\n${person.address}\n`);
    await w.services.batchSteps.preflight(batchId, new Date().toISOString());
    const ref = { batchId, mailboxKey: toMailboxKey(person.address) };
    const first = await w.services.provisioningSteps.provision(ref, new Date().toISOString());
    expect(first).toMatchObject({ state: 'waiting' });
    expect((await mailbox(w.services, batchId, person.address)).statusDetail).toBe('Waiting for the Exchange Online mailbox');
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(await w.services.provisioningSteps.provision(ref, new Date().toISOString())).toEqual({ state: 'ready' });
    expect((await mailbox(w.services, batchId, person.address)).statusDetail).toBeUndefined();
  });

  it('gives up once the wait limit has passed, with a sentence naming the likely cause and the fix', async () => {
    const w = await world({ settings: { ENTRA_CONNECT_MAILBOX_GUID: 'authoritativeNull', MIGRATION_MAILBOX_WAIT_MINUTES: '0.02' } });
    const person = await w.person({ cloudGuid: true }); // the setting says nulled, but this user's GUID did reach the cloud
    const batchId = await w.batch(`EmailAddress\n${person.address}\n`);
    await w.services.batchSteps.preflight(batchId, new Date().toISOString());
    const ref = { batchId, mailboxKey: toMailboxKey(person.address) };
    expect(await w.services.provisioningSteps.provision(ref, new Date().toISOString())).toMatchObject({ state: 'waiting' });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await expect(w.services.provisioningSteps.provision(ref, new Date().toISOString())).rejects.toThrow(
      /did not appear within 0\.02 minutes of its licence[\s\S]*AuthoritativeNull/,
    );
  });

  it('sets the CSV password through passwordProfile and erases it; without the User Administrator role says what to grant', async () => {
    const w = await world({ settings: { ENTRA_CONNECT_MAILBOX_GUID: 'authoritativeNull' } });
    const [ann, bob] = [await w.person(), await w.person()];
    const batchId = await w.batch(`EmailAddress,Password,ForceChangePassword\n${ann.address},Cl0ud!Pass1,True\n${bob.address},Cl0ud!Pass2,False\n`);
    await w.services.batchSteps.preflight(batchId, new Date().toISOString());
    expect(await w.services.provisioningSteps.provision({ batchId, mailboxKey: toMailboxKey(ann.address) }, new Date().toISOString())).toEqual({
      state: 'ready',
    });
    expect(w.sandbox.passwordMatches(ann.userId, 'Cl0ud!Pass1')).toBe(true);
    expect(w.sandbox.store.findUser(ann.userId).passwordProfile?.forceChangePasswordNextSignIn).toBe(true);
    expect(await w.services.stores.mailboxSecrets.read(batchId, toMailboxKey(ann.address))).toBeUndefined();

    w.sandbox.setAppPermissions({ directoryRoles: [] });
    await expect(w.services.provisioningSteps.provision({ batchId, mailboxKey: toMailboxKey(bob.address) }, new Date().toISOString())).rejects.toThrow(
      /refused to set the password from the CSV \(403 Insufficient privileges\)[\s\S]*"User Administrator" role/,
    );
    expect(w.sandbox.passwordMatches(bob.userId, 'Cl0ud!Pass2')).toBe(false);
  });
});
