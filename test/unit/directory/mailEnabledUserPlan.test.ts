import type { Change, Entry } from 'ldapts';

import { planMailEnabledUserConversion, planTargetAddress } from '../../../src/connectors/ldap/mailEnabledUserPlan';
import { MigrationError } from '../../../src/core/errors/migrationError';

const CLOUD = 'frank@contoso.mail.onmicrosoft.com';
const LEGACY_DN = '/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=frank';
const POLICY_EXCLUDED = '{26491cfc-9e50-4857-861b-0cb8df22b5d7}';
const ONPREM_GUID = Buffer.from('0102030405060708090a0b0c0d0e0f10', 'hex');

/** An Exchange 2007 mailbox user as a search returns it (compare tools/openldap/toMailboxEntry.ts). */
const mailbox = (): Entry => ({
  dn: 'CN=frank,CN=Users,DC=contoso,DC=local',
  sAMAccountName: 'frank',
  mail: 'frank@contoso.local',
  mailNickname: 'frank',
  proxyAddresses: ['SMTP:frank@contoso.local', 'smtp:f@contoso.local'],
  legacyExchangeDN: LEGACY_DN,
  homeMDB: 'CN=Mailbox Database,CN=First Storage Group,CN=InformationStore,CN=EX2007',
  homeMTA: 'CN=Microsoft MTA,CN=EX2007',
  msExchHomeServerName: '/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Configuration/cn=Servers/cn=EX2007',
  msExchMailboxGuid: ONPREM_GUID,
  msExchMailboxSecurityDescriptor: Buffer.from([1, 0, 4, 128]),
  mDBUseDefaults: 'TRUE',
  msExchUserAccountControl: '0',
  msExchRecipientTypeDetails: '1',
  msExchRecipientDisplayType: '1073741824',
  msExchPoliciesIncluded: `${POLICY_EXCLUDED},${POLICY_EXCLUDED}`,
});

/** A change as plain data: operation, attribute, values (binary values as hex). */
const plain = (changes: Change[]) =>
  changes.map(({ operation, modification }) => ({
    operation,
    type: modification.type,
    values: (modification.values as (string | Buffer)[]).map((value) => (Buffer.isBuffer(value) ? `hex:${value.toString('hex')}` : value)),
  }));

/** Applies changes the way an LDAP modify would (case-insensitive attribute names), to check idempotence. */
function applied(entry: Entry, changes: Change[]): Entry {
  const result: Entry = { ...entry };
  const keyOf = (type: string) => Object.keys(result).find((key) => key.toLowerCase() === type.toLowerCase()) ?? type;
  for (const { operation, modification } of changes) {
    const key = keyOf(modification.type);
    const values = modification.values;
    if (operation === 'delete') delete result[key];
    if (operation === 'replace') result[key] = values;
    if (operation === 'add') result[key] = [...([] as (string | Buffer)[]).concat(result[key] ?? []), ...values] as string[];
  }
  return result;
}

describe('the change that forwards mail to the cloud (targetAddress)', () => {
  it('sets SMTP:<cloud address> on a user that has none', () => {
    expect(plain(planTargetAddress(mailbox(), CLOUD))).toEqual([{ operation: 'replace', type: 'targetAddress', values: [`SMTP:${CLOUD}`] }]);
  });

  it('is nothing when targetAddress already forwards there, whatever the case', () => {
    expect(planTargetAddress({ ...mailbox(), targetaddress: `SMTP:${CLOUD.toUpperCase()}` }, CLOUD)).toEqual([]);
  });

  it("replaces a targetAddress that points elsewhere, or is not in Exchange's SMTP: form", () => {
    for (const stored of ['SMTP:frank@old.example', `smtp:${CLOUD}`, CLOUD]) {
      expect(plain(planTargetAddress({ ...mailbox(), targetAddress: stored }, CLOUD))).toEqual([
        { operation: 'replace', type: 'targetAddress', values: [`SMTP:${CLOUD}`] },
      ]);
    }
  });
});

