import type { Entry } from 'ldapts';

import type { OnPremisesUser } from '../onPremisesDirectory';
import { ExchangeAttribute } from './exchangeRecipientAttributes';
import { readEntryBuffers, readEntryValue, readEntryValues } from './readEntryValues';

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
export function toPrimarySmtp(proxyAddresses: readonly string[]): string | undefined {
  const primary = proxyAddresses.find((address) => address.startsWith(PRIMARY_SMTP_PREFIX));
  return primary?.slice(PRIMARY_SMTP_PREFIX.length);
}

/** `SMTP:user@contoso.mail.onmicrosoft.com` → `user@contoso.mail.onmicrosoft.com`; other types unchanged. */
function stripSmtpPrefix(address: string): string {
  return /^smtp:/i.test(address) ? address.slice(5) : address;
}
