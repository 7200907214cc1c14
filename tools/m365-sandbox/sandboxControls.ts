import type { FaultRuleInput } from './faults/faultInjector';
import type { MessageSnapshot } from './inspection/mailboxInspector';
import type { UserFlagChange } from './inspection/userActions';
import type { FolderDeletion, MessageDeletion } from './mail/folderDeletion';
import type { NewUser, TenantStore } from './store/tenantStore';
import type { MeetingMessageRecord, UserRecord } from './store/types';

/** What the control API needs from a running sandbox (kept narrow so the routes do not see the server). */
export interface M365SandboxControls {
  store: TenantStore;
  addUser(user: NewUser): UserRecord;
  setOrganization(organization: { displayName?: string; onPremisesSyncEnabled?: boolean | null }): void;
  setLatency(latencyMs: number): void;
  /** How long mailboxes take to appear after a licence is assigned from now on. */
  setMailboxProvisioningDelay(delayMs: number): void;
  addFault(rule: FaultRuleInput): number;
  /** How many requests the fault rule `id` (from addFault) has hit so far. */
  faultHits(id: number): number;
  clearFaults(): void;
  /** Changes the app's permissions (new tokens carry the new roles) and its service principal's directory roles. */
  setAppPermissions(permissions: { roles?: string[]; directoryRoles?: string[] }): void;
  /**
   * The user deletes a mail folder in Outlook: moved with its subfolders and messages under Deleted Items
   * (ids kept), or, with `permanently` or when it is already there, removed, so that any request naming it
   * gets 404 `ErrorItemNotFound`. The folder is named by id or by its `/`-joined display path (`Inbox/Projects`).
   */
  deleteFolderAsUser(userPrincipalName: string, folderIdOrDisplayPath: string, options?: { permanently?: boolean }): FolderDeletion;
  /** The user deletes a message in Outlook: moved to Deleted Items with a new id, or removed (`permanently`, or already there). */
  deleteMessageAsUser(userPrincipalName: string, messageId: string, options?: { permanently?: boolean }): MessageDeletion;
  /** The user flags a message or marks it read in Outlook; only what is given changes. */
  setMessageFlagAsUser(userPrincipalName: string, messageId: string, change: UserFlagChange): MessageSnapshot;
  /**
   * Every meeting request, update, cancellation and response Exchange sent because of a Graph calendar call,
   * in order; with `sender` (id, UPN or any address), only those that user sent. A migration that copies
   * meetings must leave this empty.
   */
  sentMeetingMessages(sender?: string): MeetingMessageRecord[];
}
