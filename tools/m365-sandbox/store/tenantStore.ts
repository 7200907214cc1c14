import { EXCHANGE_ONLINE_PLAN_1_SKU, hasExchangeLicence } from '../directory/licenceCatalog';
import { graphErrors } from '../graphError';
import { ROOT_WELL_KNOWN_NAME, wellKnownFolders } from '../mail/wellKnownFolders';
import { newDirectoryId, newExchangeId } from './graphIds';
import type { MailboxRecord, MailFolderRecord, TenantState, UserRecord } from './types';

export interface NewUser {
  userPrincipalName: string;
  displayName?: string;
  mail?: string | null;
  proxyAddresses?: string[];
  /** Assigns Exchange Online (Plan 1) at once, so the mailbox exists. */
  licensed?: boolean;
  /**
   * Graph refuses licence assignment without one. Default none: directory synchronisation does not
   * set it (Entra Connect syncs `usageLocation` only from an attribute most directories leave empty),
   * so synced users usually start without one.
   */
  usageLocation?: string | null;
  onPremisesSyncEnabled?: boolean | null;
  /** Synced from the on-premises mailbox by Entra Connect (its default): the tenant never creates a mailbox. */
  onPremisesExchangeGuid?: string | null;
}

/** The tenant's state and the lookups every resource group shares. */
export class TenantStore {
  /** Called after every change, so persistence can save. */
  onChange: () => void = () => undefined;

  /** The tenant's maximum message size, attachments included (Exchange Online's default: 35 MB). */
  maxMessageBytes = 35 * 1024 * 1024;

  constructor(
    public state: TenantState,
    public mailboxProvisioningDelayMs = 0,
  ) {}

  /**
   * Called when a licence with Exchange Online is newly assigned: the mailbox appears after the
   * provisioning delay (typically under 30 minutes, up to 24 hours: Microsoft's troubleshooting page on
   * delays provisioning mailboxes). A user carrying a synced on-premises ExchangeGuid gets none at all.
   */
  startMailboxProvisioning(user: UserRecord): void {
    if (this.state.mailboxes[user.id] || user.onPremisesExchangeGuid) return;
    user.mailboxReadyAt = new Date(Date.now() + this.mailboxProvisioningDelayMs).toISOString();
  }

  changed(): void {
    this.onChange();
  }

  addUser(input: NewUser): UserRecord {
    const upn = input.userPrincipalName;
    if (this.tryFindUser(upn)) throw graphErrors.badRequest(`Another object with the same value for property userPrincipalName already exists. (${upn})`);
    const mail = input.mail === undefined ? upn : input.mail;
    const user: UserRecord = {
      id: newDirectoryId(),
      userPrincipalName: upn,
      displayName: input.displayName ?? upn.split('@')[0]!,
      givenName: null,
      surname: null,
      mail,
      proxyAddresses: input.proxyAddresses ?? (mail ? [`SMTP:${mail}`] : []),
      usageLocation: input.usageLocation ?? null,
      assignedLicenses: input.licensed ? [{ skuId: EXCHANGE_ONLINE_PLAN_1_SKU, disabledPlans: [] }] : [],
      onPremisesSyncEnabled: input.onPremisesSyncEnabled ?? null,
      onPremisesImmutableId: null,
      ...(input.onPremisesExchangeGuid ? { onPremisesExchangeGuid: input.onPremisesExchangeGuid } : {}),
    };
    this.state.users[user.id] = user;
    this.changed();
    return user;
  }

  /** `/users/{id | userPrincipalName}`: ids match exactly, UPNs case-insensitively. */
  tryFindUser(idOrUpn: string): UserRecord | undefined {
    const direct = this.state.users[idOrUpn];
    if (direct) return direct;
    const wanted = idOrUpn.toLowerCase();
    return Object.values(this.state.users).find((user) => user.userPrincipalName.toLowerCase() === wanted);
  }

