import { MigrationError } from '../../core/errors/migrationError';
import { ItemSourceErrorCode } from '../../core/errors/migrationErrorCode';

export interface DavErrorContext {
  /** host:port of the DAV server, for the administrator. */
  server: string;
  /** The login name (never the password). */
  login: string;
}

/** Node and undici codes for a server that could not be reached at all. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
/** Codes for a connection that dropped or stalled after it was up. */
const DROPPED = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_ABORTED',
]);
const TLS_CODES = /^(ERR_TLS|ERR_SSL|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(GET|VERIFY)_|ERR_OSSL)/;

/**
 * Turns what fetch (undici) threw into a MigrationError with a stable code and a transient/permanent
 * class. `fetch` wraps the socket's error as the `cause` of a TypeError("fetch failed"). The message is
 * built from known parts only (server, login, the error's code): the password is sent as a header
 * and never appears in it.
 */
export function toDavError(error: unknown, context: DavErrorContext, request?: string): MigrationError {
  if (error instanceof MigrationError) return error;
  const code = errorCode(error);
  const on = request ? ` on ${request}` : '';
  if (code === 'TimeoutError') {
    return new MigrationError(
      ItemSourceErrorCode.ConnectionLost,
      `${context.server} did not answer ${request ?? 'a request'} for ${context.login} in time.`,
      'transient',
    );
  }
  if (UNREACHABLE.has(code)) {
    return new MigrationError(ItemSourceErrorCode.ConnectionFailed, `Cannot reach ${context.server} for ${context.login} (${code}${on}).`, 'transient');
  }
  if (TLS_CODES.test(code)) {
    return new MigrationError(ItemSourceErrorCode.TlsFailed, `TLS with ${context.server} failed for ${context.login} (${code}).`, 'permanent');
  }
  if (DROPPED.has(code) || code === 'terminated') {
    return new MigrationError(
      ItemSourceErrorCode.ConnectionLost,
      `The connection to ${context.server} was lost for ${context.login} (${code}${on}).`,
      'transient',
    );
  }
  // Not a network failure we know: most likely a bug, so not worth retrying; its code or name says what it was.
  return new MigrationError(
    ItemSourceErrorCode.RequestRefused,
    `A request to ${context.server} for ${context.login} failed (${code || 'unknown error'}${on}).`,
    'permanent',
  );
}

/**
 * The error for an HTTP status that is not a success. `what` names the request (`PROPFIND
 * /dav/alice/`); `notFound` is the code a 404 or 410 gets there (default CollectionNotFound).
 */
export function statusError(
  status: number,
  context: DavErrorContext,
  what: string,
  options: { retryAfter?: string | null; notFound?: ItemSourceErrorCode } = {},
): MigrationError {
  const answer = `${context.server} answered ${what} for ${context.login} with HTTP ${status}`;
  if (status === 401)
    return new MigrationError(ItemSourceErrorCode.SourceAuthFailed, `${context.server} refused the login of ${context.login} (HTTP 401).`, 'permanent');
  if (status === 429) {
    return new MigrationError(
      ItemSourceErrorCode.Throttled,
      `${context.server} is throttling ${context.login} (HTTP 429).`,
      'transient',
      retryAfterSeconds(options.retryAfter),
    );
  }
  if (status >= 500) return new MigrationError(ItemSourceErrorCode.ServerError, `${answer}.`, 'transient', retryAfterSeconds(options.retryAfter));
  if (status === 403) return new MigrationError(ItemSourceErrorCode.AccessDenied, `${answer} (forbidden).`, 'permanent');
  if (status === 404 || status === 410)
    return new MigrationError(options.notFound ?? ItemSourceErrorCode.CollectionNotFound, `${answer} (not found).`, 'permanent');
  return new MigrationError(ItemSourceErrorCode.RequestRefused, `${answer}.`, 'permanent');
}

/** A server answer that is not what the protocol asks for: names the request and what was wrong or missing. */
export function invalidReply(context: DavErrorContext, what: string, problem: string): MigrationError {
  return new MigrationError(ItemSourceErrorCode.InvalidReply, `${context.server} answered ${what} for ${context.login} ${problem}.`, 'permanent');
}

/** Retry-After (RFC 9110 section 10.2.3): delay-seconds or an HTTP date. */
export function retryAfterSeconds(header: string | null | undefined): number | undefined {
  if (!header) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

function errorCode(error: unknown): string {
  const seen = new Set<unknown>();
  let current: unknown = error;
  // fetch's TypeError carries undici's error as `cause`, which may carry the socket's.
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
    if (typeof e.code === 'string' && e.code) return e.code;
    if (e.name === 'TimeoutError') return 'TimeoutError';
    if (e.message === 'terminated') return 'terminated';
    current = e.cause;
  }
  return error instanceof Error ? error.name : '';
}
