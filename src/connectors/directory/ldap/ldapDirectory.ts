import { MigrationError } from '../../../core/errors/migrationError';
import {
  type CloudMailboxIdentity,
  DirectoryErrorCode,
  type DirectoryWriteResult,
  type OnPremisesDirectory,
  type OnPremisesUser,
} from '../onPremisesDirectory';
import { applyPlannedChanges } from './applyPlannedChanges';
import { checkSmtpAddress } from './checkSmtpAddress';
import { BINARY_ATTRIBUTES, USER_ATTRIBUTES } from './exchangeRecipientAttributes';
import { type LdapDirectoryOptions, type ResolvedLdapDirectoryOptions, resolveLdapDirectoryOptions } from './ldapDirectoryOptions';
import { planMailEnabledUserConversion } from './planMailEnabledUserConversion';
import { planTargetAddress } from './planTargetAddress';
import { toOnPremisesUser } from './toOnPremisesUser';
import { toPrimarySmtpFilter } from './toPrimarySmtpFilter';
import { withLdapSession } from './withLdapSession';

export type { LdapDirectoryOptions } from './ldapDirectoryOptions';

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
      const { searchEntries } = await client.search(this.options.baseDn, {
        scope: 'sub',
        filter: toPrimarySmtpFilter(address),
        attributes: [...USER_ATTRIBUTES],
        explicitBufferAttributes: [...BINARY_ATTRIBUTES],
      });
      // The directory matched case-insensitively; only a user whose *primary* address this is counts.
      const wanted = address.toLowerCase();
      const users = searchEntries.map(toOnPremisesUser).filter((user) => user.primarySmtp.toLowerCase() === wanted);
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
