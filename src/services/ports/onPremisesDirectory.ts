/**
 * The on-premises Active Directory as the staged migration sees it: find the user behind a
 * mailbox, forward its mail to the cloud while it is migrated, and turn it into a mail-enabled
 * user when the batch is completed.
 *
 * See "What you need to know about a staged email migration"
 * (https://learn.microsoft.com/exchange/mailbox-migration/what-to-know-about-a-staged-migration)
 * and "Convert Exchange 2007 mailboxes to mail-enabled users in Exchange Online"
 * (https://learn.microsoft.com/exchange/mailbox-migration/perform-a-staged-migration/convert-exchange-2007-mailboxes).
 *
 * Every write is idempotent: it reads the entry, changes only what differs, and reports whether
 * it changed anything, so a retried Durable activity neither fails nor writes twice.
 */

/** A user of the on-premises directory, reduced to what the migration needs. */
export interface OnPremisesUser {
  dn: string;
  samAccountName: string;
  /** The `SMTP:` (upper case) entry of proxyAddresses, or `mail` when there is none. */
  primarySmtp: string;
  /** Every proxy address as stored, with its type prefix (`SMTP:`, `smtp:`, `x500:`, `X400:`...). */
  proxyAddresses: string[];
  legacyExchangeDn?: string;
  /** Where Exchange forwards mail for this user, without the `SMTP:` prefix it is stored with. */
  targetAddress?: string;
  /** The user still has an on-premises mailbox (homeMDB is set). */
  isMailbox: boolean;
  /** No mailbox, but a targetAddress: Exchange routes its mail elsewhere (a mail-enabled user). */
  isMailEnabledUser: boolean;
  /**
   * msExchMailboxGuid is set: the on-premises mailbox's ExchangeGuid. Entra Connect syncs it by
   * default, and then Exchange Online never creates a mailbox for the user from a licence.
   */
  hasMailboxGuid: boolean;
}

/** What the Exchange Online side knows and the conversion can copy on-premises (all optional). */
export interface CloudMailboxIdentity {
  /**
   * The cloud mailbox's LegacyExchangeDN; added as an `x500:` proxy address so replies to old
   * messages and cached Outlook recipients still resolve.
   */
  legacyExchangeDn?: string;
  /**
   * The cloud mailbox's ExchangeGuid (e.g. `0a1b2c3d-...`); written to msExchMailboxGuid so the
   * mailbox could later be moved back on-premises (offboarding).
   */
  mailboxGuid?: string;
}

/** Whether a write changed the directory; false when the entry already had the wanted values. */
export interface DirectoryWriteResult {
  changed: boolean;
}

export interface OnPremisesDirectory {
  /**
   * The user whose primary SMTP address is `address` (case-insensitive), or undefined. A user
   * who has `address` only as a secondary (`smtp:`) proxy address is not returned.
   */
  findUserByPrimarySmtp(address: string): Promise<OnPremisesUser | undefined>;
  /** Forwards the user's mail to the cloud: targetAddress becomes `SMTP:<cloudAddress>`. */
  setTargetAddress(dn: string, cloudAddress: string): Promise<DirectoryWriteResult>;
  /**
   * Turns a migrated mailbox user into a mail-enabled user pointing at `cloudAddress`, as
   * Microsoft's Exchange2007MBtoMEU.ps1 does after a staged migration.
   */
  convertToMailEnabledUser(dn: string, cloudAddress: string, cloud?: CloudMailboxIdentity): Promise<DirectoryWriteResult>;
}
