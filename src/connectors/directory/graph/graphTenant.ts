import type { Client } from '@microsoft/microsoft-graph-client';
import { MigrationError } from '../../../core/errors/migrationError';
import { type BatchItem, describeGraphError, MAX_BATCH_REQUESTS, sendBatch } from '../../target/graph/graphBatch';

/** A user of the Microsoft 365 tenant, as the migration needs to know it. */
export interface TenantUser {
  id: string;
  userPrincipalName: string;
  mail: string | null;
  proxyAddresses: string[];
  hasLicense: (skuId: string) => boolean;
}

interface GraphUser { id: string; userPrincipalName: string; mail: string | null; proxyAddresses?: string[]; assignedLicenses?: { skuId: string }[] }

const USER_FIELDS = 'id,userPrincipalName,mail,proxyAddresses,assignedLicenses';

/**
 * The tenant-side steps of a staged migration through Graph: the directory-sync check, the
 * mail-enabled users made by directory synchronisation, licences, passwords, and whether a
 * user's Exchange Online mailbox answers yet.
 */
export class GraphTenant {
  constructor(private readonly client: Client) {}

  /** Staged migration needs directory synchronisation (organization.onPremisesSyncEnabled). */
  async isDirectorySyncEnabled(): Promise<boolean> {
    const page = (await this.client.api('/organization').select('id,onPremisesSyncEnabled').get()) as { value: { onPremisesSyncEnabled: boolean | null }[] };
    return page.value[0]?.onPremisesSyncEnabled === true;
  }

  /** Looks users up by address, 20 to a `$batch`; an address with no user maps to undefined. */
  async findUsers(addresses: string[]): Promise<Map<string, TenantUser | undefined>> {
    const found = new Map<string, TenantUser | undefined>();
    for (let start = 0; start < addresses.length; start += MAX_BATCH_REQUESTS) {
      const chunk = addresses.slice(start, start + MAX_BATCH_REQUESTS);
      const requests: BatchItem[] = chunk.map((address, i) => ({ id: String(i), method: 'GET', url: `/users/${encodeURIComponent(address)}?$select=${USER_FIELDS}` }));
      const answers = await sendBatch(this.client, requests);
      chunk.forEach((address, i) => {
        const answer = answers.get(String(i));
        if (!answer || answer.status === 404) return found.set(address.toLowerCase(), undefined);
        if (answer.status >= 400) throw new MigrationError('TenantLookupFailed', `Looking up ${address} in Microsoft 365 failed: ${describeGraphError(answer)}`, answer.status >= 500 ? 'transient' : 'permanent');
        found.set(address.toLowerCase(), toTenantUser(answer.body as GraphUser));
      });
    }
    return found;
  }

  async findUser(address: string): Promise<TenantUser | undefined> {
    return (await this.findUsers([address])).get(address.toLowerCase());
  }

  async assignLicense(userId: string, skuId: string): Promise<void> {
    await this.client.api(`/users/${encodeURIComponent(userId)}/assignLicense`).post({ addLicenses: [{ skuId, disabledPlans: [] }], removeLicenses: [] });
  }

  /** Sets the password from the batch CSV (Exchange Online's staged migration does the same). */
  async setPassword(userId: string, password: string, forceChangePasswordNextSignIn: boolean): Promise<void> {
    await this.client.api(`/users/${encodeURIComponent(userId)}`).patch({ passwordProfile: { password, forceChangePasswordNextSignIn } });
  }

  /**
   * True once the user's Exchange Online mailbox answers. Until then Graph answers mail requests
   * with MailboxNotEnabledForRESTAPI (it takes a while after the licence is assigned).
   */
  async mailboxAnswers(userId: string): Promise<boolean> {
    try {
      await this.client.api(`/users/${encodeURIComponent(userId)}/mailFolders/inbox`).select('id').get();
      return true;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'MailboxNotEnabledForRESTAPI' || code === 'ResourceNotFound' || code === 'ErrorMailboxNotProvisioned') return false;
      throw error;
    }
  }

  /** Sends a message from a tenant mailbox (the batch's status emails). */
  async sendMail(from: string, message: { to: string[]; subject: string; html: string }): Promise<void> {
    await this.client.api(`/users/${encodeURIComponent(from)}/sendMail`).post({
      message: {
        subject: message.subject,
        body: { contentType: 'HTML', content: message.html },
        toRecipients: message.to.map((address) => ({ emailAddress: { address } })),
      },
      saveToSentItems: true,
    });
  }
}

function toTenantUser(user: GraphUser): TenantUser {
  const skus = new Set((user.assignedLicenses ?? []).map((l) => l.skuId.toLowerCase()));
  return {
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    mail: user.mail,
    proxyAddresses: user.proxyAddresses ?? [],
    hasLicense: (skuId) => skus.has(skuId.toLowerCase()),
  };
}

/**
 * The address on-premises mail is forwarded to: the tenant's routing address
 * (`…@tenant.mail.onmicrosoft.com`) when the user has one, as Exchange Online sets targetAddress;
 * otherwise the user's primary address in the cloud.
 */
export function cloudRoutingAddress(user: TenantUser): string {
  const routing = user.proxyAddresses.map((p) => p.replace(/^smtp:/i, '')).find((a) => /\.mail\.onmicrosoft\.com$/i.test(a));
  return routing ?? user.mail ?? user.userPrincipalName;
}
