import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';

import { Client, type ClientOptions, ResultCodeError } from 'ldapts';
import { z } from 'zod';

import { MigrationError } from '../../core/errors/migrationError';
import { DirectoryErrorCode } from '../../core/errors/migrationErrorCode';

/**
 * The connection to the on-premises directory: its settings, one bound connection per operation,
 * and the translation of every ldapts or socket failure into a classified MigrationError.
 */

/** How to reach and log in to the on-premises directory (a domain controller, or OpenLDAP in tests). */
const ldapDirectoryOptionsSchema = z.object({
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
 * Runs `work` on a fresh connection bound as the service account, then unbinds. One connection
 * per operation rather than a pool: each Durable activity does one short read-modify on the
 * directory, activities may run on different hosts, and domain controllers close idle LDAP
 * connections (MaxConnIdleTime, 900 s by default), so a kept connection would mostly be a stale
 * one. Every failure, including the bind's, leaves as a MigrationError.
 */
export async function withLdapSession<T>(options: ResolvedLdapDirectoryOptions, action: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client(toLdapClientOptions(options));
  try {
    if (options.startTls) await client.startTLS(toTlsOptions(options));
    await client.bind(options.bindDn, options.bindPassword);
    return await work(client);
  } catch (error) {
    throw toDirectoryError(error, { server: options.url, bindDn: options.bindDn, action });
  } finally {
    // A connection that already failed has nothing to unbind; that must not hide the first error.
    await client.unbind().catch(() => undefined);
  }
}

/**
 * The ldapts client options for these settings. TLS always verifies the server certificate.
 * tlsOptions only for ldaps://: ldapts opens a TLS socket whenever tlsOptions are set, even for
 * ldap:// (StartTLS gets them later, in withLdapSession).
 */
function toLdapClientOptions(options: ResolvedLdapDirectoryOptions): ClientOptions {
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
function toTlsOptions(options: ResolvedLdapDirectoryOptions): ConnectionOptions {
  const host = new URL(options.url).hostname.replace(/^\[|\]$/g, '');
  return {
    ca: options.caCertificatePem,
    minVersion: 'TLSv1.2',
    rejectUnauthorized: true,
    host,
    ...(isIP(host) === 0 ? { servername: host } : {}),
  };
}

interface DirectoryErrorContext {
  /** The directory URL (scheme, host, port): never holds credentials. */
  server: string;
  /** The service account DN (never the password). */
  bindDn: string;
  /** What was being done, for the administrator: `finding a@contoso.local`, `converting CN=...`. */
  action: string;
}

/** Node socket codes for a directory that could not be reached or dropped the connection. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EPIPE', 'ETIMEDOUT']);
/** ldapts reports timeouts and lost sockets as plain Errors; these are their fixed messages. */
const LOST_CONNECTION = /Connection timeout|Operation timed out|Socket error|Connection closed|Socket connection not established/;
/** TLS verification and handshake failures (Node's OpenSSL codes). */
const TLS_FAILURE = /CERT|^ERR_TLS|^ERR_SSL|^UNABLE_TO_|SELF_SIGNED/;

/**
 * LDAP result codes (RFC 4511 appendix A) by what they mean for the migration. Codes not listed
 * are refusals of the request itself: permanent.
 */
const RESULT_CODES: Record<number, { code: DirectoryErrorCode; transient: boolean }> = {
  3: { code: DirectoryErrorCode.Unavailable, transient: true }, // timeLimitExceeded
  11: { code: DirectoryErrorCode.Unavailable, transient: true }, // adminLimitExceeded
  51: { code: DirectoryErrorCode.Unavailable, transient: true }, // busy
  52: { code: DirectoryErrorCode.Unavailable, transient: true }, // unavailable
  7: { code: DirectoryErrorCode.AuthFailed, transient: false }, // authMethodNotSupported
  8: { code: DirectoryErrorCode.AuthFailed, transient: false }, // strongerAuthRequired
  13: { code: DirectoryErrorCode.AuthFailed, transient: false }, // confidentialityRequired
  48: { code: DirectoryErrorCode.AuthFailed, transient: false }, // inappropriateAuthentication
  49: { code: DirectoryErrorCode.AuthFailed, transient: false }, // invalidCredentials
  50: { code: DirectoryErrorCode.AccessDenied, transient: false }, // insufficientAccessRights
  32: { code: DirectoryErrorCode.UserNotFound, transient: false }, // noSuchObject
  34: { code: DirectoryErrorCode.InvalidInput, transient: false }, // invalidDNSyntax
};

/**
 * Turns whatever ldapts or the socket threw into a MigrationError with a stable code and a
 * transient/permanent class. Messages are built from known parts: the server's diagnostic text
 * is kept (it names the attribute or rule that failed) but the bind password never reaches it.
 */
function toDirectoryError(error: unknown, context: DirectoryErrorContext): MigrationError {
  if (error instanceof MigrationError) return error;
  const where = `${context.server} while ${context.action}`;
  if (error instanceof ResultCodeError) {
    const known = RESULT_CODES[error.code];
    const detail = `LDAP result ${error.code}: ${error.message.slice(0, 200)}`;
    if (known?.code === DirectoryErrorCode.AuthFailed) {
      return new MigrationError(known.code, `${context.server} refused the bind of ${context.bindDn} (${detail}).`, 'permanent');
    }
    if (known) return new MigrationError(known.code, `${where}: ${detail}`, known.transient ? 'transient' : 'permanent');
    return new MigrationError(DirectoryErrorCode.Rejected, `${where}: ${detail}`, 'permanent');
  }
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : '';
  const message = error instanceof Error ? error.message : '';
  if (TLS_FAILURE.test(code)) {
    return new MigrationError(DirectoryErrorCode.TlsFailed, `TLS with ${context.server} failed (${code}).`, 'permanent');
  }
  if (UNREACHABLE.has(code) || LOST_CONNECTION.test(message)) {
    return new MigrationError(DirectoryErrorCode.Unavailable, `Cannot reach ${where} (${code || message.split('\n')[0]}).`, 'transient');
  }
  return new MigrationError(DirectoryErrorCode.Rejected, `${where}: unexpected ${error instanceof Error ? error.name : typeof error}.`, 'permanent');
}
