/**
 * What the migration needs of the Microsoft 365 tenant (connectors/graph/graphTenant.ts does
 * it through Graph): directory synchronisation, users, licences, passwords, mailboxes, the status email.
 */

/** A user of the Microsoft 365 tenant, as the migration needs to know it. */
export interface TenantUser {
  id: string;
  userPrincipalName: string;
  mail: string | null;
  proxyAddresses: string[];
  usageLocation: string | null;
  onPremisesSyncEnabled: boolean;
  hasLicense: (skuId: string) => boolean;
}

/** Whether the user's Exchange Online mailbox answers, and if not, what Graph said. */
export type MailboxState = { ready: true } | { ready: false; reason: string };

export interface Tenant {
  /** Staged migration needs directory synchronisation (organization.onPremisesSyncEnabled). */
  isDirectorySyncEnabled(): Promise<boolean>;
  /** The tenant's country, the usage location of last resort for a user who has none. */
  countryLetterCode(): Promise<string | undefined>;
  /** Users by address (lower-cased keys); an address with no user maps to undefined. */
  findUsers(addresses: string[]): Promise<Map<string, TenantUser | undefined>>;
  findUser(address: string): Promise<TenantUser | undefined>;
  setUsageLocation(userId: string, usageLocation: string): Promise<void>;
  assignLicense(userId: string, skuId: string): Promise<void>;
  setPassword(userId: string, password: string, forceChangePasswordNextSignIn: boolean): Promise<void>;
  /** Whether the user's Exchange Online mailbox answers yet. */
  mailboxState(userId: string): Promise<MailboxState>;
  /** The application permissions the app's token carries. */
  grantedRoles(): Promise<string[]>;
  /** Sends a message from a tenant mailbox (the batch's status emails). */
  sendMail(from: string, message: { to: string[]; subject: string; html: string }): Promise<void>;
}
