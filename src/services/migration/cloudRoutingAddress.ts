import type { TenantUser } from '../ports/tenant';

/**
 * The address on-premises mail is forwarded to: the tenant's routing address
 * (`…@tenant.mail.onmicrosoft.com`) when the user has one, as Exchange Online sets targetAddress;
 * otherwise the user's primary address in the cloud.
 */
export function cloudRoutingAddress(user: TenantUser): string {
  const routing = user.proxyAddresses.map((p) => p.replace(/^smtp:/i, '')).find((a) => /\.mail\.onmicrosoft\.com$/i.test(a));
  return routing ?? user.mail ?? user.userPrincipalName;
}
