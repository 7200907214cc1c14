import { type Change, type Client, type Entry, NoSuchAttributeError, TypeOrValueExistsError } from 'ldapts';

import { MigrationError } from '../../core/errors/migrationError';
import { type CloudMailboxIdentity, type DirectoryWriteResult, type OnPremisesDirectory, type OnPremisesUser } from '../../services/ports/onPremisesDirectory';
import { toOnPremisesUser } from './exchangeAttributes';
import { checkSmtpAddress, readUserEntry, searchUsersByAddress } from './ldapSearch';
import { type LdapDirectoryOptions, type ResolvedLdapDirectoryOptions, resolveLdapDirectoryOptions, withLdapSession } from './ldapSession';
import { planMailEnabledUserConversion, planTargetAddress } from './mailEnabledUserPlan';
import { DirectoryErrorCode } from '../../core/errors/migrationErrorCode';

/**
 * The on-premises Active Directory (Exchange 2003/2007 schema) over LDAP, with ldapts. Each call
 * opens its own bound connection and closes it (see withLdapSession); failures are
 * MigrationErrors with a DirectoryErrorCode and a transient/permanent class.
 */
export class LdapDirectory implements OnPremisesDirectory {
  private readonly options: ResolvedLdapDirectoryOptions;

  constructor(options: LdapDirectoryOptions) {
    this.options = resolveLdapDirectoryOptions(options);
  }

  async findUserByPrimarySmtp(address: string): Promise<OnPremisesUser | undefined> {
    checkSmtpAddress(address, 'address');
    return withLdapSession(this.options, `finding the user of ${address}`, async (client) => {
      const entries = await searchUsersByAddress(client, this.options.baseDn, address);
      // The directory matched case-insensitively; only a user whose *primary* address this is counts.
      const wanted = address.toLowerCase();
      const users = entries.map(toOnPremisesUser).filter((user) => user.primarySmtp.toLowerCase() === wanted);
      if (users.length > 1) {
        const dns = users.map((user) => user.dn).join('; ');
        throw new MigrationError(DirectoryErrorCode.AmbiguousAddress, `${users.length} users have the primary address ${address}: ${dns}.`, 'permanent');
      }
      return users[0];
    });
  }

  async setTargetAddress(dn: string, cloudAddress: string): Promise<DirectoryWriteResult> {
    checkSmtpAddress(cloudAddress, 'cloud address');
    return withLdapSession(this.options, `setting the targetAddress of ${dn}`, (client) =>
      applyPlannedChanges(client, dn, (entry) => planTargetAddress(entry, cloudAddress)),
    );
  }

  async convertToMailEnabledUser(dn: string, cloudAddress: string, cloud?: CloudMailboxIdentity): Promise<DirectoryWriteResult> {
    checkSmtpAddress(cloudAddress, 'cloud address');
    return withLdapSession(this.options, `converting ${dn} to a mail-enabled user`, (client) =>
      applyPlannedChanges(client, dn, (entry) => planMailEnabledUserConversion(entry, cloudAddress, cloud)),
    );
  }
}

/** One retry covers an entry changed by someone else between our read and our modify. */
const ATTEMPTS = 2;

/**
 * Reads the user at `dn`, asks `plan` what must change, and applies exactly that in one modify;
 * nothing is written when the entry is already as wanted, which makes every write idempotent.
 * If the entry moved under us (a value we add appeared, an attribute we delete vanished), the
 * read and plan are repeated rather than failing the activity.
 */
async function applyPlannedChanges(client: Client, dn: string, plan: (entry: Entry) => Change[]): Promise<DirectoryWriteResult> {
  for (let attempt = 1; ; attempt += 1) {
    const entry = await readUserEntry(client, dn);
    if (!entry) throw new MigrationError(DirectoryErrorCode.UserNotFound, `The directory has no user ${dn}.`, 'permanent');
    const changes = plan(entry);
    if (changes.length === 0) return { changed: false };
    try {
      await client.modify(entry.dn, changes);
      return { changed: true };
    } catch (error) {
      const raced = error instanceof NoSuchAttributeError || error instanceof TypeOrValueExistsError;
      if (!raced || attempt >= ATTEMPTS) throw error;
    }
  }
}
