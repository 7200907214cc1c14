import { openUploadSession } from '../mail/attachmentRoutes';
import { z } from 'zod';
import { GraphError, graphErrors } from '../graphError';
import { matchesFilter, parseFilter } from '../http/odataFilter';
import { applySelect, pageOf, selectedProperties } from '../http/odataQuery';
import { parseActionParameters, parseJsonBody, readJsonBody } from '../http/parseJsonBody';
import type { Router } from '../http/router';
import type { RouteParams, SandboxRequest, SandboxResponse } from '../http/sandboxRequest';
import { ensureMessageSize } from '../mail/attachmentRoutes';
import { newAttachment, nowIso } from '../mail/createMessage';
import { toAttachmentJson } from '../mail/messageJson';
import { fileAttachmentSchema } from '../mail/messageSchemas';
import { newExchangeId } from '../store/graphIds';
import type { TenantStore } from '../store/tenantStore';
import type { AttachmentRecord, CalendarRecord, ItemRecord, MailboxRecord } from '../store/types';
import {
  attendeeAddresses,
  checkOccurrenceBoundary,
  eventTimes,
  type EventView,
  findOccurrence,
  newICalUId,
  normaliseEventTimes,
  type Occurrence,
  occurrenceId,
  occurrencesInWindow,
  organizerOf,
  parseOccurrenceId,
  recurrenceOf,
  toEventJson,
  writableEventProperties,
} from './eventModel';
import { applyExtendedProperties, expandedProperties, filterView } from './extendedProperties';
import { propertyValidationFailure, refuseOpenExtensions } from './graphValues';
import { senderAddressOf, sendMeetingMessage } from './meetingMessages';
import { formatGraphDateTime, instantToZoned, preferredTimeZone, resolveTimeZone } from './timeZones';

type CalendarScope = (mailbox: MailboxRecord, params: RouteParams) => CalendarRecord | undefined;

/** An event named by a route: a single instance or series master, or one occurrence of a series. */
interface Target {
  mailbox: MailboxRecord;
  event: ItemRecord;
  occurrence?: Occurrence;
}

/**
 * Events (https://learn.microsoft.com/graph/api/resources/event) under the three documented prefixes:
 * `/users/{id}/events` and `/users/{id}/calendar/events` (the default calendar for lists and creates, any
 * calendar for an event by id) and `/users/{id}/calendars/{id}/events`.
 */
export function addEventRoutes(
  router: Router,
  store: TenantStore,
  defaultCalendar: (mailbox: MailboxRecord) => CalendarRecord,
  calendarOf: (mailbox: MailboxRecord, id: string) => CalendarRecord,
  origin: () => string,
): void {
  const collections: [string, (mailbox: MailboxRecord, p: RouteParams) => CalendarRecord, CalendarScope][] = [
    ['/users/:user/events', defaultCalendar, () => undefined],
    ['/users/:user/calendar/events', defaultCalendar, () => undefined],
    ['/users/:user/calendars/:calendar/events', (mailbox, p) => calendarOf(mailbox, p.calendar!), (mailbox, p) => calendarOf(mailbox, p.calendar!)],
  ];
  for (const [path, calendarFor, scope] of collections) {
    router.add('GET', path, (req, p) => {
      const mailbox = store.mailboxOf(p.user!);
      return listEvents(req, mailbox, calendarFor(mailbox, p));
    });
    router.add('POST', path, (req, p) => {
      const mailbox = store.mailboxOf(p.user!);
      return createEvent(req, store, mailbox, calendarFor(mailbox, p));
    });
    const item = `${path}/:event`;
    const find = (p: RouteParams): Target => findTarget(store.mailboxOf(p.user!), p.event!, scope(store.mailboxOf(p.user!), p));
    router.add('GET', item, (req, p) => {
      const target = find(p);
      return { status: 200, json: eventEntity(req, target.mailbox, target.event, target.occurrence) };
    });
    router.add('PATCH', item, (req, p) => updateEvent(req, store, find(p)));
    router.add('DELETE', item, (_req, p) => {
      removeEvent(store, find(p), 'delete');
      return { status: 204 };
    });
    router.add('GET', `${item}/instances`, (req, p) => listInstances(req, find(p)));
    router.add('POST', `${item}/cancel`, (req, p) => cancelEvent(req, store, find(p)));
    router.add('POST', `${item}/accept`, (req, p) => respond(req, store, find(p), 'accept'));
    router.add('POST', `${item}/tentativelyAccept`, (req, p) => respond(req, store, find(p), 'tentativelyAccept'));
    router.add('POST', `${item}/decline`, (req, p) => respond(req, store, find(p), 'decline'));
    router.add('GET', `${item}/attachments`, (req, p) => {
      const { event } = find(p);
      return {
        status: 200,
        json: pageOf(req, event.attachments ?? [], (a) => toAttachmentJson(a, true), { defaultTop: 1000, maxTop: 1000, context: 'attachments' }),
      };
    });
    router.add('POST', `${item}/attachments`, (req, p) => addAttachment(req, store, find(p)));
    // Files of 3 to 150 MB (https://learn.microsoft.com/graph/outlook-large-attachments, "to an Outlook message or event").
    router.add('POST', `${item}/attachments/createUploadSession`, (req, p) => {
      const { mailbox, event } = find(p);
      return openUploadSession(req, store, mailbox, { eventId: event.id }, event.attachments ?? [], origin());
    });
    router.add('GET', `${item}/attachments/:attachment`, (_req, p) => ({
      status: 200,
      json: toAttachmentJson(attachmentOf(find(p).event, p.attachment!), true),
    }));
    router.add('GET', `${item}/attachments/:attachment/$value`, (_req, p) => {
      const attachment = attachmentOf(find(p).event, p.attachment!);
      return { status: 200, raw: { contentType: attachment.contentType, body: Buffer.from(attachment.contentBytes, 'base64') } };
    });
  }
}