  findUser(idOrUpn: string): UserRecord {
    const user = this.tryFindUser(idOrUpn);
    if (!user) throw graphErrors.userNotFound(idOrUpn);
    return user;
  }

  /** Any address of the user: primary mail, UPN or a proxy address (`smtp:` aliases). */
  tryFindUserByAddress(address: string): UserRecord | undefined {
    const wanted = address.toLowerCase();
    return Object.values(this.state.users).find(
      (user) =>
        user.mail?.toLowerCase() === wanted ||
        user.userPrincipalName.toLowerCase() === wanted ||
        user.proxyAddresses.some((proxy) => proxy.toLowerCase() === `smtp:${wanted}`),
    );
  }

  /**
   * The user's mailbox. Exchange Online provisions it when a licence with Exchange is assigned; until
   * then every mail, contacts or calendar call fails with `MailboxNotEnabledForRESTAPI`.
   */
  mailboxOf(idOrUpn: string): MailboxRecord {
    const user = this.tryFindUser(idOrUpn);
    if (!user) throw graphErrors.invalidUser(idOrUpn);
    const existing = this.state.mailboxes[user.id];
    if (existing && hasExchangeLicence(user.assignedLicenses)) return existing;
    if (!hasExchangeLicence(user.assignedLicenses) || user.onPremisesExchangeGuid) throw graphErrors.mailboxNotEnabled(user.onPremisesSyncEnabled === true);
    if (user.mailboxReadyAt && Date.parse(user.mailboxReadyAt) > Date.now()) throw graphErrors.mailboxNotEnabled();
    const mailbox = createMailbox(user.id);
    this.state.mailboxes[user.id] = mailbox;
    this.changed();
    return mailbox;
  }

  /** Resolves a folder id or a well-known name (`inbox`, `msgfolderroot`, ...). */
  folderOf(mailbox: MailboxRecord, idOrName: string): MailFolderRecord {
    const direct = mailbox.folders[idOrName];
    if (direct) return direct;
    const wanted = idOrName.toLowerCase();
    const named = Object.values(mailbox.folders).find((folder) => folder.wellKnownName === wanted);
    if (!named) throw graphErrors.notFound(`mailFolder ${idOrName}`);
    return named;
  }
}

function createMailbox(userId: string): MailboxRecord {
  const root: MailFolderRecord = {
    id: newExchangeId('folder'),
    displayName: 'Top of Information Store',
    parentFolderId: newExchangeId('folder'),
    wellKnownName: ROOT_WELL_KNOWN_NAME,
  };
  const folders: Record<string, MailFolderRecord> = { [root.id]: root };
  for (const known of wellKnownFolders) {
    const folder: MailFolderRecord = { id: newExchangeId('folder'), displayName: known.displayName, parentFolderId: root.id, wellKnownName: known.name };
    folders[folder.id] = folder;
  }
  const contactsFolderId = newExchangeId('folder');
  const calendarId = newExchangeId('folder');
  return {
    userId,
    folders,
    messages: {},
    contactFolders: { [contactsFolderId]: { id: contactsFolderId, displayName: 'Contacts', parentFolderId: root.id } },
    contacts: {},
    calendars: { [calendarId]: { id: calendarId, name: 'Calendar', isDefaultCalendar: true } },
    events: {},
    uploadSessions: {},
  };
}

export function emptyTenantState(
  tenantId: string,
  organization: { displayName?: string; onPremisesSyncEnabled?: boolean | null; verifiedDomains?: string[]; countryLetterCode?: string },
): TenantState {
  return {
    organization: {
      id: tenantId,
      displayName: organization.displayName ?? 'Contoso Sandbox',
      onPremisesSyncEnabled: organization.onPremisesSyncEnabled ?? null,
      onPremisesLastSyncDateTime: organization.onPremisesSyncEnabled ? new Date().toISOString() : null,
      verifiedDomains: organization.verifiedDomains ?? ['contoso.onmicrosoft.com'],
      countryLetterCode: organization.countryLetterCode ?? 'US',
    },
    users: {},
    mailboxes: {},
  };
}
