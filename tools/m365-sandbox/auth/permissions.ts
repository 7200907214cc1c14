import { GraphError } from '../graphError';

/**
 * Which application permissions (a token's `roles` claim) let an app make each request the service
 * makes, from the "Permissions" table of each request's Microsoft Graph reference page. Any one of the
 * listed permissions is enough. Requests that match no rule need no permission here (the `$batch`
 * envelope: each of its requests is checked on its own).
 */
interface PermissionRule {
  method: string | RegExp;
  path: RegExp;
  anyOf: readonly string[];
  /** The error shape of the service behind the resource: directory (Entra ID) or mailbox (Exchange). */
  service: 'directory' | 'mailbox';
}

const READ_DIRECTORY = ['Directory.Read.All', 'Directory.ReadWrite.All'];
const MAILBOX = /^\/users\/[^/]+\/(messages|mailfolders)(\/|$)/i;

const RULES: readonly PermissionRule[] = [
  // https://learn.microsoft.com/graph/api/organization-get
  { method: 'GET', path: /^\/organization\/?$/i, anyOf: ['Organization.Read.All', 'Organization.ReadWrite.All', ...READ_DIRECTORY], service: 'directory' },
  // https://learn.microsoft.com/graph/api/subscribedsku-list
  {
    method: 'GET',
    path: /^\/subscribedSkus\/?$/i,
    anyOf: ['LicenseManagement.Read.All', 'LicenseManagement.ReadWrite.All', 'Organization.Read.All', 'Organization.ReadWrite.All', ...READ_DIRECTORY],
    service: 'directory',
  },
  // https://learn.microsoft.com/graph/api/user-assignlicense
  {
    method: 'POST',
    path: /^\/users\/[^/]+\/assignLicense$/i,
    anyOf: ['LicenseAssignment.ReadWrite.All', 'User.ReadWrite.All', 'Directory.ReadWrite.All'],
    service: 'directory',
  },
  // https://learn.microsoft.com/graph/api/user-update
  { method: 'PATCH', path: /^\/users\/[^/]+$/i, anyOf: ['User.ReadWrite.All', 'Directory.ReadWrite.All'], service: 'directory' },
  // https://learn.microsoft.com/graph/api/user-get, https://learn.microsoft.com/graph/api/user-list
  {
    method: 'GET',
    path: /^\/users(\/[^/]+)?\/?$/i,
    anyOf: ['User.Read.All', 'User.ReadBasic.All', 'User.ReadWrite.All', ...READ_DIRECTORY],
    service: 'directory',
  },
  // https://learn.microsoft.com/graph/api/user-sendmail
  { method: 'POST', path: /^\/users\/[^/]+\/sendMail$/i, anyOf: ['Mail.Send'], service: 'mailbox' },
  // https://learn.microsoft.com/graph/api/user-list-messages, https://learn.microsoft.com/graph/api/user-list-mailfolders
  { method: 'GET', path: MAILBOX, anyOf: ['Mail.ReadBasic.All', 'Mail.ReadBasic', 'Mail.Read', 'Mail.ReadWrite'], service: 'mailbox' },
  // https://learn.microsoft.com/graph/api/user-post-messages, message-update, message-delete, attachment-createuploadsession
  { method: /^(POST|PATCH|PUT|DELETE)$/, path: MAILBOX, anyOf: ['Mail.ReadWrite'], service: 'mailbox' },
  // https://learn.microsoft.com/graph/api/user-list-contactfolders, user-post-contacts, contact-update, contact-delete,
  // profilephoto-update ("Photo of a contact": Contacts.ReadWrite)
  { method: 'GET', path: /^\/users\/[^/]+\/(contacts|contactfolders)(\/|$)/i, anyOf: ['Contacts.Read', 'Contacts.ReadWrite'], service: 'mailbox' },
  { method: /^(POST|PATCH|PUT|DELETE)$/, path: /^\/users\/[^/]+\/(contacts|contactfolders)(\/|$)/i, anyOf: ['Contacts.ReadWrite'], service: 'mailbox' },
  // https://learn.microsoft.com/graph/api/user-list-calendars, user-post-events, event-update, event-delete, event-cancel,
  // event-accept, event-post-attachments
  {
    method: 'GET',
    path: /^\/users\/[^/]+\/(events|calendars?)(\/|$)/i,
    anyOf: ['Calendars.ReadBasic', 'Calendars.Read', 'Calendars.ReadWrite'],
    service: 'mailbox',
  },
  { method: /^(POST|PATCH|DELETE)$/, path: /^\/users\/[^/]+\/(events|calendars?)(\/|$)/i, anyOf: ['Calendars.ReadWrite'], service: 'mailbox' },
];

/**
 * Entra ID roles that may reset the password of a user who holds no admin role, for an app acting
 * with User.ReadWrite.All: "To update the passwordProfile property ... the calling app must be
 * assigned a supported administrator role" (https://learn.microsoft.com/graph/api/user-update,
 * https://learn.microsoft.com/entra/identity/role-based-access-control/privileged-roles-permissions).
 */
export const PASSWORD_RESET_ROLES = [
  'User Administrator',
  'Helpdesk Administrator',
  'Password Administrator',
  'Authentication Administrator',
  'Privileged Authentication Administrator',
  'Global Administrator',
] as const;

/** The permission the request needs that the token lacks, answered with the error Graph sends. */
export function requirePermission(method: string, path: string, body: Buffer, roles: readonly string[], directoryRoles: readonly string[]): void {
  const rule = RULES.find(
    (candidate) => (typeof candidate.method === 'string' ? candidate.method === method : candidate.method.test(method)) && candidate.path.test(path),
  );
  if (!rule) return;
  const granted = new Set(roles.map((role) => role.toLowerCase()));
  if (!rule.anyOf.some((permission) => granted.has(permission.toLowerCase()))) throw denied(rule.service);
  if (
    rule.service === 'directory' &&
    method === 'PATCH' &&
    setsPassword(body) &&
    !directoryRoles.some((role) => (PASSWORD_RESET_ROLES as readonly string[]).includes(role))
  ) {
    throw denied('directory');
  }
}

function setsPassword(body: Buffer): boolean {
  try {
    const parsed = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
    return Object.keys(parsed).some((key) => key.toLowerCase() === 'passwordprofile');
  } catch {
    return false;
  }
}

/**
 * Entra ID answers 403 `Authorization_RequestDenied` "Insufficient privileges to complete the
 * operation."; Exchange Online answers 403 `ErrorAccessDenied` "Access is denied. Check credentials and
 * try again." (https://learn.microsoft.com/graph/resolve-auth-errors).
 */
function denied(service: PermissionRule['service']): GraphError {
  return service === 'directory'
    ? new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.')
    : new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
}
