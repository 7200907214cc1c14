import { randomUUID } from 'node:crypto';
import { messageFromJson, nowIso } from '../mail/createMessage';
import { deliverToTenantMailbox } from '../mail/deliverMessage';
import { createMessageSchema } from '../mail/messageSchemas';
import { newExchangeId } from '../store/graphIds';
import type { TenantStore } from '../store/tenantStore';
import type { ItemRecord, MailboxRecord, MeetingMessageRecord, MessageRecord, RecipientRecord } from '../store/types';
import { isJsonObject } from './graphValues';

export interface MeetingMessageInput {
  meetingMessageType: MeetingMessageRecord['meetingMessageType'];
  trigger: MeetingMessageRecord['trigger'];
  to: string[];
  occurrenceOriginalStart?: string;
  comment?: string;
}

/** The subject prefixes Outlook gives meeting messages (guess: Graph shows them, no page lists them). */
const SUBJECT_PREFIX: Record<MeetingMessageRecord['meetingMessageType'], string> = {
  meetingRequest: '',
  meetingCancelled: 'Canceled: ',
  meetingAccepted: 'Accepted: ',
  meetingTenativelyAccepted: 'Tentative: ',
  meetingDeclined: 'Declined: ',
};

export function senderAddressOf(store: TenantStore, mailbox: MailboxRecord): RecipientRecord {
  const owner = store.findUser(mailbox.userId);
  return { emailAddress: { name: owner.displayName, address: owner.mail ?? owner.userPrincipalName } };
}

/**
 * Records a message Exchange sends because of a calendar operation, and delivers it to the recipients that are
 * tenant mailboxes. Every message is recorded, wherever it goes, so `sentMeetingMessages()` shows what a
 * migration would have mailed. The sender's own addresses are left out of the recipients (guess: Exchange does
 * not invite the organizer to their own meeting); a message with no recipient left is not sent.
 */
export function sendMeetingMessage(
  store: TenantStore,
  senderMailbox: MailboxRecord,
  event: ItemRecord,
  input: MeetingMessageInput,
): MeetingMessageRecord | undefined {
  const sender = store.findUser(senderMailbox.userId);
  const seen = new Set<string>();
  const to = input.to.filter((address) => {
    const key = address.toLowerCase();
    if (seen.has(key) || store.tryFindUserByAddress(address)?.id === sender.id) return false;
    seen.add(key);
    return true;
  });
  if (to.length === 0) return undefined;
  const from = senderAddressOf(store, senderMailbox);
  const subject = typeof event.properties.subject === 'string' ? event.properties.subject : '';
  const record: MeetingMessageRecord = {
    id: randomUUID(),
    sentDateTime: nowIso(),
    from: from.emailAddress.address,
    to,
    meetingMessageType: input.meetingMessageType,
    trigger: input.trigger,
    subject,
    eventId: event.id,
    iCalUId: typeof event.properties.iCalUId === 'string' ? event.properties.iCalUId : '',
    ...(input.occurrenceOriginalStart ? { occurrenceOriginalStart: input.occurrenceOriginalStart } : {}),
    ...(input.comment !== undefined ? { comment: input.comment } : {}),
  };
  (store.state.meetingMessages ??= []).push(record);
  for (const address of to) deliver(store, address, from, event, record);
  store.changed();
  return record;
}

/** Every meeting message the tenant sent, or those one user sent (by id, UPN or any address). */
export function sentMeetingMessages(store: TenantStore, sender?: string): MeetingMessageRecord[] {
  const all = store.state.meetingMessages ?? [];
  if (sender === undefined) return all.map((message) => ({ ...message, to: [...message.to] }));
  const user = store.tryFindUser(sender) ?? store.tryFindUserByAddress(sender);
  return all
    .filter((message) => (user ? store.tryFindUserByAddress(message.from)?.id === user.id : message.from.toLowerCase() === sender.toLowerCase()))
    .map((message) => ({ ...message, to: [...message.to] }));
}

