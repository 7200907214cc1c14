import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';

import type { ClientOptions } from 'ldapts';
import { z } from 'zod';

import { MigrationError } from '../../../core/errors/migrationError';
import { DirectoryErrorCode } from '../onPremisesDirectory';

/** How to reach and log in to the on-premises directory (a domain controller, or OpenLDAP in tests). */
export const ldapDirectoryOptionsSchema = z.object({
  /** `ldap://dc01.contoso.local` (389) or `ldaps://dc01.contoso.local` (636); host and port only. */
  url: z.string().regex(/^ldaps?:\/\/[^/?#\s]+\/?$/i, 'must be ldap://host[:port] or ldaps://host[:port]'),
  /** Distinguished name of the migration service account. */
  bindDn: z.string().min(1),
  bindPassword: z.string().min(1),
  /** Where user searches start, usually the domain's naming context (`DC=contoso,DC=local`). */
  baseDn: z.string().min(1),
  /** PEM certificate(s) to trust for ldaps:// or StartTLS, e.g. the enterprise CA; default: Node's CA list. */
  caCertificatePem: z.union([z.string(), z.array(z.string())]).optional(),
  /** Upgrade an ldap:// connection with StartTLS (RFC 4513 section 3) before binding. */
  startTls: z.boolean().default(false),
  connectTimeoutMs: z.number().int().positive().default(5_000),
  /** Per LDAP operation; a hung domain controller fails the activity, which Durable retries. */
  operationTimeoutMs: z.number().int().positive().default(15_000),
});

export type LdapDirectoryOptions = z.input<typeof ldapDirectoryOptionsSchema>;
export type ResolvedLdapDirectoryOptions = z.output<typeof ldapDirectoryOptionsSchema>;

/** Validates the options (naming the bad field, never echoing the password) and fills defaults. */
export function resolveLdapDirectoryOptions(options: LdapDirectoryOptions): ResolvedLdapDirectoryOptions {
  const parsed = ldapDirectoryOptionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  throw new MigrationError(DirectoryErrorCode.InvalidInput, `The on-premises directory settings are invalid (${problems}).`, 'permanent');
}

/**
 * The ldapts client options for these settings. TLS always verifies the server certificate.
 * tlsOptions only for ldaps://: ldapts opens a TLS socket whenever tlsOptions are set, even for
 * ldap:// (StartTLS gets them later, in withLdapSession).
 */
export function toLdapClientOptions(options: ResolvedLdapDirectoryOptions): ClientOptions {
  const secure = /^ldaps:/i.test(options.url);
  return {
    url: options.url,
    connectTimeout: options.connectTimeoutMs,
    timeout: options.operationTimeoutMs,
    ...(secure ? { tlsOptions: toTlsOptions(options) } : {}),
  };
}

/**
 * TLS settings for ldaps:// and StartTLS. StartTLS upgrades an existing socket, where Node has
 * no host to check the certificate against unless told (it would check "localhost"), so the
 * URL's host is passed; SNI (servername) only for names, as RFC 6066 section 3 forbids IPs.
 */
export function toTlsOptions(options: ResolvedLdapDirectoryOptions): ConnectionOptions {
  const host = new URL(options.url).hostname.replace(/^\[|\]$/g, '');
  return {
    ca: options.caCertificatePem,
    minVersion: 'TLSv1.2',
    rejectUnauthorized: true,
    host,
    ...(isIP(host) === 0 ? { servername: host } : {}),
  };
}
