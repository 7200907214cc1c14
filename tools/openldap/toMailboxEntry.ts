import { randomBytes } from 'node:crypto';

export interface MailboxSpec {
  samAccountName: string;
  primarySmtp: string;
  secondarySmtp?: string[];
  /**
   * Whether the user carries msExchMailboxGuid (default true, as every Exchange mailbox does). False
   * models a user whose mail lives elsewhere (an IMAP server) with no Exchange mailbox GUID to sync.
   */
  mailboxGuid?: boolean;
}

/** Exchange 2007 organisation names used by every fixture mailbox. */
const ORGANIZATION = 'Contoso';
const ADMIN_GROUP = 'Exchange Administrative Group (FYDIBOHF23SPDLT)';
const SERVER = 'EX2007';

/**
 * The attributes Exchange 2007 writes on a user when it gets a mailbox (Enable-Mailbox), with
 * values shaped like a real organisation's: homeMDB names the mailbox database, legacyExchangeDN
 * is the X.500 address Outlook cached in nicknames and replies, msExchRecipientTypeDetails 1 is
 * UserMailbox and msExchRecipientDisplayType 1073741824 is an ACL-able mailbox user.
 */
export function toMailboxEntry(spec: MailboxSpec, configurationDn: string): Record<string, string[] | Buffer[]> {
  const exchange = `CN=${ORGANIZATION},CN=Microsoft Exchange,CN=Services,${configurationDn}`;
  const server = `CN=${SERVER},CN=Servers,CN=${ADMIN_GROUP},CN=Administrative Groups,${exchange}`;
  const userPrincipalName = `${spec.samAccountName}@${domainOf(configurationDn)}`;
  return {
    objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson', 'user'],
    cn: [spec.samAccountName],
    sn: [spec.samAccountName],
    displayName: [spec.samAccountName],
    sAMAccountName: [spec.samAccountName],
    userPrincipalName: [userPrincipalName],
    mail: [spec.primarySmtp],
    mailNickname: [spec.samAccountName],
    proxyAddresses: [`SMTP:${spec.primarySmtp}`, ...(spec.secondarySmtp ?? []).map((address) => `smtp:${address}`)],
    legacyExchangeDN: [`/o=${ORGANIZATION}/ou=${ADMIN_GROUP}/cn=Recipients/cn=${spec.samAccountName}`],
    homeMDB: [`CN=Mailbox Database,CN=First Storage Group,CN=InformationStore,${server}`],
    homeMTA: [`CN=Microsoft MTA,${server}`],
    msExchHomeServerName: [`/o=${ORGANIZATION}/ou=${ADMIN_GROUP}/cn=Configuration/cn=Servers/cn=${SERVER}`],
    ...(spec.mailboxGuid === false ? {} : { msExchMailboxGuid: [randomBytes(16)] }),
    msExchMailboxSecurityDescriptor: [randomBytes(20)],
    mDBUseDefaults: ['TRUE'],
    msExchUserAccountControl: ['0'],
    msExchRecipientTypeDetails: ['1'],
    msExchRecipientDisplayType: ['1073741824'],
    msExchPoliciesIncluded: ['{26491cfc-9e50-4857-861b-0cb8df22b5d7},{26491cfc-9e50-4857-861b-0cb8df22b5d7}'],
    showInAddressBook: [
      `CN=Default Global Address List,CN=All Global Address Lists,CN=Address Lists Container,${exchange}`,
      `CN=All Users,CN=All Address Lists,CN=Address Lists Container,${exchange}`,
    ],
  };
}

/** `CN=Configuration,DC=contoso,DC=local` → `contoso.local`. */
function domainOf(dn: string): string {
  return dn
    .split(',')
    .filter((part) => /^dc=/i.test(part))
    .map((part) => part.slice(3))
    .join('.');
}
