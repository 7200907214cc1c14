import { randomUUID } from 'node:crypto';

import fc from 'fast-check';
import type { Entry } from 'ldapts';

import {
  isTargetAddressFor,
  readEntryBuffers,
  readEntryValue,
  readEntryValues,
  toExchangeGuidBytes,
  toOnPremisesUser,
  toTargetAddressValue,
} from '../../../src/connectors/ldap/exchangeAttributes';
import { MigrationError } from '../../../src/core/errors/migrationError';

/**
 * Active Directory's 16 bytes back to the string form, written independently of the code under test:
 * .NET's Guid(byte[]) reads Data1 (4 bytes), Data2 and Data3 (2 each) little-endian, Data4 (8) as is.
 */
function guidFromBytes(bytes: Buffer): string {
  const data1 = bytes.readUInt32LE(0).toString(16).padStart(8, '0');
  const data2 = bytes.readUInt16LE(4).toString(16).padStart(4, '0');
  const data3 = bytes.readUInt16LE(6).toString(16).padStart(4, '0');
  const data4 = bytes.subarray(8, 16).toString('hex');
  return `${data1}-${data2}-${data3}-${data4.slice(0, 4)}-${data4.slice(4)}`;
}

describe('GUID bytes as Active Directory stores them (msExchMailboxGuid, objectGUID)', () => {
  it('swaps the first three groups and keeps the last two, as Guid.ToByteArray() does', () => {
    expect(toExchangeGuidBytes('00112233-4455-6677-8899-aabbccddeeff').toString('hex')).toBe('33221100554477668899aabbccddeeff');
    // The example of .NET's Guid.ToByteArray documentation (https://learn.microsoft.com/dotnet/api/system.guid.tobytearray).
    expect(toExchangeGuidBytes('35918bc9-196d-40ea-9779-889d79b753f0').toString('hex')).toBe('c98b91356d19ea409779889d79b753f0');
  });

  it('gives 16 bytes, and the all-zero GUID as 16 zero bytes', () => {
    expect(toExchangeGuidBytes('00000000-0000-0000-0000-000000000000')).toEqual(Buffer.alloc(16));
  });

  it('takes braces, upper case and surrounding spaces, as PowerShell prints GUIDs', () => {
    const expected = '33221100554477668899aabbccddeeff';
    expect(toExchangeGuidBytes('{00112233-4455-6677-8899-AABBCCDDEEFF}').toString('hex')).toBe(expected);
    expect(toExchangeGuidBytes('  00112233-4455-6677-8899-aabbccddeeff\n').toString('hex')).toBe(expected);
  });

  it('reads back to the same string form for any GUID', () => {
    fc.assert(fc.property(fc.uuid(), (guid) => guidFromBytes(toExchangeGuidBytes(guid)) === guid.toLowerCase()));
    const guid = randomUUID();
    expect(guidFromBytes(toExchangeGuidBytes(guid.toUpperCase()))).toBe(guid);
  });

  it.each([
    ['not-a-guid'],
    [''],
    ['00112233445566778899aabbccddeeff'], // no hyphens
    ['00112233-4455-6677-8899-aabbccddeef'], // 31 digits
    ['00112233-4455-6677-8899-aabbccddeeff0'], // 33 digits
    ['0011223g-4455-6677-8899-aabbccddeeff'], // not hex
    ['00112233-4455-6677-8899aabb-ccddeeff'], // groups in the wrong places
  ])('refuses %j as DirectoryInvalidInput (permanent)', (text) => {
    let error: unknown;
    try {
      toExchangeGuidBytes(text);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({ code: 'DirectoryInvalidInput', errorClass: 'permanent', message: `The cloud mailbox GUID "${text}" is not a GUID.` });
  });

  it('quotes at most 60 characters of a bad GUID', () => {
    expect(() => toExchangeGuidBytes('z'.repeat(200))).toThrow(`The cloud mailbox GUID "${'z'.repeat(60)}" is not a GUID.`);
  });
});

describe('attribute values of a search entry', () => {
  const entry: Entry = {
    dn: 'CN=alice,CN=Users,DC=contoso,DC=local',
    homemdb: 'CN=Mailbox Database',
    proxyAddresses: ['SMTP:alice@contoso.local', 'smtp:a@contoso.local'],
    msExchMailboxGuid: Buffer.from('33221100554477668899aabbccddeeff', 'hex'),
    legacyExchangeDN: Buffer.from('/o=Contoso/cn=alice', 'utf8'),
  };

  it('are found whatever the case of the attribute name the server answered with', () => {
    expect(readEntryValues(entry, 'homeMDB')).toEqual(['CN=Mailbox Database']);
    expect(readEntryValue(entry, 'HOMEMDB')).toBe('CN=Mailbox Database');
    expect(readEntryValues(entry, 'proxyaddresses')).toEqual(['SMTP:alice@contoso.local', 'smtp:a@contoso.local']);
  });

  it('are an empty list (or undefined for one value) when the attribute is absent', () => {
    expect(readEntryValues(entry, 'targetAddress')).toEqual([]);
    expect(readEntryValue(entry, 'targetAddress')).toBeUndefined();
    expect(readEntryBuffers(entry, 'targetAddress')).toEqual([]);
  });

  it('are decoded as UTF-8 text, or kept as bytes for binary attributes', () => {
    expect(readEntryValue(entry, 'legacyExchangeDN')).toBe('/o=Contoso/cn=alice');
    expect(readEntryBuffers(entry, 'msExchMailboxGuid')).toEqual([Buffer.from('33221100554477668899aabbccddeeff', 'hex')]);
    expect(readEntryBuffers(entry, 'homeMDB')).toEqual([Buffer.from('CN=Mailbox Database', 'utf8')]);
  });
});

describe('the user view of an entry', () => {
  const mailbox: Entry = {
    dn: 'CN=alice,CN=Users,DC=contoso,DC=local',
    sAMAccountName: 'alice',
    mail: 'alice@contoso.local',
    proxyAddresses: ['smtp:a.smith@contoso.local', 'X400:c=US;a= ;p=Contoso;o=Exchange;s=alice;', 'SMTP:Alice@contoso.local'],
    legacyExchangeDN: '/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=alice',
    homeMDB: 'CN=Mailbox Database,CN=First Storage Group',
    msExchMailboxGuid: Buffer.from('33221100554477668899aabbccddeeff', 'hex'),
  };

  it('takes the upper-case SMTP: proxy address as the primary, wherever it is in the list', () => {
    expect(toOnPremisesUser(mailbox)).toEqual({
      dn: 'CN=alice,CN=Users,DC=contoso,DC=local',
      samAccountName: 'alice',
      primarySmtp: 'Alice@contoso.local',
      proxyAddresses: ['smtp:a.smith@contoso.local', 'X400:c=US;a= ;p=Contoso;o=Exchange;s=alice;', 'SMTP:Alice@contoso.local'],
      legacyExchangeDn: '/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=alice',
      targetAddress: undefined,
      isMailbox: true,
      isMailEnabledUser: false,
      hasMailboxGuid: true,
    });
  });

  it('falls back to mail when no proxy address is the primary, and to "" when there is neither', () => {
    expect(toOnPremisesUser({ ...mailbox, proxyAddresses: ['smtp:a.smith@contoso.local'] }).primarySmtp).toBe('alice@contoso.local');
    expect(toOnPremisesUser({ dn: 'CN=bare' })).toMatchObject({
      samAccountName: '',
      primarySmtp: '',
      proxyAddresses: [],
      isMailbox: false,
      hasMailboxGuid: false,
    });
  });

  it('is a mail-enabled user when it has a targetAddress and no homeMDB, and shows the address without SMTP:', () => {
    const { homeMDB: _gone, ...converted } = mailbox;
    expect(toOnPremisesUser({ ...converted, targetAddress: 'SMTP:alice@contoso.mail.onmicrosoft.com' })).toMatchObject({
      targetAddress: 'alice@contoso.mail.onmicrosoft.com',
      isMailbox: false,
      isMailEnabledUser: true,
    });
    expect(toOnPremisesUser({ ...converted, targetAddress: 'smtp:alice@elsewhere.example' }).targetAddress).toBe('alice@elsewhere.example');
    // Another address type is shown as stored; a mailbox with forwarding is still a mailbox.
    expect(toOnPremisesUser({ ...converted, targetAddress: 'X400:c=US;s=alice;' }).targetAddress).toBe('X400:c=US;s=alice;');
    expect(toOnPremisesUser({ ...mailbox, targetAddress: 'SMTP:alice@contoso.mail.onmicrosoft.com' })).toMatchObject({
      isMailbox: true,
      isMailEnabledUser: false,
    });
  });

  it('counts an all-zero msExchMailboxGuid as no GUID', () => {
    expect(toOnPremisesUser({ ...mailbox, msExchMailboxGuid: Buffer.alloc(16) }).hasMailboxGuid).toBe(false);
    expect(toOnPremisesUser({ ...mailbox, msExchMailboxGuid: [Buffer.alloc(16), Buffer.from([0, 1])] }).hasMailboxGuid).toBe(true);
  });
});

describe('targetAddress values', () => {
  it('are written as SMTP:<address>', () => {
    expect(toTargetAddressValue('alice@contoso.mail.onmicrosoft.com')).toBe('SMTP:alice@contoso.mail.onmicrosoft.com');
  });

  it('already forward to an address when they are SMTP:<that address>, compared case-insensitively', () => {
    expect(isTargetAddressFor('SMTP:Alice@Contoso.mail.onmicrosoft.com', 'alice@contoso.mail.onmicrosoft.com')).toBe(true);
    expect(isTargetAddressFor('SMTP:alice@old.example', 'alice@contoso.mail.onmicrosoft.com')).toBe(false);
    expect(isTargetAddressFor(undefined, 'alice@contoso.mail.onmicrosoft.com')).toBe(false);
    // Exchange writes the upper-case type; a lower-case one is rewritten in Exchange's form.
    expect(isTargetAddressFor('smtp:alice@contoso.mail.onmicrosoft.com', 'alice@contoso.mail.onmicrosoft.com')).toBe(false);
  });
});