function findTarget(mailbox: MailboxRecord, id: string, calendar: CalendarRecord | undefined): Target {
  if (parseOccurrenceId(id)) {
    const occurrence = findOccurrence(mailbox, id);
    if (calendar && occurrence.master.containerId !== calendar.id) throw graphErrors.notFound(`event ${id}`);
    return { mailbox, event: occurrence.master, occurrence };
  }
  const event = mailbox.events[id];
  if (!event || (calendar && event.containerId !== calendar.id)) throw graphErrors.notFound(`event ${id}`);
  return { mailbox, event };
}

function viewOf(req: SandboxRequest): EventView {
  return { preferredZone: preferredTimeZone(req.headers) };
}

function eventEntity(req: SandboxRequest, mailbox: MailboxRecord, event: ItemRecord, occurrence?: Occurrence): Record<string, unknown> {
  return {
    '@odata.context': `${req.graphBaseUrl}/$metadata#users('${mailbox.userId}')/events/$entity`,
    ...applySelect(withSelectOnly(req, event, toEventJson(event, viewOf(req), occurrence), occurrence), selectedProperties(req)),
    ...expandedProperties(req, event, 'event', ['attachments']),
    ...(wantsAttachments(req) ? { attachments: (event.attachments ?? []).map((a) => toAttachmentJson(a, true)) } : {}),
  };
}

/**
 * `cancelledOccurrences` of a series master is "Returned only on $select in a Get operation which specifies the
 * ID (seriesMasterId property value) of a series master event" (https://learn.microsoft.com/graph/api/resources/event);
 * its values are occurrence ids.
 */
function withSelectOnly(req: SandboxRequest, event: ItemRecord, json: Record<string, unknown>, occurrence?: Occurrence): Record<string, unknown> {
  const select = selectedProperties(req)?.map((name) => name.toLowerCase());
  if (!occurrence && recurrenceOf(event) && select?.includes('cancelledoccurrences')) {
    return { ...json, cancelledOccurrences: (event.cancelledOccurrences ?? []).map((start) => `${event.id}.${start}`) };
  }
  return json;
}

