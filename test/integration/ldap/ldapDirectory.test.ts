import { createServer, type Server, type Socket } from 'node:net';

import { LdapDirectory } from '../../../src/connectors/ldap/ldapDirectory';
import { MigrationError } from '../../../src/core/errors/migrationError';
import { type RunningOpenLdap, startOpenLdap } from '../../../tools/openldap/startOpenLdap';

const CLOUD = 'contoso.mail.onmicrosoft.com';

/** The MigrationError a call rejects with (fails the test if it resolves). */
async function rejectionOf(call: Promise<unknown>): Promise<MigrationError> {
  const error: unknown = await call.then(
    () => new Error('expected the call to fail'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(MigrationError);
  return error as MigrationError;
}

describe('LdapDirectory against OpenLDAP', () => {
  let ldap: RunningOpenLdap;
  let directory: LdapDirectory;

  beforeAll(async () => {
    ldap = await startOpenLdap();
    directory = new LdapDirectory({ url: ldap.url, bindDn: ldap.bindDn, bindPassword: ldap.bindPassword, baseDn: ldap.baseDn });
  });
  afterAll(async () => ldap?.stop());

  describe('findUserByPrimarySmtp', () => {
    it('finds a mailbox user by its primary SMTP address, whatever the case', async () => {
      const { dn } = await ldap.addMailbox({ samAccountName: 'alice', primarySmtp: 'alice@contoso.local', secondarySmtp: ['a.smith@contoso.local'] });
      const user = await directory.findUserByPrimarySmtp('Alice@Contoso.LOCAL');
      expect(user).toEqual({
        dn: expect.stringMatching(new RegExp(`^${dn}$`, 'i')),
        samAccountName: 'alice',
        primarySmtp: 'alice@contoso.local',
        proxyAddresses: ['SMTP:alice@contoso.local', 'smtp:a.smith@contoso.local'],
        legacyExchangeDn: '/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=alice',
        targetAddress: undefined,
        isMailbox: true,
        isMailEnabledUser: false,
        hasMailboxGuid: true,
      });
    });

    it('says whether the user carries an Exchange mailbox GUID (msExchMailboxGuid), which Entra Connect syncs by default', async () => {
      await ldap.addMailbox({ samAccountName: 'noguid', primarySmtp: 'noguid@contoso.local', mailboxGuid: false });
      expect((await directory.findUserByPrimarySmtp('noguid@contoso.local'))?.hasMailboxGuid).toBe(false);
    });

    it('does not take a secondary smtp: address for a primary one', async () => {
      await ldap.addMailbox({ samAccountName: 'bob', primarySmtp: 'bob@contoso.local', secondarySmtp: ['sales@contoso.local'] });
      await ldap.addMailbox({ samAccountName: 'carol', primarySmtp: 'carol@contoso.local', secondarySmtp: ['c.jones@contoso.local'] });
      await ldap.addMailbox({ samAccountName: 'sales', primarySmtp: 'Sales@contoso.local' });
      expect(await directory.findUserByPrimarySmtp('c.jones@contoso.local')).toBeUndefined();
      // The directory matches bob's smtp:sales@ too (proxyAddresses compares case-insensitively); only the primary counts.
      expect((await directory.findUserByPrimarySmtp('sales@contoso.local'))?.samAccountName).toBe('sales');
      expect(await directory.findUserByPrimarySmtp('nobody@contoso.local')).toBeUndefined();
    });

    it('matches LDAP filter characters in an address literally', async () => {
      await ldap.addMailbox({ samAccountName: 'obrien', primarySmtp: "o'brien(x)*@contoso.local" });
      await ldap.addMailbox({ samAccountName: 'backslash', primarySmtp: 'back\\slash@contoso.local' });
      expect((await directory.findUserByPrimarySmtp("o'brien(x)*@contoso.local"))?.samAccountName).toBe('obrien');
      expect((await directory.findUserByPrimarySmtp('back\\slash@contoso.local'))?.samAccountName).toBe('backslash');
      // Unescaped, these would be wildcards or break the filter: they must match nothing.
      expect(await directory.findUserByPrimarySmtp('*@contoso.local')).toBeUndefined();
      expect(await directory.findUserByPrimarySmtp("o'brien(x)@contoso.local")).toBeUndefined();
      expect(await directory.findUserByPrimarySmtp('x)(mail=*)@contoso.local')).toBeUndefined();
    });

    it('reports two users with one primary address as ambiguous', async () => {
      await ldap.addMailbox({ samAccountName: 'dup1', primarySmtp: 'dup@contoso.local' });
      await ldap.addMailbox({ samAccountName: 'dup2', primarySmtp: 'dup@contoso.local' });
      const error = await rejectionOf(directory.findUserByPrimarySmtp('dup@contoso.local'));
      expect(error.code).toBe('DirectoryAmbiguousAddress');
      expect(error.errorClass).toBe('permanent');
    });

    it('refuses something that is not an address before asking the directory', async () => {
      const error = await rejectionOf(directory.findUserByPrimarySmtp('not an address'));
      expect(error.code).toBe('DirectoryInvalidInput');
      expect(error.message).toBe('The address "not an address" is not an SMTP address.');
    });
  });

  describe('setTargetAddress', () => {
    it('forwards mail to the cloud as SMTP:<address>, and a second call changes nothing', async () => {
      const { dn } = await ldap.addMailbox({ samAccountName: 'dave', primarySmtp: 'dave@contoso.local' });
      expect(await directory.setTargetAddress(dn, `dave@${CLOUD}`)).toEqual({ changed: true });
      const after = await ldap.readEntry(dn);
      expect(after?.targetAddress).toEqual([`SMTP:dave@${CLOUD}`]);
      expect(after?.homeMDB).toHaveLength(1);

      expect(await directory.setTargetAddress(dn, `Dave@${CLOUD.toUpperCase()}`)).toEqual({ changed: false });
      expect((await ldap.readEntry(dn))?.entryCSN).toEqual(after?.entryCSN);
      const user = await directory.findUserByPrimarySmtp('dave@contoso.local');
      expect(user).toMatchObject({ targetAddress: `dave@${CLOUD}`, isMailbox: true, isMailEnabledUser: false });
    });

    it('replaces a targetAddress that points elsewhere', async () => {
      const { dn } = await ldap.addMailbox({ samAccountName: 'erin', primarySmtp: 'erin@contoso.local' });
      await directory.setTargetAddress(dn, 'erin@old.example.com');
      expect(await directory.setTargetAddress(dn, `erin@${CLOUD}`)).toEqual({ changed: true });
      expect((await ldap.readEntry(dn))?.targetAddress).toEqual([`SMTP:erin@${CLOUD}`]);
    });

    it('reports a DN with no user behind it as DirectoryUserNotFound', async () => {
      const error = await rejectionOf(directory.setTargetAddress(`CN=ghost,${ldap.usersDn}`, `ghost@${CLOUD}`));
      expect(error.code).toBe('DirectoryUserNotFound');
      expect(error.errorClass).toBe('permanent');
      const notAUser = await rejectionOf(directory.setTargetAddress(ldap.usersDn, `ghost@${CLOUD}`));
      expect(notAUser.code).toBe('DirectoryUserNotFound');
    });
  });

  describe('convertToMailEnabledUser', () => {
    it('removes the mailbox, keeps the addresses, adds the x500 address, and a second call changes nothing', async () => {
      const { dn } = await ldap.addMailbox({ samAccountName: 'frank', primarySmtp: 'frank@contoso.local', secondarySmtp: ['f@contoso.local'] });
      const before = await ldap.readEntry(dn);
      await directory.setTargetAddress(dn, `frank@${CLOUD}`);

      expect(await directory.convertToMailEnabledUser(dn, `frank@${CLOUD}`)).toEqual({ changed: true });
      const after = (await ldap.readEntry(dn))!;
      for (const gone of [
        'homeMDB',
        'homeMTA',
        'msExchHomeServerName',
        'msExchMailboxGuid',
        'mDBUseDefaults',
        'msExchMailboxSecurityDescriptor',
        'msExchUserAccountControl',
        'msExchPoliciesIncluded',
      ]) {
        expect([gone, after[gone]]).toEqual([gone, undefined]);
      }
      expect(after.targetAddress).toEqual([`SMTP:frank@${CLOUD}`]);
      expect(after.msExchRecipientTypeDetails).toEqual(['128']);
      expect(after.msExchRecipientDisplayType).toEqual(['6']);
      expect(after.msExchPoliciesExcluded).toEqual(['{26491cfc-9e50-4857-861b-0cb8df22b5d7}']);
      expect(after.legacyExchangeDN).toEqual(before?.legacyExchangeDN);
      expect(after.mail).toEqual(['frank@contoso.local']);
      expect(after.mailNickname).toEqual(['frank']);
      expect(after.showInAddressBook).toEqual(before?.showInAddressBook);
      expect(after.proxyAddresses).toEqual(['SMTP:frank@contoso.local', 'smtp:f@contoso.local', `x500:${before?.legacyExchangeDN?.[0]}`]);

      expect(await directory.convertToMailEnabledUser(dn, `frank@${CLOUD}`)).toEqual({ changed: false });
      expect((await ldap.readEntry(dn))?.entryCSN).toEqual(after.entryCSN);
      const user = await directory.findUserByPrimarySmtp('frank@contoso.local');
      expect(user).toMatchObject({ primarySmtp: 'frank@contoso.local', targetAddress: `frank@${CLOUD}`, isMailbox: false, isMailEnabledUser: true });
    });

    it('copies the cloud mailbox GUID (in Active Directory byte order) and the cloud x500 address when given', async () => {
      const { dn } = await ldap.addMailbox({ samAccountName: 'grace', primarySmtp: 'grace@contoso.local' });
      const cloud = {
        mailboxGuid: '00112233-4455-6677-8899-aabbccddeeff',
        legacyExchangeDn: '/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=0a1b2c3d-grace',
      };
      expect(await directory.convertToMailEnabledUser(dn, `grace@${CLOUD}`, cloud)).toEqual({ changed: true });
      const after = (await ldap.readEntry(dn))!;
      expect(after.msExchMailboxGuid).toEqual(['33221100554477668899aabbccddeeff']);
      expect(after.proxyAddresses).toEqual(expect.arrayContaining([`x500:${cloud.legacyExchangeDn}`]));
      expect(after.proxyAddresses).toHaveLength(3);
      expect(await directory.convertToMailEnabledUser(dn, `grace@${CLOUD}`, cloud)).toEqual({ changed: false });
    });

    it('lets two concurrent conversions of one user both succeed, writing it once', async () => {
      const { dn } = await ldap.addMailbox({ samAccountName: 'judy', primarySmtp: 'judy@contoso.local' });
      // Whichever modify loses the race re-reads the entry and finds nothing left to do.
      const results = await Promise.all([directory.convertToMailEnabledUser(dn, `judy@${CLOUD}`), directory.convertToMailEnabledUser(dn, `judy@${CLOUD}`)]);
      expect(results.filter((result) => result.changed)).toHaveLength(1);
      const after = (await ldap.readEntry(dn))!;
      expect(after.homeMDB).toBeUndefined();
      expect(after.proxyAddresses?.filter((address) => address.startsWith('x500:'))).toHaveLength(1);
    });

    it('refuses a cloud mailbox GUID that is not a GUID, and writes nothing', async () => {
      const { dn } = await ldap.addMailbox({ samAccountName: 'heidi', primarySmtp: 'heidi@contoso.local' });
      const before = await ldap.readEntry(dn);
      const error = await rejectionOf(directory.convertToMailEnabledUser(dn, `heidi@${CLOUD}`, { mailboxGuid: 'not-a-guid' }));
      expect(error.code).toBe('DirectoryInvalidInput');
      expect((await ldap.readEntry(dn))?.entryCSN).toEqual(before?.entryCSN);
    });
  });

  describe('failures', () => {
    it('reports a wrong bind password as DirectoryAuthFailed (permanent) without echoing it', async () => {
      const wrong = new LdapDirectory({ url: ldap.url, bindDn: ldap.bindDn, bindPassword: 'Wr0ng-Passw0rd', baseDn: ldap.baseDn });
      const error = await rejectionOf(wrong.findUserByPrimarySmtp('alice@contoso.local'));
      expect(error.code).toBe('DirectoryAuthFailed');
      expect(error.errorClass).toBe('permanent');
      expect(error.message).toContain(ldap.bindDn);
      expect(error.message).not.toContain('Wr0ng-Passw0rd');
    });

    it('reports a stopped directory as DirectoryUnavailable (transient)', async () => {
      const stopped = await startOpenLdap();
      await stopped.stop();
      const gone = new LdapDirectory({ url: stopped.url, bindDn: stopped.bindDn, bindPassword: stopped.bindPassword, baseDn: stopped.baseDn });
      const error = await rejectionOf(gone.findUserByPrimarySmtp('alice@contoso.local'));
      expect(error.code).toBe('DirectoryUnavailable');
      expect(error.errorClass).toBe('transient');
      expect(error.message).toContain('ECONNREFUSED');
      expect(error.message).not.toContain(stopped.bindPassword);
    });

    it('reports a server that accepts but never answers as DirectoryUnavailable once the operation times out', async () => {
      const sockets = new Set<Socket>();
      const silent: Server = createServer((socket) => sockets.add(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const { port } = silent.address() as { port: number };
      try {
        const hung = new LdapDirectory({
          url: `ldap://127.0.0.1:${port}`,
          bindDn: ldap.bindDn,
          bindPassword: ldap.bindPassword,
          baseDn: ldap.baseDn,
          operationTimeoutMs: 200,
        });
        const error = await rejectionOf(hung.findUserByPrimarySmtp('alice@contoso.local'));
        expect(error.code).toBe('DirectoryUnavailable');
        expect(error.errorClass).toBe('transient');
        expect(error.message).toContain('Operation timed out');
      } finally {
        sockets.forEach((socket) => socket.destroy());
        await new Promise((resolve) => silent.close(resolve));
      }
    });

    it('refuses settings that are not an LDAP URL, naming the field', () => {
      expect(() => new LdapDirectory({ url: 'https://dc01', bindDn: 'x', bindPassword: 'y', baseDn: 'z' })).toThrow(
        expect.objectContaining({ code: 'DirectoryInvalidInput', message: expect.stringContaining('url:') }),
      );
    });
  });
});

describe('LdapDirectory over TLS', () => {
  let ldap: RunningOpenLdap;

  beforeAll(async () => {
    ldap = await startOpenLdap({ tls: true });
    await ldap.addMailbox({ samAccountName: 'ivan', primarySmtp: 'ivan@contoso.local' });
  });
  afterAll(async () => ldap?.stop());

  it('works over ldaps:// when the CA is given', async () => {
    const directory = new LdapDirectory({
      url: ldap.tls!.url,
      bindDn: ldap.bindDn,
      bindPassword: ldap.bindPassword,
      baseDn: ldap.baseDn,
      caCertificatePem: ldap.tls!.caPem,
    });
    expect((await directory.findUserByPrimarySmtp('ivan@contoso.local'))?.samAccountName).toBe('ivan');
  });

  it('works with StartTLS on ldap:// when the CA is given', async () => {
    const directory = new LdapDirectory({
      url: ldap.url,
      bindDn: ldap.bindDn,
      bindPassword: ldap.bindPassword,
      baseDn: ldap.baseDn,
      caCertificatePem: ldap.tls!.caPem,
      startTls: true,
    });
    expect((await directory.findUserByPrimarySmtp('ivan@contoso.local'))?.samAccountName).toBe('ivan');
  });

  it('refuses a server certificate it cannot verify as DirectoryTlsFailed (permanent)', async () => {
    const directory = new LdapDirectory({ url: ldap.tls!.url, bindDn: ldap.bindDn, bindPassword: ldap.bindPassword, baseDn: ldap.baseDn });
    const error = await rejectionOf(directory.findUserByPrimarySmtp('ivan@contoso.local'));
    expect(error.code).toBe('DirectoryTlsFailed');
    expect(error.errorClass).toBe('permanent');
  });
});
