import type { Organization, User } from '@microsoft/microsoft-graph-types';
import { MigrationError } from '../../core/errors/migrationError';
import { type BatchAnswer, type BatchItem, describeGraphError, MAX_BATCH_REQUESTS, sendBatch } from './graphBatch';
import type { GraphSession } from './graphConnection';
import { odataString, pathSegment, withQuery } from './odataQuery';
import type { MailboxState, Tenant, TenantUser } from '../../services/ports/tenant';

const USER_FIELDS = 'id,userPrincipalName,mail,proxyAddresses,assignedLicenses,usageLocation,onPremisesSyncEnabled';

/**
 * The tenant-side steps of a staged migration through Graph: the directory-sync check, the
 * mail-enabled users made by directory synchronisation, usage locations, licences, passwords, and
 * whether a user's Exchange Online mailbox answers yet.
 */
export class GraphTenant implements Tenant {
  constructor(private readonly graph: GraphSession) {}

  /** Staged migration needs directory synchronisation (organization.onPremisesSyncEnabled). */
  async isDirectorySyncEnabled(): Promise<boolean> {
    return (await this.organization()).onPremisesSyncEnabled === true;
  }

  /**
   * The tenant's country (organization.countryLetterCode, https://learn.microsoft.com/graph/api/resources/organization),
   * the usage location of last resort for a user who has none.
   */
  async countryLetterCode(): Promise<string | undefined> {
    return (await this.organization()).countryLetterCode ?? undefined;
  }

  /**
   * Looks users up by address, 20 to a `$batch`; an address with no user maps to undefined.
   * `/users/{id | userPrincipalName}` is the only direct lookup (https://learn.microsoft.com/graph/api/user-get),
   * so an address that is not a UPN is then looked for by `proxyAddresses` and by `mail`, which both take
   * `eq` without advanced query parameters (https://learn.microsoft.com/graph/aad-advanced-queries).
   */
  async findUsers(addresses: string[]): Promise<Map<string, TenantUser | undefined>> {
    const found = new Map<string, TenantUser | undefined>();
    const byUpn = await this.lookUp(addresses, (address) => withQuery(`/users/${pathSegment(address)}`, { $select: USER_FIELDS }));
    const missing = addresses.filter((address) => !byUpn.get(address));
    const byProxy = await this.lookUp(missing, (address) =>
      withQuery('/users', { $filter: `proxyAddresses/any(x:x eq ${odataString(`smtp:${address}`)})`, $select: USER_FIELDS }),
    );
    const stillMissing = missing.filter((address) => !byProxy.get(address));
    const byMail = await this.lookUp(stillMissing, (address) => withQuery('/users', { $filter: `mail eq ${odataString(address)}`, $select: USER_FIELDS }));
    for (const address of addresses) found.set(address.toLowerCase(), byUpn.get(address) ?? byProxy.get(address) ?? byMail.get(address));
    return found;
  }

  async findUser(address: string): Promise<TenantUser | undefined> {
    return (await this.findUsers([address])).get(address.toLowerCase());
  }

  /**
   * A licence needs a usage location first: "Required for users that are assigned licenses"
   * (https://learn.microsoft.com/graph/api/resources/user); directory synchronisation often leaves it empty.
   */
  async setUsageLocation(userId: string, usageLocation: string): Promise<void> {
    await this.graph.client.api(`/users/${pathSegment(userId)}`).patch({ usageLocation } satisfies User);
  }

  /** https://learn.microsoft.com/graph/api/user-assignlicense; assigning a licence the user has is harmless. */
  async assignLicense(userId: string, skuId: string): Promise<void> {
    await this.graph.client.api(`/users/${pathSegment(userId)}/assignLicense`).post({ addLicenses: [{ skuId, disabledPlans: [] }], removeLicenses: [] });
  }

