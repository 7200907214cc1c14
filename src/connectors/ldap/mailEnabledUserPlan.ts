import { Attribute, Change, type Entry } from 'ldapts';

import type { CloudMailboxIdentity } from '../../services/ports/onPremisesDirectory';
import {
  ExchangeAttribute,
  isTargetAddressFor,
  readEntryBuffers,
  readEntryValue,
  readEntryValues,
  toExchangeGuidBytes,
  toTargetAddressValue,
} from './exchangeAttributes';

/**
 * What Disable-Mailbox takes away from a user: the attributes that tie it to a mailbox database
 * and server. Their absence is what makes Exchange (and Autodiscover) stop treating the user as
 * a mailbox. msExchMailboxGuid is handled apart: the conversion replaces it with the cloud
 * mailbox's GUID when that is known. The list follows Microsoft's Exchange2007MBtoMEU.ps1 (see
 * https://learn.microsoft.com/exchange/mailbox-migration/perform-a-staged-migration/convert-exchange-2007-mailboxes)
 * and the attributes a converted user is observed to lose
 * (https://x500.co.uk/2018/04/03/exchange-2007-to-office-365-staged-migration-convert-mbx-to-meu/).
 */
const MAILBOX_ONLY_ATTRIBUTES: readonly string[] = [
  ExchangeAttribute.homeMdb,
  ExchangeAttribute.homeMta,
  ExchangeAttribute.homeServerName,
  ExchangeAttribute.mdbUseDefaults,
  ExchangeAttribute.mailboxSecurityDescriptor,
  ExchangeAttribute.userAccountControl,
  ExchangeAttribute.policiesIncluded,
];

/**
 * msExchRecipientTypeDetails and msExchRecipientDisplayType of a mail-enabled user, as
 * Enable-MailUser writes them: RecipientTypeDetails.MailUser (128) and
 * RecipientDisplayType.RemoteMailUser (6). A user mailbox has 1 (UserMailbox) and
 * 1073741824 (ACL-able MailboxUser).
 */
const MAIL_USER_RECIPIENT_TYPE_DETAILS = '128';
const MAIL_USER_RECIPIENT_DISPLAY_TYPE = '6';

/**
 * The value Set-MailUser -EmailAddressPolicyEnabled $false writes to msExchPoliciesExcluded.
 * The Microsoft script turns the policy off ("Disable RUS") so the Recipient Update Service
 * does not rewrite the proxy addresses it has just restored.
 */
const EMAIL_ADDRESS_POLICY_EXCLUDED = '{26491cfc-9e50-4857-861b-0cb8df22b5d7}';

/**
 * The change that makes Exchange forward a user's mail to the cloud mailbox, or none when
 * targetAddress already says so. This is the staged migration's "configures mail forwarding"
 * step: the on-premises TargetAddress holds the Exchange Online mailbox's address.
 */
export function planTargetAddress(entry: Entry, cloudAddress: string): Change[] {
  if (isTargetAddressFor(readEntryValue(entry, ExchangeAttribute.targetAddress), cloudAddress)) return [];
  const modification = new Attribute({ type: ExchangeAttribute.targetAddress, values: [toTargetAddressValue(cloudAddress)] });
  return [new Change({ operation: 'replace', modification })];
}

