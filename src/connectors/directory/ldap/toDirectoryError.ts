import { ResultCodeError } from 'ldapts';

import { MigrationError } from '../../../core/errors/migrationError';
import { DirectoryErrorCode } from '../onPremisesDirectory';

export interface DirectoryErrorContext {
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
export function toDirectoryError(error: unknown, context: DirectoryErrorContext): MigrationError {
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
