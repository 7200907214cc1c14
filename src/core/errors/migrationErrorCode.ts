/**
 * Every code a MigrationError carries, in one place: callers branch on the code, never on the text, and a
 * code means one thing wherever it is raised (a source's refused login is `SourceAuthFailed` for IMAP and
 * DAV alike). Grouped by who raises them; `MigrationErrorCode` is their union.
 */

/** Codes the mail connectors (an IMAP source or target, services/ports/mailSource.ts and copyTarget.ts) raise. */
export const MailErrorCode = {
  SourceAuthFailed: 'SourceAuthFailed',
  TargetAuthFailed: 'TargetAuthFailed',
  ConnectionFailed: 'ConnectionFailed',
  ConnectionLost: 'ConnectionLost',
  TlsFailed: 'TlsFailed',
  Throttled: 'Throttled',
  FolderNotFound: 'FolderNotFound',
  FolderChanged: 'FolderChanged',
  FolderStatusIncomplete: 'FolderStatusIncomplete',
  CommandRejected: 'CommandRejected',
  InsecureConnectionRefused: 'InsecureConnectionRefused',
  NotConnected: 'NotConnected',
  ItemNotFound: 'ItemNotFound',
} as const;
export type MailErrorCode = (typeof MailErrorCode)[keyof typeof MailErrorCode];

/**
 * Codes a contacts-and-calendars source (services/ports/itemSource.ts) raises; callers branch on these, never on the
 * text. Where a code means what mail's does (MailErrorCode), it has the same value.
 */
export const ItemSourceErrorCode = {
  /** The server refused the mailbox's login (HTTP 401). Permanent. */
  SourceAuthFailed: 'SourceAuthFailed',
  /** The server could not be reached (refused, no route, name not found, connect timeout). Transient. */
  ConnectionFailed: 'ConnectionFailed',
  /** The connection dropped or an answer did not come in time. Transient. */
  ConnectionLost: 'ConnectionLost',
  /** The TLS handshake failed, e.g. the server certificate is not trusted. Permanent. */
  TlsFailed: 'TlsFailed',
  /** The server asked to slow down (HTTP 429); `retryAfterSeconds` says for how long when it told. Transient. */
  Throttled: 'Throttled',
  /** The server failed the request (HTTP 5xx); `retryAfterSeconds` is set when it sent Retry-After. Transient. */
  ServerError: 'GroupwareServerError',
  /** The login may not read what was asked (HTTP 403). Permanent. */
  AccessDenied: 'GroupwareAccessDenied',
  /** The address book or calendar is gone (HTTP 404 or 410). Permanent. */
  CollectionNotFound: 'CollectionNotFound',
  /** No principal, or neither a calendar home nor an address book home, could be found from the URL. Permanent. */
  DiscoveryFailed: 'GroupwareDiscoveryFailed',
  /** The server's answer is not the XML the protocol asks for, or lacks a property it must carry. Permanent. */
  InvalidReply: 'GroupwareInvalidReply',
  /** The server refused a request for another reason (another HTTP 4xx). Permanent. */
  RequestRefused: 'GroupwareRequestRefused',
  /** The endpoint's DAV URL (template) is not a usable http(s) URL. Permanent. */
  InvalidUrl: 'GroupwareInvalidUrl',
} as const;
export type ItemSourceErrorCode = (typeof ItemSourceErrorCode)[keyof typeof ItemSourceErrorCode];