function wantsAttachments(req: SandboxRequest): boolean {
  return /(^|,)\s*attachments\s*($|,|\()/i.test(req.query.get('$expand') ?? '');
}

/** "The list contains single instance meetings and series masters" (https://learn.microsoft.com/graph/api/user-list-events). */
function listEvents(req: SandboxRequest, mailbox: MailboxRecord, calendar: CalendarRecord): SandboxResponse {
  const view = viewOf(req);
  const filter = parseFilter(req.query.get('$filter'));
  const events = Object.values(mailbox.events)
    .filter((event) => event.containerId === calendar.id)
    .filter((event) => filter.length === 0 || matchesFilter(filterView(toEventJson(event, view), event), filter));
  return {
    status: 200,
    json: pageOf(req, events, (event) => ({ ...toEventJson(event, view), ...expandedProperties(req, event, 'event', ['attachments']) }), {
      defaultTop: 10,
      maxTop: 1000,
      context: `users('${mailbox.userId}')/events`,
    }),
  };
}

/**
 * https://learn.microsoft.com/graph/api/user-post-events: 201 with the event, the mailbox owner its organizer, and
 * "When an event is sent, the server sends invitations to all the attendees": every attendee gets a meeting request.
 * `transactionId` "for the server to avoid redundant POST operations in case of client retries to create the same
 * event" (https://learn.microsoft.com/graph/api/resources/event): a create that repeats a transactionId of an event of
 * the mailbox is refused with 400 `ErrorDuplicateTransactionId` "Your request can't be completed. The TransactionId
 * specified in the request has already been used to create a different event." (the answer clients report:
 * KTI.PAL.Teams treats it as "already created" in its batch create; eudonet's code quotes the text), and creates
 * and sends nothing. Guesses: the key is remembered as long as its event exists, in any calendar of the mailbox;
 * the error does not name the existing event.
 */
function createEvent(req: SandboxRequest, store: TenantStore, mailbox: MailboxRecord, calendar: CalendarRecord): SandboxResponse {
  const view = viewOf(req);
  const body = readJsonBody(req) as Record<string, unknown>;
  refuseOpenExtensions(body);
  const properties = writableEventProperties(body);
  normaliseEventTimes(properties);
  if (
    typeof properties.transactionId === 'string' &&
    Object.values(mailbox.events).some((event) => event.properties.transactionId === properties.transactionId)
  ) {
    throw new GraphError(
      400,
      'ErrorDuplicateTransactionId',
      "Your request can't be completed. The TransactionId specified in the request has already been used to create a different event.",
    );
  }
  const attachments = readAttachments(store, body);
  const now = nowIso();
  const event: ItemRecord = {
    id: newExchangeId('item'),
    containerId: calendar.id,
    properties: {
      ...properties,
      originalStartTimeZone: (properties.start as { timeZone: string }).timeZone,
      originalEndTimeZone: (properties.end as { timeZone: string }).timeZone,
      iCalUId: newICalUId(),
      organizer: senderAddressOf(store, mailbox),
      isOrganizer: true,
      responseStatus: { response: 'organizer', time: '0001-01-01T00:00:00Z' },
    },
    createdDateTime: now,
    lastModifiedDateTime: now,
    attachments,
  };
  applyExtendedProperties(event, body);
  mailbox.events[event.id] = event;
  sendMeetingMessage(store, mailbox, event, { meetingMessageType: 'meetingRequest', trigger: 'createEvent', to: attendeeAddresses(event) });
  store.changed();
  return { status: 201, json: { '@odata.context': `${req.graphBaseUrl}/$metadata#users('${mailbox.userId}')/events/$entity`, ...toEventJson(event, view) } };
}

function readAttachments(store: TenantStore, body: Record<string, unknown>): AttachmentRecord[] {
  if (!Array.isArray(body.attachments)) return [];
  const parsed = z.array(fileAttachmentSchema).safeParse(body.attachments);
  if (!parsed.success) throw new GraphError(400, 'ErrorInvalidRequest', `Invalid attachment: ${parsed.error.issues[0]?.message ?? 'not valid'}.`);
  const attachments = parsed.data.map((a) => newAttachment(a.name, a.contentType, Buffer.from(a.contentBytes, 'base64'), a.isInline, a.contentId ?? null));
  ensureMessageSize(
    store,
    attachments.reduce((sum, a) => sum + a.size, 0),
  );
  return attachments;
}

function isMeetingOrganizer(event: ItemRecord): boolean {
  return event.properties.isOrganizer !== false;
}

function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * https://learn.microsoft.com/graph/api/event-update: changed properties only; on the organizer's meeting:
 * "An event update that includes only the attendees property in the request body sends a meeting update to only
 * the attendees that have changed" (added ones get the request, removed ones a cancellation); any other update
 * sends the update to every attendee, and "If the event you're updating is the master event of a recurring series,
 * contains multiple attendees, and has instances that have been updated separately, multiple notification emails
 * will be sent out: one for the master series and one per instance that has been updated." Guesses: every update
 * of the organizer's meeting is sent, whatever it changes (the page names no property that is not); an
 * attendee's own copy sends nothing; `transactionId` "cannot change ... in a subsequent update" is refused;
 * a new recurrence drops the series' exceptions and cancellations, as Outlook does.
 */
function updateEvent(req: SandboxRequest, store: TenantStore, target: Target): SandboxResponse {
  viewOf(req); // an unknown Prefer zone is refused before anything changes
  const body = readJsonBody(req) as Record<string, unknown>;
  refuseOpenExtensions(body);
  if (target.occurrence) return updateOccurrence(req, store, target, body);
  const { mailbox, event } = target;
  const changes = writableEventProperties(body);
  if ('transactionId' in changes && changes.transactionId !== event.properties.transactionId) {
    throw propertyValidationFailure('transactionId cannot be changed after the event is created');
  }
  const before = attendeeAddresses(event);
  const merged: Record<string, unknown> = { ...event.properties, ...changes };
  if ('location' in changes && !('locations' in changes)) delete merged.locations;
  normaliseEventTimes(merged);
  if (JSON.stringify(merged.recurrence ?? null) !== JSON.stringify(event.properties.recurrence ?? null)) {
    event.exceptions = {};
    event.cancelledOccurrences = [];
  }
  event.properties = merged;
  applyExtendedProperties(event, body);
  event.lastModifiedDateTime = nowIso();
  if (isMeetingOrganizer(event)) {
    const after = attendeeAddresses(event);
    const added = after.filter((address) => !before.some((old) => sameAddress(old, address)));
    const removed = before.filter((address) => !after.some((now) => sameAddress(now, address)));
    const onlyAttendees = Object.keys(body)
      .filter((key) => !key.startsWith('@'))
      .every((key) => key === 'attendees');
    sendMeetingMessage(store, mailbox, event, { meetingMessageType: 'meetingCancelled', trigger: 'updateEvent', to: removed });
    sendMeetingMessage(store, mailbox, event, { meetingMessageType: 'meetingRequest', trigger: 'updateEvent', to: onlyAttendees ? added : after });
    if (!onlyAttendees && after.length > 1) {
      for (const originalStart of Object.keys(event.exceptions ?? {})) {
        sendMeetingMessage(store, mailbox, event, {
          meetingMessageType: 'meetingRequest',
          trigger: 'updateEvent',
          to: after,
          occurrenceOriginalStart: originalStart,
        });
      }
    }
  }
  store.changed();
  return { status: 200, json: eventEntity(req, mailbox, event) };
}

/**
 * PATCH of one occurrence of a series makes it an exception (`type: exception`, https://learn.microsoft.com/graph/api/event-list-instances);
 * moving it past a neighbour's day is refused (eventModel.checkOccurrenceBoundary). The organizer's meeting
 * sends the change to its attendees (as event-update).
 */
function updateOccurrence(req: SandboxRequest, store: TenantStore, target: Target, body: Record<string, unknown>): SandboxResponse {
  const { mailbox, event: master } = target;
  const occurrence = target.occurrence!;
  const changes = writableEventProperties(body, true);
  const previous = master.exceptions?.[occurrence.originalStart]?.properties ?? {};
  const override: Record<string, unknown> = { ...previous, ...changes };
  if ('start' in changes || 'end' in changes) {
    const times = eventTimes(master);
    const startZoneName = (master.properties.start as { timeZone: string }).timeZone;
    const endZoneName = (master.properties.end as { timeZone: string }).timeZone;
    override.start ??= { dateTime: formatGraphDateTime(instantToZoned(occurrence.startInstant, times.startZone)), timeZone: startZoneName };
    override.end ??= { dateTime: formatGraphDateTime(instantToZoned(occurrence.endInstant, resolveTimeZone(endZoneName))), timeZone: endZoneName };
  }
  const own: Record<string, unknown> = { ...master.properties, ...override, recurrence: null };
  const times = normaliseEventTimes(own);
  if ('start' in override) {
    override.start = own.start;
    override.end = own.end;
    checkOccurrenceBoundary(occurrence, times.startInstant);
  }
  const now = nowIso();
  master.exceptions = { ...(master.exceptions ?? {}), [occurrence.originalStart]: { properties: override, lastModifiedDateTime: now } };
  master.lastModifiedDateTime = now;
  if (isMeetingOrganizer(master)) {
    sendMeetingMessage(store, mailbox, master, {
      meetingMessageType: 'meetingRequest',
      trigger: 'updateOccurrence',
      to: attendeeAddresses({ properties: own }),
      occurrenceOriginalStart: occurrence.originalStart,
    });
  }
  store.changed();
  const updated = findOccurrence(mailbox, occurrenceId(master.id, occurrence.originalStart));
  return { status: 200, json: eventEntity(req, mailbox, master, updated) };
}

/**
 * Deleting or cancelling. https://learn.microsoft.com/graph/api/event-delete: "If the event is a meeting, deleting
 * the event on the organizer's calendar sends a cancellation message to the meeting attendees." An occurrence's id
 * removes that occurrence only (it joins the master's cancelled occurrences: https://learn.microsoft.com/graph/api/resources/event,
 * `cancelledOccurrences`). Guesses: deleting an attendee's copy sends nothing; the removed event is gone (Graph
 * moves it to Deleted Items, where the sandbox keeps no events).
 */
function removeEvent(store: TenantStore, target: Target, how: 'delete' | 'cancel', comment?: string): void {
  const { mailbox, event, occurrence } = target;
  const attendees = attendeeAddresses(
    occurrence ? { properties: { ...event.properties, ...(event.exceptions?.[occurrence.originalStart]?.properties ?? {}) } } : event,
  );
  if (occurrence) {
    event.cancelledOccurrences = [...new Set([...(event.cancelledOccurrences ?? []), occurrence.originalStart])];
    if (event.exceptions) delete event.exceptions[occurrence.originalStart];
    event.lastModifiedDateTime = nowIso();
  } else {
    delete mailbox.events[event.id];
  }
  if (isMeetingOrganizer(event) && event.properties.isCancelled !== true) {
    sendMeetingMessage(store, mailbox, event, {
      meetingMessageType: 'meetingCancelled',
      trigger: occurrence ? (how === 'cancel' ? 'cancelOccurrence' : 'deleteOccurrence') : how === 'cancel' ? 'cancelEvent' : 'deleteEvent',
      to: attendees,
      ...(occurrence ? { occurrenceOriginalStart: occurrence.originalStart } : {}),
      ...(comment !== undefined ? { comment } : {}),
    });
  }
  store.changed();
}

/**
 * https://learn.microsoft.com/graph/api/event-cancel: "This action allows the organizer of a meeting to send a
 * cancellation message and cancel the event. The action moves the event to the Deleted Items folder. The organizer
 * can also cancel an occurrence of a recurring meeting by providing the occurrence event ID. An attendee calling
 * this action gets an error (HTTP 400 Bad Request), with the following error message: "Your request can't be
 * completed. You need to be an organizer to cancel a meeting."" 202 Accepted. Guess: the code of that error.
 */
function cancelEvent(req: SandboxRequest, store: TenantStore, target: Target): SandboxResponse {
  const { comment } = parseActionParameters(req, z.object({ comment: z.string().nullish() }));
  if (!isMeetingOrganizer(target.event)) {
    throw new GraphError(400, 'ErrorInvalidRequest', "Your request can't be completed. You need to be an organizer to cancel a meeting.");
  }
  removeEvent(store, target, 'cancel', comment ?? undefined);
  return { status: 202 };
}

const RESPONSES = {
  accept: { type: 'meetingAccepted', response: 'accepted', showAs: 'busy' },
  tentativelyAccept: { type: 'meetingTenativelyAccepted', response: 'tentativelyAccepted', showAs: 'tentative' },
  decline: { type: 'meetingDeclined', response: 'declined', showAs: 'free' },
} as const;

/**
 * https://learn.microsoft.com/graph/api/event-accept, event-tentativelyaccept, event-decline: 202; `sendResponse`
 * "true if a response is to be sent to the organizer; otherwise, false. Optional. Default is true." A
 * `proposedNewTime` needs `sendResponse` true and an event that allows new time proposals, else 400 (documented).
 * Guesses: the organizer answering their own meeting gets 400; a declined meeting leaves the calendar (Outlook
 * moves it to Deleted Items); an occurrence's id answers for the series.
 */
function respond(req: SandboxRequest, store: TenantStore, target: Target, action: keyof typeof RESPONSES): SandboxResponse {
  const parameters = parseActionParameters(
    req,
    z.object({ comment: z.string().nullish(), sendResponse: z.boolean().nullish(), proposedNewTime: z.record(z.string(), z.unknown()).nullish() }),
  );
  const { mailbox, event } = target;
  if (isMeetingOrganizer(event))
    throw new GraphError(400, 'ErrorInvalidRequest', "Your request can't be completed. The organizer of a meeting can't respond to it.");
  const sendResponse = parameters.sendResponse !== false;
  if (parameters.proposedNewTime) {
    if (!sendResponse) throw new GraphError(400, 'ErrorInvalidRequest', 'A proposed new time can be sent only with sendResponse set to true.');
    if (event.properties.allowNewTimeProposals === false)
      throw new GraphError(400, 'ErrorInvalidRequest', 'The organizer does not allow new time proposals for this meeting.');
  }
  const answer = RESPONSES[action];
  const now = nowIso();
  event.properties.responseStatus = { response: answer.response, time: now };
  event.properties.showAs = answer.showAs;
  event.lastModifiedDateTime = now;
  if (action === 'decline') delete mailbox.events[event.id];
  if (sendResponse) {
    const organizer = organizerOf(event)?.emailAddress?.address;
    sendMeetingMessage(store, mailbox, event, {
      meetingMessageType: answer.type,
      trigger: action,
      to: organizer ? [organizer] : [],
      ...(parameters.comment ? { comment: parameters.comment } : {}),
    });
  }
  store.changed();
  return { status: 202 };
}

/**
 * `GET …/instances?startDateTime=…&endDateTime=…` (https://learn.microsoft.com/graph/api/event-list-instances), both
 * required. Guesses, from calendarView's page: without them 400 `ErrorInvalidParameter` "This request requires a
 * time window specified by the query string parameters StartDateTime and EndDateTime."; a value without an offset
 * is UTC.
 */
function listInstances(req: SandboxRequest, target: Target): SandboxResponse {
  const start = instantParameter(req, 'startDateTime');
  const end = instantParameter(req, 'endDateTime');
  const view = viewOf(req);
  const occurrences = target.occurrence ? [] : occurrencesInWindow(target.event, start, end);
  return {
    status: 200,
    json: pageOf(req, occurrences, (occurrence) => toEventJson(target.event, view, occurrence), {
      defaultTop: 10,
      maxTop: 1000,
      context: `users('${target.mailbox.userId}')/events('${target.event.id}')/instances`,
    }),
  };
}

function instantParameter(req: SandboxRequest, name: string): number {
  const raw = [...req.query.entries()].find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
  if (!raw) {
    throw new GraphError(
      400,
      'ErrorInvalidParameter',
      'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
    );
  }
  const withZone = /(Z|[+-]\d{2}:\d{2})$/i.test(raw) ? raw : `${raw}Z`;
  const instant = Date.parse(withZone);
  if (Number.isNaN(instant)) throw new GraphError(400, 'ErrorInvalidParameter', `The value '${raw}' of the parameter '${name}' is not a valid date and time.`);
  return instant;
}

/**
 * https://learn.microsoft.com/graph/api/event-post-attachments: 201 with the attachment; file attachments only
 * (item and reference attachments are not reproduced). Guess: adding an attachment to the organizer's meeting
 * sends the attendees an update, as Outlook's "Send Update" does for any change of the meeting.
 */
function addAttachment(req: SandboxRequest, store: TenantStore, target: Target): SandboxResponse {
  const { mailbox, event } = target;
  const input = parseJsonBody(req, fileAttachmentSchema);
  const bytes = Buffer.from(input.contentBytes, 'base64');
  ensureMessageSize(store, (event.attachments ?? []).reduce((sum, a) => sum + a.size, 0) + bytes.length);
  const attachment = newAttachment(input.name, input.contentType, bytes, input.isInline, input.contentId ?? null);
  attachFileToEvent(store, mailbox, event, attachment);
  return { status: 201, json: { '@odata.context': `${req.graphBaseUrl}/$metadata#attachments/$entity`, ...toAttachmentJson(attachment, true) } };
}

/**
 * Adds a file to an event, from a POST or an upload session's last range. A meeting's organizer adding one
 * updates the attendees' copies: the sandbox records the update Exchange sends (as for any change to a meeting).
 */
export function attachFileToEvent(store: TenantStore, mailbox: MailboxRecord, event: ItemRecord, attachment: AttachmentRecord): void {
  event.attachments = [...(event.attachments ?? []), attachment];
  event.lastModifiedDateTime = nowIso();
  if (isMeetingOrganizer(event))
    sendMeetingMessage(store, mailbox, event, { meetingMessageType: 'meetingRequest', trigger: 'addAttachment', to: attendeeAddresses(event) });
  store.changed();
}

function attachmentOf(event: ItemRecord, id: string): AttachmentRecord {
  const attachment = (event.attachments ?? []).find((candidate) => candidate.id === id);
  if (!attachment) throw graphErrors.notFound(`attachment ${id}`);
  return attachment;
}