  /**
   * Sets the password from the batch CSV (Exchange Online's staged migration does the same). As an app
   * this needs a permission that covers passwordProfile and, on the app's service principal, at least the
   * User Administrator role (https://learn.microsoft.com/graph/api/user-update); without the role Graph
   * answers 403, which is turned into the sentence that says so.
   */
  async setPassword(userId: string, password: string, forceChangePasswordNextSignIn: boolean): Promise<void> {
    try {
      await this.graph.client.api(`/users/${pathSegment(userId)}`).patch({ passwordProfile: { password, forceChangePasswordNextSignIn } } satisfies User);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 403) throw error;
      throw new MigrationError(
        'PasswordNotAllowed',
        'Microsoft 365 refused to set the password from the CSV (403 Insufficient privileges): the app needs User-PasswordProfile.ReadWrite.All or User.ReadWrite.All, and its service principal the "User Administrator" role (Entra admin center > Roles and administrators > User Administrator > Add assignments; https://learn.microsoft.com/graph/api/user-update).',
      );
    }
  }

  /**
   * Whether the user's Exchange Online mailbox answers. Until it is provisioned (typically under 30 minutes
   * after the licence, up to 24 hours: Microsoft's "delays provisioning mailboxes" page) Graph answers
   * mail requests with 404 MailboxNotEnabledForRESTAPI.
   */
  async mailboxState(userId: string): Promise<MailboxState> {
    try {
      await this.graph.client.api(withQuery(`/users/${pathSegment(userId)}/mailFolders/inbox`, { $select: 'id' })).get();
      return { ready: true };
    } catch (error) {
      const { code, message } = error as { code?: string; message?: string };
      if (
        code === 'MailboxNotEnabledForRESTAPI' ||
        code === 'MailboxNotSupportedForRESTAPI' ||
        code === 'ResourceNotFound' ||
        code === 'ErrorMailboxNotProvisioned'
      ) {
        return { ready: false, reason: `${code}: ${message ?? ''}`.trim() };
      }
      throw error;
    }
  }

  /** The application permissions the app's token carries (its `roles` claim: access-token claims reference). */
  async grantedRoles(): Promise<string[]> {
    const token = await this.graph.accessToken();
    const payload = token.split('.')[1];
    if (!payload) return [];
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { roles?: unknown };
      return Array.isArray(claims.roles) ? claims.roles.filter((role): role is string => typeof role === 'string') : [];
    } catch {
      return [];
    }
  }

  /** Sends a message from a tenant mailbox (the batch's status emails). */
  async sendMail(from: string, message: { to: string[]; subject: string; html: string }): Promise<void> {
    await this.graph.client.api(`/users/${pathSegment(from)}/sendMail`).post({
      message: {
        subject: message.subject,
        body: { contentType: 'html', content: message.html },
        toRecipients: message.to.map((address) => ({ emailAddress: { address } })),
      },
      saveToSentItems: true,
    });
  }

  private async organization(): Promise<Organization> {
    const page = (await this.graph.client.api(withQuery('/organization', { $select: 'id,onPremisesSyncEnabled,countryLetterCode' })).get()) as {
      value: Organization[];
    };
    return page.value[0] ?? {};
  }

  /** One GET per address, 20 to a parallel `$batch`; a user list answer takes its only user. */
  private async lookUp(addresses: string[], urlOf: (address: string) => string): Promise<Map<string, TenantUser | undefined>> {
    const found = new Map<string, TenantUser | undefined>();
    for (let start = 0; start < addresses.length; start += MAX_BATCH_REQUESTS) {
      const chunk = addresses.slice(start, start + MAX_BATCH_REQUESTS);
      const requests: BatchItem[] = chunk.map((address, i) => ({ id: String(i), method: 'GET', url: urlOf(address) }));
      const answers = await sendBatch({ client: this.graph.client, budgets: this.graph, counter: this.graph.counter }, requests, 'parallel');
      chunk.forEach((address, i) => found.set(address, toFoundUser(address, answers.get(String(i)))));
    }
    return found;
  }
}

function toFoundUser(address: string, answer: BatchAnswer | undefined): TenantUser | undefined {
  if (!answer || answer.status === 404) return undefined;
  if (answer.status === 0 || answer.status >= 400) {
    throw new MigrationError(
      'TenantLookupFailed',
      `Looking up ${address} in Microsoft 365 failed: ${describeGraphError(answer)}`,
      answer.status === 0 || answer.status >= 500 || answer.status === 429 ? 'transient' : 'permanent',
    );
  }
  const body = answer.body as User & { value?: User[] };
  const user = body.value ? (body.value.length === 1 ? body.value[0] : undefined) : body;
  return user?.id ? toTenantUser(user) : undefined;
}

function toTenantUser(user: User): TenantUser {
  const skus = new Set((user.assignedLicenses ?? []).map((l) => (l.skuId ?? '').toLowerCase()));
  return {
    id: user.id!,
    userPrincipalName: user.userPrincipalName ?? '',
    mail: user.mail ?? null,
    proxyAddresses: user.proxyAddresses ?? [],
    usageLocation: user.usageLocation ?? null,
    onPremisesSyncEnabled: user.onPremisesSyncEnabled === true,
    hasLicense: (skuId) => skus.has(skuId.toLowerCase()),
  };
}
