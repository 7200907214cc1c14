import type { ImapFlowError } from 'imapflow';

import { MigrationError } from '../../core/errors/migrationError';
import { MailErrorCode } from '../../core/errors/migrationErrorCode';

/** Node and imapflow codes for a server that could not be reached at all. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'CONNECT_TIMEOUT', 'GREETING_TIMEOUT']);
/** Codes for a connection that dropped or stalled after it was up. */
const DROPPED = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ETIMEOUT',
  'NoConnection',
  'EConnectionClosed',
  'StateLogout',
  'ClosedAfterConnectText',
  'ClosedAfterConnectTLS',
  'UPGRADE_TIMEOUT',
  'LockTimeout',
]);
/** RFC 5530 response codes saying "try again later". */
const TRANSIENT_RESPONSE_CODES = new Set(['UNAVAILABLE', 'INUSE', 'LIMIT', 'SERVERBUG', 'CONTACTADMIN']);

export interface ErrorContext {
  side: 'source' | 'target';
  /** host:port, for the administrator. */
  server: string;
  /** The login name (never the password). */
  login: string;
  folder?: string;
}

/**
 * Turns whatever imapflow or the socket threw into a MigrationError with a stable code and a
 * transient/permanent class. The message is built from known parts only: imapflow errors may
 * carry the executed command, and a LOGIN command holds the password.
 */
export function toMailError(error: unknown, context: ErrorContext): MigrationError {
  if (error instanceof MigrationError) return error;
  const e = (error ?? {}) as ImapFlowError;
  const code = e.code ?? '';
  const where = `${context.server}${context.folder ? `, folder "${context.folder}"` : ''}`;
  if (e.authenticationFailed) {
    const authCode = context.side === 'source' ? MailErrorCode.SourceAuthFailed : MailErrorCode.TargetAuthFailed;
    return new MigrationError(authCode, `${where} refused the login of ${context.login}.`, 'permanent');
  }
  if (code === 'ETHROTTLE') {
    const seconds = Math.ceil((e.throttleReset ?? 30_000) / 1000);
    return new MigrationError(MailErrorCode.Throttled, `${where} is throttling ${context.login}.`, 'transient', seconds);
  }
  if (e.tlsFailed || code.startsWith('ERR_TLS') || code.includes('CERT') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
    return new MigrationError(MailErrorCode.TlsFailed, `TLS with ${where} failed (${code || 'handshake'}).`, 'permanent');
  }
  if (UNREACHABLE.has(code)) {
    return new MigrationError(MailErrorCode.ConnectionFailed, `Cannot reach ${where} (${code}).`, 'transient');
  }
  if (DROPPED.has(code)) {
    return new MigrationError(MailErrorCode.ConnectionLost, `The connection to ${where} was lost (${code}).`, 'transient');
  }
  // imapflow raises `NotFound` itself when the server answers that the mailbox does not exist.
  if (e.mailboxMissing || e.serverResponseCode === 'NONEXISTENT' || code === 'NotFound') {
    return new MigrationError(MailErrorCode.FolderNotFound, `${where} has no such folder.`, 'permanent');
  }
  const serverText = typeof e.responseText === 'string' ? `: ${e.responseText.slice(0, 200)}` : '';
  const transient = TRANSIENT_RESPONSE_CODES.has(e.serverResponseCode ?? '') || !e.responseStatus;
  return new ImapCommandRefused(
    `${where} failed a command for ${context.login} (${e.serverResponseCode ?? (code || 'unknown')})${serverText}`,
    transient ? 'transient' : 'permanent',
    e.responseStatus === 'NO' || e.responseStatus === 'BAD' ? (e.serverResponseCode ?? '') : undefined,
  );
}

/**
 * A command the server answered NO or BAD. `responseCode` is its RFC 5530 code (TOOBIG, OVERQUOTA,
 * TRYCREATE...; empty when it gave none), undefined when no answer came at all.
 */
export class ImapCommandRefused extends MigrationError {
  constructor(
    message: string,
    errorClass: 'transient' | 'permanent',
    readonly responseCode: string | undefined,
  ) {
    super(MailErrorCode.CommandRejected, message, errorClass);
    this.name = 'ImapCommandRefused';
  }
}
