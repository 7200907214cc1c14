import type { MigrationBatch } from '../../core/batch/migrationBatch';

/**
 * One thing the service does in the tenant and the application permissions, any one of which lets it
 * (from the Permissions table of each Microsoft Graph reference page named).
 */
export interface PermissionNeed {
  what: string;
  anyOf: readonly string[];
  page: string;
}

const NEEDS = {
  organization: {
    what: 'read the organization (directory synchronisation, country)',
    anyOf: ['Organization.Read.All', 'Organization.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
    page: 'https://learn.microsoft.com/graph/api/organization-get',
  },
  users: {
    what: "read users (find each mailbox's user)",
    anyOf: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
    page: 'https://learn.microsoft.com/graph/api/user-get',
  },
  updateUsers: {
    what: "set a user's usage location",
    anyOf: ['User.ReadWrite.All', 'User.ReadUpdate.All', 'Directory.ReadWrite.All'],
    page: 'https://learn.microsoft.com/graph/api/user-update',
  },
  licences: {
    what: 'assign licences',
    anyOf: ['User.ReadWrite.All', 'LicenseAssignment.ReadWrite.All', 'Directory.ReadWrite.All'],
    page: 'https://learn.microsoft.com/graph/api/user-assignlicense',
  },
  mail: {
    what: 'create folders, messages and attachments in the mailboxes',
    anyOf: ['Mail.ReadWrite'],
    page: 'https://learn.microsoft.com/graph/api/user-post-messages',
  },
  passwords: {
    what: 'set the passwords from the CSV',
    anyOf: ['User.ReadWrite.All', 'User-PasswordProfile.ReadWrite.All', 'Directory.ReadWrite.All'],
    page: 'https://learn.microsoft.com/graph/api/user-update',
  },
  sendMail: { what: "send the batch's status emails", anyOf: ['Mail.Send'], page: 'https://learn.microsoft.com/graph/api/user-sendmail' },
  contacts: {
    what: 'create contact folders and contacts (with photos) in the mailboxes',
    anyOf: ['Contacts.ReadWrite'],
    page: 'https://learn.microsoft.com/graph/api/contactfolder-post-contacts',
  },
  calendars: {
    what: 'create calendars and events in the mailboxes',
    anyOf: ['Calendars.ReadWrite'],
    page: 'https://learn.microsoft.com/graph/api/user-post-events',
  },
} as const satisfies Record<string, PermissionNeed>;

/** What a batch needs of the app registration, given what the batch does. */
export function permissionsFor(batch: MigrationBatch, options: { setsPasswords: boolean; sendsEmail: boolean; movesGroupware?: boolean }): PermissionNeed[] {
  return [
    NEEDS.organization,
    NEEDS.users,
    NEEDS.updateUsers,
    NEEDS.licences,
    NEEDS.mail,
    ...(batch.kind === 'staged' && options.setsPasswords ? [NEEDS.passwords] : []),
    ...(options.sendsEmail ? [NEEDS.sendMail] : []),
    // The endpoint names a DAV URL: contacts and calendars move too.
    ...(options.movesGroupware ? [NEEDS.contacts, NEEDS.calendars] : []),
  ];
}

/**
 * The sentence for the permissions the token's `roles` claim lacks, or undefined when none is missing.
 * Application permissions take effect once an administrator grants consent, in new tokens.
 */
export function describeMissingPermissions(roles: readonly string[], needs: readonly PermissionNeed[]): string | undefined {
  const granted = new Set(roles.map((role) => role.toLowerCase()));
  const missing = needs.filter((need) => !need.anyOf.some((permission) => granted.has(permission.toLowerCase())));
  if (missing.length === 0) return undefined;
  const list = missing.map((need) => `${need.anyOf[0]} (to ${need.what}; ${need.page})`).join('; ');
  return `The app registration lacks the Microsoft Graph application permission ${list}. Add it in the Entra admin center (App registrations > the app > API permissions > Add a permission > Microsoft Graph > Application permissions), grant admin consent, then retry the batch.`;
}

/**
 * The fix for users whose msExchMailboxGuid reached Exchange Online: keep it out of the cloud with an
 * inbound sync rule, then tell this service (CodeTwo KB "Prepare AD sync tools for migration to Office 365").
 */
export const MAILBOX_GUID_FIX =
  "in Entra Connect's Synchronization Rules Editor add an inbound rule for users (precedence below 100) with a transformation setting msExchMailboxGuid to the expression AuthoritativeNull, " +
  'run Start-ADSyncSyncCycle -PolicyType Initial, then set ENTRA_CONNECT_MAILBOX_GUID=authoritativeNull for this service and retry the batch ' +
  '(https://www.codetwo.com/kb/msexchmailboxguid-problems/)';

/**
 * Why Exchange Online will never create this user's mailbox: Entra Connect synced the on-premises
 * msExchMailboxGuid (its default), so Exchange Online keeps the user a mail user and waits for
 * Microsoft's own migration to move the mailbox (CodeTwo KB "Prepare AD sync tools for migration to
 * Office 365"; c7solutions "Duplicate Exchange Online and Exchange Server Mailboxes").
 */
export function syncedMailboxGuidProblem(address: string): string {
  return `${address}: Entra Connect syncs this user's on-premises msExchMailboxGuid (its default), so Exchange Online will never create a mailbox for the user when it is licensed. Fix: ${MAILBOX_GUID_FIX}.`;
}