/** Codes the directory connectors (services/ports/onPremisesDirectory.ts) raise. */
export const DirectoryErrorCode = {
  /** The directory could not be reached, dropped the connection, timed out or is busy. Transient. */
  Unavailable: 'DirectoryUnavailable',
  /** The service account's bind was refused (wrong DN or password, or the server wants TLS). Permanent. */
  AuthFailed: 'DirectoryAuthFailed',
  /** The TLS handshake failed, e.g. the server certificate is not trusted. Permanent. */
  TlsFailed: 'DirectoryTlsFailed',
  /** The service account may not read or change what was asked. Permanent. */
  AccessDenied: 'DirectoryAccessDenied',
  /** No user has that DN, or no user has that primary SMTP address. Permanent. */
  UserNotFound: 'DirectoryUserNotFound',
  /** More than one user has that primary SMTP address. Permanent. */
  AmbiguousAddress: 'DirectoryAmbiguousAddress',
  /** An address or DN handed to the connector is not well formed. Permanent. */
  InvalidInput: 'DirectoryInvalidInput',
  /** The directory refused a change (schema or constraint violation...). Permanent. */
  Rejected: 'DirectoryRejected',
} as const;
export type DirectoryErrorCode = (typeof DirectoryErrorCode)[keyof typeof DirectoryErrorCode];

/** Why one contact or calendar item cannot be mapped (core/groupware/groupwareErrors.ts): permanent, the item is skipped. */
export const GroupwareItemErrorCode = {
  InvalidVCard: 'InvalidVCard',
  InvalidICalendar: 'InvalidICalendar',
  UnknownTimeZone: 'UnknownTimeZone',
  UnsupportedRecurrence: 'UnsupportedRecurrence',
} as const;
export type GroupwareItemErrorCode = (typeof GroupwareItemErrorCode)[keyof typeof GroupwareItemErrorCode];

/** Codes the services, the copy engine, and the Graph and tenant connectors raise. */
export const ServiceErrorCode = {
  // Lookups of what a step names.
  BatchNotFound: 'BatchNotFound',
  MailboxNotFound: 'MailboxNotFound',
  EndpointNotFound: 'EndpointNotFound',
  // Endpoints and their secrets (services/endpointService.ts).
  EndpointPasswordMissing: 'EndpointPasswordMissing',
  EndpointPasswordNotOwn: 'EndpointPasswordNotOwn',
  EndpointPasswordShared: 'EndpointPasswordShared',
  SourceCredentialsMissing: 'SourceCredentialsMissing',
  DavUrlMissing: 'DavUrlMissing',
  DavLoginUnsupported: 'DavLoginUnsupported',
  DavCleartextRefused: 'DavCleartextRefused',
  // Provisioning in the tenant (services/migration/provisioningSteps.ts, connectors/graph/graphTenant.ts).
  OnPremisesUserNotFound: 'OnPremisesUserNotFound',
  TargetUserNotFound: 'TargetUserNotFound',
  TargetUserUnknown: 'TargetUserUnknown',
  MailboxNeverProvisioned: 'MailboxNeverProvisioned',
  UsageLocationMissing: 'UsageLocationMissing',
  PasswordNotAllowed: 'PasswordNotAllowed',
  TenantLookupFailed: 'TenantLookupFailed',
  // The copy engine and its ledger (services/copy).
  LedgerConflict: 'LedgerConflict',
  CopyStateChanged: 'CopyStateChanged',
  CopyLeaseLost: 'CopyLeaseLost',
  BadItemLimitExceeded: 'BadItemLimitExceeded',
  FolderNotMapped: 'FolderNotMapped',
  /** The target's budget is spent: the page ends and comes back at `resumeAt` (services/ports/copyTarget.ts TargetPaused). */
  TargetBudgetExhausted: 'TargetBudgetExhausted',
  // The Microsoft 365 target (connectors/graph).
  TargetFolderRefused: 'TargetFolderRefused',
  RejectedByTarget: 'RejectedByTarget',
  AttachmentUploadFailed: 'AttachmentUploadFailed',
  UploadSessionMissing: 'UploadSessionMissing',
  UploadOutcomeUnknown: 'UploadOutcomeUnknown',
} as const;
export type ServiceErrorCode = (typeof ServiceErrorCode)[keyof typeof ServiceErrorCode];

export type MigrationErrorCode = MailErrorCode | ItemSourceErrorCode | DirectoryErrorCode | GroupwareItemErrorCode | ServiceErrorCode;
