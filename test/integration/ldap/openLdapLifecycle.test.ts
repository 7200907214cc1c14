import { existsSync } from 'node:fs';

import { Client, InsufficientAccessError } from 'ldapts';

import { startOpenLdap } from '../../../tools/openldap/startOpenLdap';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('test OpenLDAP', () => {
  it('serves the Exchange schema on 127.0.0.1 and leaves no process or folder behind when stopped', async () => {
    const ldap = await startOpenLdap();
    try {
      expect(ldap.url).toMatch(/^ldap:\/\/127\.0\.0\.1:\d+$/);
      expect(isRunning(ldap.pid)).toBe(true);
      const { dn } = await ldap.addMailbox({
        samAccountName: 'alice',
        primarySmtp: 'alice@contoso.local',
        secondarySmtp: ['a.smith@contoso.local'],
      });
      expect(dn).toBe('CN=alice,OU=Users,DC=contoso,DC=local');
      const entry = await ldap.readEntry(dn);
      expect(entry?.objectClass).toEqual(expect.arrayContaining(['inetOrgPerson', 'user']));
      expect(entry?.proxyAddresses).toEqual(['SMTP:alice@contoso.local', 'smtp:a.smith@contoso.local']);
      expect(entry?.homeMDB?.[0]).toMatch(/^CN=Mailbox Database,CN=First Storage Group,/i);
      expect(entry?.legacyExchangeDN).toEqual(['/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=alice']);
      expect(entry?.msExchMailboxGuid?.[0]).toMatch(/^[0-9a-f]{32}$/);
      expect(entry?.msExchRecipientTypeDetails).toEqual(['1']);
      expect(entry?.entryCSN).toHaveLength(1);
      expect(await ldap.readEntry('CN=nobody,OU=Users,DC=contoso,DC=local')).toBeUndefined();
    } finally {
      await ldap.stop();
    }
    expect(isRunning(ldap.pid)).toBe(false);
    expect(existsSync(ldap.dataDir)).toBe(false);
  });

  it('lets the service account bind and read, but not write outside the user container', async () => {
    const ldap = await startOpenLdap();
    const client = new Client({ url: ldap.url });
    try {
      await client.bind(ldap.bindDn, ldap.bindPassword);
      const { searchEntries } = await client.search(ldap.baseDn, { scope: 'one', attributes: ['ou'] });
      // slapd answers with lower-case attribute types in DNs; DNs compare case-insensitively.
      const children = searchEntries.map((e) => e.dn.toLowerCase()).sort();
      expect(children).toEqual([`OU=Service Accounts,${ldap.baseDn}`, ldap.usersDn].map((dn) => dn.toLowerCase()).sort());
      await expect(client.add(`OU=Elsewhere,${ldap.baseDn}`, { objectClass: 'organizationalUnit', ou: 'Elsewhere' })).rejects.toBeInstanceOf(
        InsufficientAccessError,
      );
    } finally {
      await client.unbind();
      await ldap.stop();
    }
  });

  it('also serves ldaps:// with a certificate the tests can trust', async () => {
    const ldap = await startOpenLdap({ tls: true });
    const client = new Client({ url: ldap.tls!.url, tlsOptions: { ca: ldap.tls!.caPem } });
    try {
      await client.bind(ldap.bindDn, ldap.bindPassword);
      expect(client.isBound).toBe(true);
    } finally {
      await client.unbind();
      await ldap.stop();
    }
  });
});
