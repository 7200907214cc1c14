/** The sandbox tenant's state: plain JSON-serialisable records, so it can be saved to a folder as is. */

export interface OrganizationRecord {
  id: string;
  displayName: string;
  onPremisesSyncEnabled: boolean | null;
  onPremisesLastSyncDateTime: string | null;
  verifiedDomains: string[];
  /** Two-letter country of the tenant's address (organization.countryLetterCode). */
  countryLetterCode: string;
}

export interface UserRecord {
  id: string;
  userPrincipalName: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  proxyAddresses: string[];
  usageLocation: string | null;
  assignedLicenses: { skuId: string; disabledPlans: string[] }[];
  onPremisesSyncEnabled: boolean | null;
  onPremisesImmutableId: string | null;
  /** When Exchange finishes provisioning the mailbox after a licence assignment (ISO); null = at once. */
  mailboxReadyAt?: string | null;
  /**
   * The on-premises mailbox's msExchMailboxGuid as Entra Connect synced it (its default). Exchange
   * Online keeps such a user a MailUser and never creates a mailbox from a licence: only Microsoft's
   * own migration service converts it. Not exposed by Graph (no user property carries it).
   */
  onPremisesExchangeGuid?: string | null;
  /** Set through passwordProfile: a hash only (tests compare with it), never the password. */
  passwordProfile?: { passwordSha256: string; forceChangePasswordNextSignIn: boolean; lastPasswordChangeDateTime: string };
}

export interface RecipientRecord {
  emailAddress: { name?: string; address: string };
}

export interface AttachmentRecord {
  id: string;
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  contentId: string | null;
  lastModifiedDateTime: string;
  /** base64 of the bytes. */
  contentBytes: string;
}

export interface ExtendedPropertyRecord {
  id: string;
  value: string;
}

export interface MessageRecord {
  id: string;
  parentFolderId: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  receivedDateTime: string;
  sentDateTime: string;
  isDraft: boolean;
  isRead: boolean;
  subject: string;
  body: { contentType: 'text' | 'html'; content: string };
  from: RecipientRecord | null;
  sender: RecipientRecord | null;
  toRecipients: RecipientRecord[];
  ccRecipients: RecipientRecord[];
  bccRecipients: RecipientRecord[];
  replyTo: RecipientRecord[];
  internetMessageId: string;
  conversationId: string;
  importance: 'low' | 'normal' | 'high';
  flag: { flagStatus: 'notFlagged' | 'flagged' | 'complete'; [key: string]: unknown };
  categories: string[];
  singleValueExtendedProperties: ExtendedPropertyRecord[];
  internetMessageHeaders: { name: string; value: string }[];
  attachments: AttachmentRecord[];
  /** The MIME the message was created from (base64), returned unchanged by `$value` and the export. */
  mimeBase64: string | null;
}

export interface MailFolderRecord {
  id: string;
  displayName: string;
  parentFolderId: string;
  /** `inbox`, `sentitems`, ... for the folders Exchange creates with the mailbox. */
  wellKnownName: string | null;
}

export interface ContactFolderRecord {
  id: string;
  displayName: string;
  parentFolderId: string;
}

export interface CalendarRecord {
  id: string;
  name: string;
  isDefaultCalendar: boolean;
  /** graph.calendarColor as created (`auto` unless given). */
  color?: string;
}

export interface MultiValueExtendedPropertyRecord {
  id: string;
  value: string[];
}

/** A contact photo as PUT to `…/contacts/{id}/photo/$value` (JPEG bytes, base64). */
export interface PhotoRecord {
  contentType: string;
  base64: string;
  width: number | null;
  height: number | null;
}

/**
 * Contacts and events keep the Graph properties the client sent (validated against the schema and the
 * rules of each resource), plus the server-set ones; extended properties, attachments and photos apart,
 * as Graph returns them only when asked (`$expand`, the `attachments` and `photo` segments).
 */
export interface ItemRecord {
  id: string;
  containerId: string;
  properties: Record<string, unknown>;
  createdDateTime: string;
  lastModifiedDateTime: string;
  singleValueExtendedProperties?: ExtendedPropertyRecord[];
  multiValueExtendedProperties?: MultiValueExtendedPropertyRecord[];
  /** Contacts only. */
  photo?: PhotoRecord | null;
  /** Events only. */
  attachments?: AttachmentRecord[];
  /** Events that are a series master: the occurrences changed one by one, keyed by original start (UTC ISO). */
  exceptions?: Record<string, OccurrenceOverrideRecord>;
  /** Events that are a series master: original starts (UTC ISO) of the cancelled occurrences. */
  cancelledOccurrences?: string[];
}

export interface OccurrenceOverrideRecord {
  /** Only the properties changed on this occurrence (start, end, subject, location, ...). */
  properties: Record<string, unknown>;
  lastModifiedDateTime: string;
}

/**
 * A message Exchange sent because of a calendar operation: a meeting request (new or updated), a
 * cancellation, or an attendee's response. Every one is recorded, whether or not its recipients are in
 * the tenant, so a test can assert that a migration sent none.
 */
export interface MeetingMessageRecord {
  id: string;
  sentDateTime: string;
  /** The mailbox that sent it: the organizer, or the attendee for a response. */
  from: string;
  to: string[];
  meetingMessageType: 'meetingRequest' | 'meetingCancelled' | 'meetingAccepted' | 'meetingTenativelyAccepted' | 'meetingDeclined';
  /** The Graph operation that made Exchange send it. */
  trigger:
    | 'createEvent'
    | 'updateEvent'
    | 'updateOccurrence'
    | 'addAttachment'
    | 'deleteEvent'
    | 'deleteOccurrence'
    | 'cancelEvent'
    | 'cancelOccurrence'
    | 'accept'
    | 'tentativelyAccept'
    | 'decline';
  subject: string;
  /** The organizer's event (the series master for a series or one of its occurrences). */
  eventId: string;
  iCalUId: string;
  /** For a message about one occurrence: its original start (UTC ISO). */
  occurrenceOriginalStart?: string;
  comment?: string;
}

export interface UploadSessionRecord {
  id: string;
  token: string;
  /** The message the file is attached to once uploaded; for an event's session, `eventId` instead. */
  messageId?: string;
  eventId?: string;
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  contentId: string | null;
  expirationDateTime: string;
  /** base64 of the bytes received so far. */
  receivedBase64: string;
}

export interface MailboxRecord {
  userId: string;
  folders: Record<string, MailFolderRecord>;
  messages: Record<string, MessageRecord>;
  contactFolders: Record<string, ContactFolderRecord>;
  contacts: Record<string, ItemRecord>;
  calendars: Record<string, CalendarRecord>;
  events: Record<string, ItemRecord>;
  uploadSessions: Record<string, UploadSessionRecord>;
}

export interface TenantState {
  organization: OrganizationRecord;
  users: Record<string, UserRecord>;
  mailboxes: Record<string, MailboxRecord>;
  /** Every meeting request, cancellation and response Exchange sent (absent in state saved before it existed). */
  meetingMessages?: MeetingMessageRecord[];
}