function deliver(store: TenantStore, address: string, from: RecipientRecord, event: ItemRecord, record: MeetingMessageRecord): void {
  const now = record.sentDateTime;
  const message: MessageRecord = {
    ...messageFromJson(
      createMessageSchema.parse({
        subject: `${SUBJECT_PREFIX[record.meetingMessageType]}${record.subject}`,
        body: { contentType: 'text', content: record.comment ?? '' },
        toRecipients: record.to.map((to) => ({ emailAddress: { address: to } })),
      }),
      '',
    ),
    from,
    sender: from,
    isDraft: false,
    sentDateTime: now,
    receivedDateTime: now,
  };
  if (!deliverToTenantMailbox(store, address, message)) return;
  const mailbox = mailboxOfAddress(store, address);
  if (mailbox) processInCalendar(mailbox, from, event, record);
}

function mailboxOfAddress(store: TenantStore, address: string): MailboxRecord | undefined {
  const user = store.tryFindUserByAddress(address);
  if (!user) return undefined;
  try {
    return store.mailboxOf(user.id);
  } catch {
    return undefined;
  }
}

/**
 * What Exchange's Calendar Attendant does with a meeting message in a user mailbox, which by default processes
 * them itself (Set-CalendarProcessing `AutomateProcessing` is `AutoUpdate` for user mailboxes:
 * https://learn.microsoft.com/powershell/module/exchange/set-calendarprocessing): a request puts or updates the
 * meeting, tentative, in the attendee's default calendar; a cancellation marks it cancelled (or drops the one
 * occurrence); a response updates the attendee's status on the organizer's event. The details (tentative until
 * answered, the copy kept but cancelled) are guesses.
 */
function processInCalendar(mailbox: MailboxRecord, organizer: RecipientRecord, event: ItemRecord, record: MeetingMessageRecord): void {
  const iCalUId = event.properties.iCalUId;
  if (record.meetingMessageType === 'meetingRequest' || record.meetingMessageType === 'meetingCancelled') {
    let copy = Object.values(mailbox.events).find((candidate) => candidate.properties.iCalUId === iCalUId && candidate.properties.isOrganizer === false);
    if (record.meetingMessageType === 'meetingRequest') {
      const now = nowIso();
      const responseStatus = copy?.properties.responseStatus ?? { response: 'notResponded', time: '0001-01-01T00:00:00Z' };
      const properties: Record<string, unknown> = {
        ...structuredClone(event.properties),
        isOrganizer: false,
        organizer,
        responseStatus,
        showAs: isJsonObject(responseStatus) && responseStatus.response === 'accepted' ? 'busy' : 'tentative',
      };
      delete properties.transactionId;
      copy ??= { id: newExchangeId('item'), containerId: defaultCalendarId(mailbox), properties, createdDateTime: now, lastModifiedDateTime: now };
      copy.properties = properties;
      copy.exceptions = structuredClone(event.exceptions ?? {});
      copy.cancelledOccurrences = [...(event.cancelledOccurrences ?? [])];
      copy.attachments = structuredClone(event.attachments ?? []);
      copy.lastModifiedDateTime = now;
      mailbox.events[copy.id] = copy;
    } else if (copy && record.occurrenceOriginalStart) {
      copy.cancelledOccurrences = [...new Set([...(copy.cancelledOccurrences ?? []), record.occurrenceOriginalStart])];
    } else if (copy) {
      copy.properties.isCancelled = true;
    }
    return;
  }
  const organizerEvent = Object.values(mailbox.events).find(
    (candidate) => candidate.properties.iCalUId === iCalUId && candidate.properties.isOrganizer !== false,
  );
  if (!organizerEvent || !Array.isArray(organizerEvent.properties.attendees)) return;
  const response = { meetingAccepted: 'accepted', meetingTenativelyAccepted: 'tentativelyAccepted', meetingDeclined: 'declined' }[record.meetingMessageType];
  organizerEvent.properties.attendees = organizerEvent.properties.attendees.map((attendee: unknown) =>
    isJsonObject(attendee) && isJsonObject(attendee.emailAddress) && String(attendee.emailAddress.address).toLowerCase() === record.from.toLowerCase()
      ? { ...attendee, status: { response, time: record.sentDateTime } }
      : attendee,
  );
}

function defaultCalendarId(mailbox: MailboxRecord): string {
  return Object.values(mailbox.calendars).find((calendar) => calendar.isDefaultCalendar)!.id;
}
