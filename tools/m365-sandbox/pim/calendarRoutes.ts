import { z } from 'zod';
import { GraphError, graphErrors } from '../graphError';
import { pageOf } from '../http/odataQuery';
import { parseJsonBody } from '../http/parseJsonBody';
import type { Router } from '../http/router';
import type { SandboxRequest } from '../http/sandboxRequest';
import { newExchangeId } from '../store/graphIds';
import type { TenantStore } from '../store/tenantStore';
import type { CalendarRecord, MailboxRecord } from '../store/types';
import { addEventRoutes } from './eventRoutes';
import { senderAddressOf } from './meetingMessages';

/**
 * Calendars (https://learn.microsoft.com/graph/api/resources/calendar): list, create with `name` and `color`
 * (https://learn.microsoft.com/graph/api/user-post-calendars), get; and their events (eventRoutes.ts).
 */
export function addCalendarRoutes(router: Router, store: TenantStore, origin: () => string): void {
  router.add('GET', '/users/:user/calendars', (req, p) => {
    const mailbox = store.mailboxOf(p.user!);
    return {
      status: 200,
      json: pageOf(req, Object.values(mailbox.calendars), (calendar) => toCalendarJson(store, mailbox, calendar), {
        defaultTop: 10,
        maxTop: 1000,
        context: `users('${mailbox.userId}')/calendars`,
      }),
    };
  });
  router.add('POST', '/users/:user/calendars', (req, p) => {
    const mailbox = store.mailboxOf(p.user!);
    const { name, color } = parseJsonBody(req, z.object({ name: z.string().trim().min(1), color: z.string().optional() }).passthrough());
    // Guess: a second calendar of the same name is refused as a second folder of the same name is (409 ErrorFolderExists).
    if (Object.values(mailbox.calendars).some((c) => c.name.toLowerCase() === name.toLowerCase())) {
      throw new GraphError(409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
    }
    const calendar: CalendarRecord = { id: newExchangeId('folder'), name, isDefaultCalendar: false, color: color ?? 'auto' };
    mailbox.calendars[calendar.id] = calendar;
    store.changed();
    return { status: 201, json: calendarEntity(req, store, mailbox, calendar) };
  });
  router.add('GET', '/users/:user/calendar', (req, p) => {
    const mailbox = store.mailboxOf(p.user!);
    return { status: 200, json: calendarEntity(req, store, mailbox, defaultCalendar(mailbox)) };
  });
  router.add('GET', '/users/:user/calendars/:calendar', (req, p) => {
    const mailbox = store.mailboxOf(p.user!);
    return { status: 200, json: calendarEntity(req, store, mailbox, calendarOf(mailbox, p.calendar!)) };
  });
  addEventRoutes(router, store, defaultCalendar, calendarOf, origin);
}

function calendarEntity(req: SandboxRequest, store: TenantStore, mailbox: MailboxRecord, calendar: CalendarRecord): Record<string, unknown> {
  return { '@odata.context': `${req.graphBaseUrl}/$metadata#users('${mailbox.userId}')/calendars/$entity`, ...toCalendarJson(store, mailbox, calendar) };
}

/** A calendar as Graph returns it (https://learn.microsoft.com/graph/api/calendar-get, example response). */
function toCalendarJson(store: TenantStore, mailbox: MailboxRecord, calendar: CalendarRecord): Record<string, unknown> {
  const owner = senderAddressOf(store, mailbox).emailAddress;
  return {
    id: calendar.id,
    name: calendar.name,
    color: calendar.color ?? 'auto',
    hexColor: '',
    isDefaultCalendar: calendar.isDefaultCalendar,
    changeKey: Buffer.from(calendar.id.slice(-12)).toString('base64'),
    canShare: true,
    canViewPrivateItems: true,
    canEdit: true,
    allowedOnlineMeetingProviders: ['teamsForBusiness'],
    defaultOnlineMeetingProvider: 'teamsForBusiness',
    isTallyingResponses: true,
    isRemovable: !calendar.isDefaultCalendar,
    owner,
  };
}

export function defaultCalendar(mailbox: MailboxRecord): CalendarRecord {
  return Object.values(mailbox.calendars).find((calendar) => calendar.isDefaultCalendar)!;
}

function calendarOf(mailbox: MailboxRecord, id: string): CalendarRecord {
  const calendar = mailbox.calendars[id];
  if (!calendar) throw graphErrors.notFound(`calendar ${id}`);
  return calendar;
}
