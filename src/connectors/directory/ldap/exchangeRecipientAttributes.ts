/**
 * The Active Directory attributes Exchange 2003/2007 keeps on a recipient, and the values that
 * make a user a mailbox or a mail-enabled user (MEU). Names are lDAPDisplayNames; LDAP attribute
 * names are case-insensitive, so entries are read with readEntryValues, never by exact key.
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

/**
 * What Disable-Mailbox takes away from a user: the attributes that tie it to a mailbox database
 * and server. Their absence is what makes Exchange (and Autodiscover) stop treating the user as
 * a mailbox. msExchMailboxGuid is handled apart: the conversion replaces it with the cloud
 * mailbox's GUID when that is known. The list follows Microsoft's Exchange2007MBtoMEU.ps1 (see
 * https://learn.microsoft.com/exchange/mailbox-migration/perform-a-staged-migration/convert-exchange-2007-mailboxes)
 * and the attributes a converted user is observed to lose
 * (https://x500.co.uk/2018/04/03/exchange-2007-to-office-365-staged-migration-convert-mbx-to-meu/).
 */
export const MAILBOX_ONLY_ATTRIBUTES: readonly string[] = [
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
export const MAIL_USER_RECIPIENT_TYPE_DETAILS = '128';
export const MAIL_USER_RECIPIENT_DISPLAY_TYPE = '6';

/**
 * The value Set-MailUser -EmailAddressPolicyEnabled $false writes to msExchPoliciesExcluded.
 * The Microsoft script turns the policy off ("Disable RUS") so the Recipient Update Service
 * does not rewrite the proxy addresses it has just restored.
 */
export const EMAIL_ADDRESS_POLICY_EXCLUDED = '{26491cfc-9e50-4857-861b-0cb8df22b5d7}';

/** Every attribute the connector reads from a user. */
export const USER_ATTRIBUTES: readonly string[] = Object.values(ExchangeAttribute);
