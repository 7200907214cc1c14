import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { GraphError, graphErrors } from '../graphError';
import { pageOf } from '../http/odataQuery';
import { parseJsonBody } from '../http/parseJsonBody';
import type { Router } from '../http/router';
import { newExchangeId } from '../store/graphIds';
import type { TenantStore } from '../store/tenantStore';
import type { CalendarRecord, ItemRecord, MailboxRecord, MessageRecord } from '../store/types';
import { messageFromJson, nowIso } from '../mail/createMessage';
import { deliverToTenantMailbox } from '../mail/deliverMessage';
import { createMessageSchema } from '../mail/messageSchemas';
import { createItem, getItem, type ItemKind, listItems } from './itemCollection';

const dateTimeTimeZone = z.object({
  dateTime: z.string().refine((value) => !Number.isNaN(Date.parse(value)), { message: 'not a date-time' }),
  timeZone: z.string().default('UTC'),
});
const attendee = z.object({
  emailAddress: z.object({ name: z.string().optional(), address: z.string() }),
  type: z.enum(['required', 'optional', 'resource']).default('required'),
});

/** The writable event properties the migration copies (https://learn.microsoft.com/graph/api/resources/event). */
const eventSchema = z
  .object({
    subject: z.string().default(''),
    body: z.object({ contentType: z.string(), content: z.string() }).optional(),
    start: dateTimeTimeZone,
    end: dateTimeTimeZone,
    isAllDay: z.boolean().default(false),
    location: z.object({ displayName: z.string() }).passthrough().optional(),
    attendees: z.array(attendee).default([]),
    showAs: z.enum(['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown']).optional(),
    sensitivity: z.enum(['normal', 'personal', 'private', 'confidential']).optional(),
    importance: z.enum(['low', 'normal', 'high']).optional(),
    categories: z.array(z.string()).optional(),
    recurrence: z.object({ pattern: z.record(z.string(), z.unknown()), range: z.record(z.string(), z.unknown()) }).nullish(),
    isReminderOn: z.boolean().optional(),
    reminderMinutesBeforeStart: z.number().int().optional(),
    transactionId: z.string().optional(),
    singleValueExtendedProperties: z.array(z.object({ id: z.string(), value: z.string() })).optional(),
  })
  .refine((event) => Date.parse(event.end.dateTime) >= Date.parse(event.start.dateTime), { message: 'end must not be before start', path: ['end'] });

const eventKind: ItemKind<typeof eventSchema> = {
  entity: 'event',
  schema: eventSchema,
  items: (mailbox) => mailbox.events,
  serverProperties: (store, mailbox) => ({
    iCalUId: `040000008200E00074C5B7101A82E008${randomUUID().replace(/-/g, '').toUpperCase()}`,
    isOrganizer: true,
    organizer: organizerOf(store, mailbox),
    type: 'singleInstance',
  }),
  containerProperty: 'calendarId',
  afterCreate: sendInvitations,
};

/**
 * Creating an event with attendees makes the mailbox owner its organizer and sends each attendee a
 * meeting request (https://learn.microsoft.com/graph/api/user-post-events: "When an event is sent, the
 * server sends invitations to all attendees"). A migration that copies meetings this way mails every
 * attendee again; the sandbox delivers the requests to tenant mailboxes so a test can see it.
 */
function organizerOf(store: TenantStore, mailbox: MailboxRecord): { emailAddress: { name: string; address: string } } {
  const owner = store.findUser(mailbox.userId);
  return { emailAddress: { name: owner.displayName, address: owner.mail ?? owner.userPrincipalName } };
}

function sendInvitations(store: TenantStore, mailbox: MailboxRecord, item: ItemRecord): void {
  const attendees = (item.properties.attendees ?? []) as { emailAddress: { address: string } }[];
  if (attendees.length === 0) return;
  const now = nowIso();
  const from = organizerOf(store, mailbox);
  const request: MessageRecord = {
    ...messageFromJson(
      createMessageSchema.parse({
        subject: typeof item.properties.subject === 'string' ? item.properties.subject : '',
        toRecipients: attendees.map((a) => ({ emailAddress: a.emailAddress })),
      }),
      '',
    ),
    from,
    sender: from,
    isDraft: false,
    sentDateTime: now,
    receivedDateTime: now,
  };
  for (const attendee of attendees) deliverToTenantMailbox(store, attendee.emailAddress.address, request);
}

/** Calendars and events (https://learn.microsoft.com/graph/api/resources/calendar). */
export function addCalendarRoutes(router: Router, store: TenantStore): void {
  router.add('GET', '/users/:user/calendars', (req, p) => {
    const mailbox = store.mailboxOf(p.user!);
    return {
      status: 200,
      json: pageOf(req, Object.values(mailbox.calendars), toCalendarJson, { defaultTop: 10, maxTop: 1000, context: `users('${mailbox.userId}')/calendars` }),
    };
  });
  router.add('POST', '/users/:user/calendars', (req, p) => {
    const mailbox = store.mailboxOf(p.user!);
    const { name } = parseJsonBody(req, z.object({ name: z.string().trim().min(1) }));
    if (Object.values(mailbox.calendars).some((c) => c.name.toLowerCase() === name.toLowerCase())) {
      throw new GraphError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
    }
    const calendar: CalendarRecord = { id: newExchangeId('folder'), name, isDefaultCalendar: false };
    mailbox.calendars[calendar.id] = calendar;
    store.changed();
    return {
      status: 201,
      json: { '@odata.context': `${req.graphBaseUrl}/$metadata#users('${mailbox.userId}')/calendars/$entity`, ...toCalendarJson(calendar) },
    };
  });
  for (const path of ['/users/:user/events', '/users/:user/calendar/events']) {
    router.add('GET', path, (req, p) => {
      const mailbox = store.mailboxOf(p.user!);
      return listItems(req, mailbox, defaultCalendar(mailbox).id, eventKind);
    });
    router.add('POST', path, (req, p) => {
      const mailbox = store.mailboxOf(p.user!);
      return createItem(req, store, mailbox, defaultCalendar(mailbox).id, eventKind);
    });
  }
  router.add('GET', '/users/:user/events/:event', (req, p) => getItem(req, store.mailboxOf(p.user!), p.event!, eventKind));
  router.add('GET', '/users/:user/calendars/:calendar/events', (req, p) => {
    const mailbox = store.mailboxOf(p.user!);
    return listItems(req, mailbox, calendarOf(mailbox, p.calendar!).id, eventKind);
  });
  router.add('POST', '/users/:user/calendars/:calendar/events', (req, p) => {
    const mailbox = store.mailboxOf(p.user!);
    return createItem(req, store, mailbox, calendarOf(mailbox, p.calendar!).id, eventKind);
  });
}

function toCalendarJson(calendar: CalendarRecord): Record<string, unknown> {
  return { id: calendar.id, name: calendar.name, isDefaultCalendar: calendar.isDefaultCalendar, canEdit: true, canShare: true, color: 'auto' };
}

function defaultCalendar(mailbox: MailboxRecord): CalendarRecord {
  return Object.values(mailbox.calendars).find((calendar) => calendar.isDefaultCalendar)!;
}

function calendarOf(mailbox: MailboxRecord, id: string): CalendarRecord {
  const calendar = mailbox.calendars[id];
  if (!calendar) throw graphErrors.notFound(`calendar ${id}`);
  return calendar;
}
