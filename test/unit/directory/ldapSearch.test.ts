import { AndFilter, BerReader, BerWriter, EqualityFilter, type Filter, FilterParser, OrFilter } from 'ldapts';

import { checkSmtpAddress, toPrimarySmtpFilter } from '../../../src/connectors/ldap/ldapSearch';
import { MigrationError } from '../../../src/core/errors/migrationError';

/** The filter as it travels: BER (RFC 4511 section 4.5.1.7) read back into filter objects. */
function overTheWire(filter: Filter): { bytes: Buffer; parsed: Filter } {
  const writer = new BerWriter();
  filter.write(writer);
  return { bytes: writer.buffer, parsed: FilterParser.parse(new BerReader(writer.buffer)) };
}

/** The two assertion values of `(&(objectClass=user)(|(mail=...)(proxyAddresses=...)))`. */
function assertionValues(filter: Filter): unknown[] {
  expect(filter).toBeInstanceOf(AndFilter);
  const [objectClass, either] = (filter as AndFilter).filters;
  expect(objectClass).toBeInstanceOf(EqualityFilter);
  expect(either).toBeInstanceOf(OrFilter);
  return (either as OrFilter).filters.map((f) => (f as EqualityFilter).value);
}

describe('the filter that finds a user by primary SMTP address', () => {
  it('asks for a user whose mail or SMTP: proxy address is the address', () => {
    expect(toPrimarySmtpFilter('alice@contoso.local').toString()).toBe(
      '(&(objectClass=user)(|(mail=alice@contoso.local)(proxyAddresses=SMTP:alice@contoso.local)))',
    );
  });

  it.each([
    ['*', 'a*b@contoso.local', 'a\\2ab@contoso.local'],
    ['(', 'a(b@contoso.local', 'a\\28b@contoso.local'],
    [')', 'a)b@contoso.local', 'a\\29b@contoso.local'],
    ['\\', 'a\\b@contoso.local', 'a\\5cb@contoso.local'],
    ['NUL', 'a\u0000b@contoso.local', 'a\\00b@contoso.local'],
  ])('escapes %s in its string form as RFC 4515 section 3 requires', (_name, address, escaped) => {
    expect(toPrimarySmtpFilter(address).toString()).toBe(`(&(objectClass=user)(|(mail=${escaped})(proxyAddresses=SMTP:${escaped})))`);
  });

  it('escapes every special character of an injection attempt, so it stays one assertion value', () => {
    const address = 'x)(mail=*)(|(cn=*@contoso.local';
    const text = toPrimarySmtpFilter(address).toString();
    expect(text).toBe(
      '(&(objectClass=user)(|(mail=x\\29\\28mail=\\2a\\29\\28|\\28cn=\\2a@contoso.local)(proxyAddresses=SMTP:x\\29\\28mail=\\2a\\29\\28|\\28cn=\\2a@contoso.local)))',
    );
    // Parsed back, it is the same three-assertion filter with the address as a literal value.
    expect(assertionValues(FilterParser.parseString(text))).toEqual([address, `SMTP:${address}`]);
  });

  it('leaves non-ASCII characters as UTF-8 in the string form (RFC 4515 UTFMB), unescaped', () => {
    expect(toPrimarySmtpFilter('jürgen.müller@contoso.local').toString()).toBe(
      '(&(objectClass=user)(|(mail=jürgen.müller@contoso.local)(proxyAddresses=SMTP:jürgen.müller@contoso.local)))',
    );
  });

  it('sends the address on the wire as its raw UTF-8 octets, never in escaped form', () => {
    const address = "o'brien(x)*\\\u0000ü@contoso.local";
    const { bytes, parsed } = overTheWire(toPrimarySmtpFilter(address));
    expect(bytes.includes(Buffer.from(`SMTP:${address}`, 'utf8'))).toBe(true);
    expect(bytes.includes(Buffer.from([0xc3, 0xbc]))).toBe(true); // ü
    expect(bytes.includes(Buffer.from('\\2a'))).toBe(false);
    expect(bytes.includes(Buffer.from('\\28'))).toBe(false);
    expect(assertionValues(parsed)).toEqual([address, `SMTP:${address}`]);
  });

  it('keeps the text of an escape sequence in an address literal', () => {
    const address = '\\2a@contoso.local'; // a backslash, then "2a": not a star
    const text = toPrimarySmtpFilter(address).toString();
    expect(text).toContain('(mail=\\5c2a@contoso.local)');
    expect(assertionValues(FilterParser.parseString(text))).toEqual([address, `SMTP:${address}`]);
  });
});

describe('what may be used as an SMTP address', () => {
  const rejection = (address: string, role = 'address'): MigrationError => {
    try {
      checkSmtpAddress(address, role);
    } catch (error) {
      expect(error).toBeInstanceOf(MigrationError);
      return error as MigrationError;
    }
    throw new Error(`"${address}" was accepted`);
  };

  it('returns an address unchanged, including local parts that are LDAP filter syntax', () => {
    for (const address of ['alice@contoso.local', "o'brien(x)*@contoso.local", 'back\\slash@contoso.local', 'a@b.co', 'jürgen@contoso.local']) {
      expect(checkSmtpAddress(address, 'address')).toBe(address);
    }
  });

  it('takes the last @ as the separator, so a quoted-looking local part with @ passes', () => {
    expect(checkSmtpAddress('"a@b"@contoso.local', 'address')).toBe('"a@b"@contoso.local');
  });

  it.each([
    ['no @', 'alice.contoso.local'],
    ['an empty local part', '@contoso.local'],
    ['an empty domain', 'alice@'],
    ['a single-label domain', 'alice@localhost'],
    ['a domain label starting with a hyphen', 'alice@-contoso.local'],
    ['a space', 'alice smith@contoso.local'],
    ['a tab', 'alice\t@contoso.local'],
    ['NUL', 'alice\u0000@contoso.local'],
    ['DEL', 'alice\u007f@contoso.local'],
    ['a non-ASCII domain (not IDNA-encoded)', 'alice@müller.de'],
  ])('refuses %s as DirectoryInvalidInput (permanent)', (_name, address) => {
    const error = rejection(address);
    expect(error.code).toBe('DirectoryInvalidInput');
    expect(error.errorClass).toBe('permanent');
  });

  it('accepts a local part of exactly 64 characters and refuses 65', () => {
    expect(checkSmtpAddress(`${'a'.repeat(64)}@contoso.local`, 'address')).toHaveLength(78);
    expect(rejection(`${'a'.repeat(65)}@contoso.local`).code).toBe('DirectoryInvalidInput');
  });

  it('accepts an address of exactly 254 characters and refuses 255', () => {
    const domainOf = (length: number) => `${'d'.repeat(length - 6)}.local`;
    const at254 = `${'a'.repeat(60)}@${domainOf(254 - 61)}`;
    expect(at254).toHaveLength(254);
    expect(checkSmtpAddress(at254, 'address')).toBe(at254);
    expect(rejection(`${'a'.repeat(60)}@${domainOf(255 - 61)}`).code).toBe('DirectoryInvalidInput');
  });

  it('names the role and masks control characters in the message', () => {
    expect(rejection('bad\u0000\u0001addr', 'cloud address').message).toBe('The cloud address "bad??addr" is not an SMTP address.');
    expect(rejection('x'.repeat(300)).message).toBe(`The address "${'x'.repeat(100)}" is not an SMTP address.`);
  });
});
