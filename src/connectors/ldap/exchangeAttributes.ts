import type { Entry } from 'ldapts';

import { MigrationError } from '../../core/errors/migrationError';
import { type OnPremisesUser } from '../../services/ports/onPremisesDirectory';
import { DirectoryErrorCode } from '../../core/errors/migrationErrorCode';

/**
 * The Active Directory attributes Exchange 2003/2007 keeps on a recipient, and how their values
 * are read and written: case-insensitive lookup, the user view, targetAddress and GUID encodings.
 * Names are lDAPDisplayNames; LDAP attribute names are case-insensitive, so entries are read with
 * readEntryValues, never by exact key.
 */
export const ExchangeAttribute = {
  samAccountName: 'sAMAccountName',
  mail: 'mail',
  proxyAddresses: 'proxyAddresses',
  targetAddress: 'targetAddress',
  legacyExchangeDn: 'legacyExchangeDN',
  homeMdb: 'homeMDB',
  homeMta: 'homeMTA',
  homeServerName: 'msExchHomeServerName',
  mdbUseDefaults: 'mDBUseDefaults',
  mailboxGuid: 'msExchMailboxGuid',
  mailboxSecurityDescriptor: 'msExchMailboxSecurityDescriptor',
  userAccountControl: 'msExchUserAccountControl',
  policiesIncluded: 'msExchPoliciesIncluded',
  policiesExcluded: 'msExchPoliciesExcluded',
  recipientTypeDetails: 'msExchRecipientTypeDetails',
  recipientDisplayType: 'msExchRecipientDisplayType',
} as const;

/** Attributes holding binary values (a GUID, a security descriptor): read as Buffers. */
export const BINARY_ATTRIBUTES: readonly string[] = [ExchangeAttribute.mailboxGuid, ExchangeAttribute.mailboxSecurityDescriptor];

/** Every attribute the connector reads from a user. */
export const USER_ATTRIBUTES: readonly string[] = Object.values(ExchangeAttribute);

/**
 * The values of one attribute of a search entry, looked up case-insensitively: LDAP attribute
 * names are case-insensitive (RFC 4512 section 2.5) and servers answer in their own spelling
 * (`homeMDB`, `homemdb`). An absent attribute gives an empty list.
 */
export function readEntryValues(entry: Entry, attribute: string): string[] {
  return toList(find(entry, attribute)).map((value) => (Buffer.isBuffer(value) ? value.toString('utf8') : value));
}

/** Like readEntryValues, for binary attributes requested through `explicitBufferAttributes`. */
export function readEntryBuffers(entry: Entry, attribute: string): Buffer[] {
  return toList(find(entry, attribute)).map((value) => (Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8')));
}

/** The first value of a single-valued attribute, or undefined. */
export function readEntryValue(entry: Entry, attribute: string): string | undefined {
  return readEntryValues(entry, attribute)[0];
}

function find(entry: Entry, attribute: string): Entry[string] | undefined {
  const wanted = attribute.toLowerCase();
  const key = Object.keys(entry).find((name) => name.toLowerCase() === wanted);
  return key === undefined ? undefined : entry[key];
}

function toList(value: Entry[string] | undefined): (Buffer | string)[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The proxy address type of the primary SMTP address: upper case marks the primary (secondaries are `smtp:`). */
const PRIMARY_SMTP_PREFIX = 'SMTP:';

/** Reads an Active Directory user entry into the connector's view of it. */
export function toOnPremisesUser(entry: Entry): OnPremisesUser {
  const proxyAddresses = readEntryValues(entry, ExchangeAttribute.proxyAddresses);
  const targetAddress = readEntryValue(entry, ExchangeAttribute.targetAddress);
  const isMailbox = readEntryValue(entry, ExchangeAttribute.homeMdb) !== undefined;
  return {
    dn: entry.dn,
    samAccountName: readEntryValue(entry, ExchangeAttribute.samAccountName) ?? '',
    primarySmtp: toPrimarySmtp(proxyAddresses) ?? readEntryValue(entry, ExchangeAttribute.mail) ?? '',
    proxyAddresses,
    legacyExchangeDn: readEntryValue(entry, ExchangeAttribute.legacyExchangeDn),
    targetAddress: targetAddress === undefined ? undefined : stripSmtpPrefix(targetAddress),
    isMailbox,
    isMailEnabledUser: !isMailbox && targetAddress !== undefined,
    hasMailboxGuid: hasNonZeroValue(entry, ExchangeAttribute.mailboxGuid),
  };
}

/** Whether a binary attribute (msExchMailboxGuid) holds a value other than the all-zero GUID. */
function hasNonZeroValue(entry: Entry, attribute: string): boolean {
  return readEntryBuffers(entry, attribute).some((value) => value.some((byte) => byte !== 0));
}

/**
 * The primary SMTP address among proxy addresses. Exchange marks it with the upper-case type
 * `SMTP:`; the comparison is case-sensitive on purpose, whereas the directory's is not.
 */
function toPrimarySmtp(proxyAddresses: readonly string[]): string | undefined {
  const primary = proxyAddresses.find((address) => address.startsWith(PRIMARY_SMTP_PREFIX));
  return primary?.slice(PRIMARY_SMTP_PREFIX.length);
}

/** `SMTP:user@contoso.mail.onmicrosoft.com` → `user@contoso.mail.onmicrosoft.com`; other types unchanged. */
function stripSmtpPrefix(address: string): string {
  return /^smtp:/i.test(address) ? address.slice(5) : address;
}

/**
 * The value Exchange stores in targetAddress for an SMTP forwarding address: the address with
 * its proxy type, `SMTP:user@contoso.mail.onmicrosoft.com` (Enable-MailUser -ExternalEmailAddress
 * and the staged migration's forwarding both write this form).
 */
export function toTargetAddressValue(cloudAddress: string): string {
  return `SMTP:${cloudAddress}`;
}

/** Whether a stored targetAddress already forwards to `cloudAddress` (addresses compare case-insensitively). */
export function isTargetAddressFor(stored: string | undefined, cloudAddress: string): boolean {
  return stored !== undefined && stored.startsWith('SMTP:') && stored.slice(5).toLowerCase() === cloudAddress.toLowerCase();
}

const GUID = /^\{?([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}?$/i;

/**
 * The 16 bytes Active Directory stores for a GUID such as msExchMailboxGuid, in the order .NET's
 * Guid.ToByteArray() gives them (the Microsoft script writes exactly that): the first three
 * groups little-endian, the last two as written. `00112233-4455-6677-8899-aabbccddeeff` →
 * `33 22 11 00 55 44 77 66 88 99 aa bb cc dd ee ff`.
 */
export function toExchangeGuidBytes(guid: string): Buffer {
  const groups = GUID.exec(guid.trim());
  if (!groups) {
    throw new MigrationError(DirectoryErrorCode.InvalidInput, `The cloud mailbox GUID "${guid.slice(0, 60)}" is not a GUID.`, 'permanent');
  }
  const [, a = '', b = '', c = '', d = '', e = ''] = groups;
  const hex = (text: string): Buffer => Buffer.from(text, 'hex');
  return Buffer.concat([hex(a).reverse(), hex(b).reverse(), hex(c).reverse(), hex(d), hex(e)]);
}