describe('the changes that make a mailbox user a mail-enabled user', () => {
  it('forwards to the cloud, drops the mailbox attributes and the GUID, marks a MailUser, adds x500: and turns the policy off', () => {
    expect(plain(planMailEnabledUserConversion(mailbox(), CLOUD))).toEqual([
      { operation: 'replace', type: 'targetAddress', values: [`SMTP:${CLOUD}`] },
      { operation: 'delete', type: 'homeMDB', values: [] },
      { operation: 'delete', type: 'homeMTA', values: [] },
      { operation: 'delete', type: 'msExchHomeServerName', values: [] },
      { operation: 'delete', type: 'mDBUseDefaults', values: [] },
      { operation: 'delete', type: 'msExchMailboxSecurityDescriptor', values: [] },
      { operation: 'delete', type: 'msExchUserAccountControl', values: [] },
      { operation: 'delete', type: 'msExchPoliciesIncluded', values: [] },
      { operation: 'delete', type: 'msExchMailboxGuid', values: [] },
      { operation: 'replace', type: 'msExchRecipientTypeDetails', values: ['128'] },
      { operation: 'replace', type: 'msExchRecipientDisplayType', values: ['6'] },
      { operation: 'add', type: 'proxyAddresses', values: [`x500:${LEGACY_DN}`] },
      { operation: 'add', type: 'msExchPoliciesExcluded', values: [POLICY_EXCLUDED] },
    ]);
  });

  it('never touches the addresses, mail, legacyExchangeDN, mailNickname or sAMAccountName', () => {
    const touched = plain(planMailEnabledUserConversion(mailbox(), CLOUD))
      .filter((c) => c.operation !== 'add')
      .map((c) => c.type.toLowerCase());
    for (const kept of ['proxyaddresses', 'mail', 'legacyexchangedn', 'mailnickname', 'samaccountname']) expect(touched).not.toContain(kept);
  });

  it('is nothing at all for a user already converted (idempotent)', () => {
    const once = applied(mailbox(), planMailEnabledUserConversion(mailbox(), CLOUD));
    expect(once).toMatchObject({ targetAddress: [`SMTP:${CLOUD}`], msExchRecipientTypeDetails: ['128'], msExchRecipientDisplayType: ['6'] });
    expect(once.homeMDB).toBeUndefined();
    expect(planMailEnabledUserConversion(once, CLOUD)).toEqual([]);
  });

  it('finishes a half-done conversion with only what is left', () => {
    const half: Entry = {
      dn: 'CN=frank,CN=Users,DC=contoso,DC=local',
      targetAddress: `SMTP:${CLOUD}`,
      homemta: 'CN=Microsoft MTA,CN=EX2007', // servers answer in their own spelling
      msExchRecipientTypeDetails: '128',
      msExchRecipientDisplayType: '1073741824',
      proxyAddresses: ['SMTP:frank@contoso.local', `X500:${LEGACY_DN.toUpperCase()}`],
      legacyExchangeDN: LEGACY_DN,
      msExchPoliciesExcluded: [POLICY_EXCLUDED],
    };
    expect(plain(planMailEnabledUserConversion(half, CLOUD))).toEqual([
      { operation: 'delete', type: 'homeMTA', values: [] },
      { operation: 'replace', type: 'msExchRecipientDisplayType', values: ['6'] },
    ]);
  });

  it('writes the cloud mailbox GUID in Active Directory byte order, and adds the cloud x500: address too', () => {
    const cloud = { mailboxGuid: '00112233-4455-6677-8899-aabbccddeeff', legacyExchangeDn: '/o=ExchangeLabs/cn=Recipients/cn=0a1b-frank' };
    const changes = plain(planMailEnabledUserConversion(mailbox(), CLOUD, cloud));
    expect(changes).toContainEqual({ operation: 'replace', type: 'msExchMailboxGuid', values: ['hex:33221100554477668899aabbccddeeff'] });
    expect(changes).not.toContainEqual(expect.objectContaining({ operation: 'delete', type: 'msExchMailboxGuid' }));
    expect(changes).toContainEqual({ operation: 'add', type: 'proxyAddresses', values: [`x500:${LEGACY_DN}`, `x500:${cloud.legacyExchangeDn}`] });
  });

  it('leaves msExchMailboxGuid alone when it already holds the cloud GUID', () => {
    const entry = { ...mailbox(), msExchMailboxGuid: Buffer.from('33221100554477668899aabbccddeeff', 'hex') };
    const changes = plain(planMailEnabledUserConversion(entry, CLOUD, { mailboxGuid: '{00112233-4455-6677-8899-AABBCCDDEEFF}' }));
    expect(changes.filter((c) => c.type === 'msExchMailboxGuid')).toEqual([]);
  });

  it('writes the cloud GUID on a user that had none, and deletes nothing that is not there', () => {
    const { msExchMailboxGuid: _guid, ...noGuid } = mailbox();
    expect(plain(planMailEnabledUserConversion(noGuid, CLOUD)).filter((c) => c.type === 'msExchMailboxGuid')).toEqual([]);
    expect(
      plain(planMailEnabledUserConversion(noGuid, CLOUD, { mailboxGuid: '00112233-4455-6677-8899-aabbccddeeff' })).filter(
        (c) => c.type === 'msExchMailboxGuid',
      ),
    ).toEqual([{ operation: 'replace', type: 'msExchMailboxGuid', values: ['hex:33221100554477668899aabbccddeeff'] }]);
  });

  it('adds each x500: address once: none already present, none twice, none for an empty legacyExchangeDN', () => {
    const entry = { ...mailbox(), proxyAddresses: ['SMTP:frank@contoso.local', `x500:${LEGACY_DN}`] };
    expect(plain(planMailEnabledUserConversion(entry, CLOUD, { legacyExchangeDn: LEGACY_DN })).filter((c) => c.type === 'proxyAddresses')).toEqual([]);
    const blank = { ...mailbox(), legacyExchangeDN: '' };
    expect(plain(planMailEnabledUserConversion(blank, CLOUD, { legacyExchangeDn: '' })).filter((c) => c.type === 'proxyAddresses')).toEqual([]);
    // Two spellings of one DN are one address to Active Directory: the later (cloud) spelling is the one added.
    const twice = plain(planMailEnabledUserConversion(mailbox(), CLOUD, { legacyExchangeDn: LEGACY_DN.toUpperCase() }));
    expect(twice.filter((c) => c.type === 'proxyAddresses')).toEqual([
      { operation: 'add', type: 'proxyAddresses', values: [`x500:${LEGACY_DN.toUpperCase()}`] },
    ]);
  });

  it('keeps other excluded policies and adds the email address policy beside them', () => {
    const entry = { ...mailbox(), msExchPoliciesExcluded: ['{aaaaaaaa-0000-0000-0000-000000000000}'] };
    expect(plain(planMailEnabledUserConversion(entry, CLOUD)).filter((c) => c.type === 'msExchPoliciesExcluded')).toEqual([
      { operation: 'add', type: 'msExchPoliciesExcluded', values: [POLICY_EXCLUDED] },
    ]);
  });

  it('refuses a cloud GUID that is not a GUID, before any change is made', () => {
    expect(() => planMailEnabledUserConversion(mailbox(), CLOUD, { mailboxGuid: 'not-a-guid' })).toThrow(MigrationError);
    expect(() => planMailEnabledUserConversion(mailbox(), CLOUD, { mailboxGuid: 'not-a-guid' })).toThrow(
      expect.objectContaining({ code: 'DirectoryInvalidInput' }),
    );
  });
});