/**
 * The LDAP changes that turn a migrated mailbox user into a mail-enabled user (MEU), computed
 * from the entry as it is now, so that a converted user yields no change at all. It reproduces,
 * in one atomic modify (RFC 4511 section 4.6), what Microsoft's Exchange2007MBtoMEU.ps1 does
 * with Disable-Mailbox, Enable-MailUser and Set-MailUser, as described in "Convert Exchange 2007
 * mailboxes to mail-enabled users in Exchange Online"
 * (https://learn.microsoft.com/exchange/mailbox-migration/perform-a-staged-migration/convert-exchange-2007-mailboxes):
 *
 * - targetAddress becomes `SMTP:<cloud address>` (Enable-MailUser -ExternalEmailAddress), so
 *   mail keeps flowing to Exchange Online;
 * - the mailbox attributes go (homeMDB, homeMTA, msExchHomeServerName, mDBUseDefaults,
 *   msExchMailboxSecurityDescriptor, msExchUserAccountControl, msExchPoliciesIncluded);
 *   msExchMailboxGuid goes too, unless the cloud mailbox's GUID is known: the script writes
 *   that one, for offboarding;
 * - msExchRecipientTypeDetails 128 (MailUser) and msExchRecipientDisplayType 6 (RemoteMailUser);
 * - proxyAddresses, mail, legacyExchangeDN and mailNickname stay; the on-premises
 *   legacyExchangeDN (and the cloud one, when known) are added as `x500:` proxy addresses,
 *   so replies to old mail and Outlook's cached recipients still resolve after directory sync;
 * - the email address policy is turned off for the user (msExchPoliciesExcluded), as the
 *   script's "Disable RUS" step does, so the Recipient Update Service leaves those addresses be.
 */
export function planMailEnabledUserConversion(entry: Entry, cloudAddress: string, cloud: CloudMailboxIdentity = {}): Change[] {
  const changes = [...planTargetAddress(entry, cloudAddress)];
  for (const attribute of MAILBOX_ONLY_ATTRIBUTES) {
    if (readEntryValues(entry, attribute).length > 0) changes.push(deleteAll(attribute));
  }
  changes.push(...planMailboxGuid(entry, cloud.mailboxGuid));
  changes.push(...replaceIfDifferent(entry, ExchangeAttribute.recipientTypeDetails, MAIL_USER_RECIPIENT_TYPE_DETAILS));
  changes.push(...replaceIfDifferent(entry, ExchangeAttribute.recipientDisplayType, MAIL_USER_RECIPIENT_DISPLAY_TYPE));
  const legacyDns = [readEntryValue(entry, ExchangeAttribute.legacyExchangeDn), cloud.legacyExchangeDn];
  changes.push(
    ...addMissing(
      entry,
      ExchangeAttribute.proxyAddresses,
      legacyDns.filter(isText).map((dn) => `x500:${dn}`),
    ),
  );
  changes.push(...addMissing(entry, ExchangeAttribute.policiesExcluded, [EMAIL_ADDRESS_POLICY_EXCLUDED]));
  return changes;
}

function planMailboxGuid(entry: Entry, cloudMailboxGuid: string | undefined): Change[] {
  const current = readEntryBuffers(entry, ExchangeAttribute.mailboxGuid)[0];
  if (cloudMailboxGuid === undefined) return current ? [deleteAll(ExchangeAttribute.mailboxGuid)] : [];
  const wanted = toExchangeGuidBytes(cloudMailboxGuid);
  if (current?.equals(wanted)) return [];
  return [new Change({ operation: 'replace', modification: new Attribute({ type: ExchangeAttribute.mailboxGuid, values: [wanted] }) })];
}

function replaceIfDifferent(entry: Entry, type: string, value: string): Change[] {
  if (readEntryValue(entry, type) === value) return [];
  return [new Change({ operation: 'replace', modification: new Attribute({ type, values: [value] }) })];
}

/** Adds the values the attribute lacks, compared case-insensitively as Active Directory compares them. */
function addMissing(entry: Entry, type: string, values: string[]): Change[] {
  const present = new Set(readEntryValues(entry, type).map((value) => value.toLowerCase()));
  const missing = [...new Map(values.map((value) => [value.toLowerCase(), value])).entries()].filter(([key]) => !present.has(key)).map(([, value]) => value);
  if (missing.length === 0) return [];
  return [new Change({ operation: 'add', modification: new Attribute({ type, values: missing }) })];
}

/** A delete without values removes the whole attribute (RFC 4511 section 4.6). */
function deleteAll(type: string): Change {
  return new Change({ operation: 'delete', modification: new Attribute({ type, values: [] }) });
}

function isText(value: string | undefined): value is string {
  return value !== undefined && value.length > 0;
}
