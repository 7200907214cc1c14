import { randomBytes } from 'node:crypto';
import { GraphError, graphErrors } from '../graphError';
import type { ItemRecord, MailboxRecord, RecipientRecord } from '../store/types';
import { canonicalObject, isJsonObject, propertyValidationFailure, structuralProperties } from './graphValues';
import { dateOfDay, dayNumber, occurrenceDates, type Recurrence, validateRecurrence } from './recurrence';
import {
  formatDate,
  formatGraphDateTime,
  fromWallClockMs,
  instantToZoned,
  type LocalDateTime,
  parseLocalDateTime,
  resolveTimeZone,
  wallClockMs,
  zonedToInstant,
} from './timeZones';

/**
 * The event properties a client sets (the request-body table of https://learn.microsoft.com/graph/api/event-update,
 * plus `transactionId` on create: https://learn.microsoft.com/graph/api/resources/event). The others (`organizer`,
 * `isOrganizer`, `isDraft`, `type`, `iCalUId`, `seriesMasterId`, `responseStatus`, ...) are accepted by the schema
 * and ignored: "the created event always has the calendar owner as the organizer, no matter what I pass in the
 * organizer and isOrganizer properties" (microsoftgraph/microsoft-graph-docs#17988).
 */
const WRITABLE_EVENT_PROPERTIES = new Set([
  'allowNewTimeProposals',
  'attendees',
  'body',
  'categories',
  'end',
  'hideAttendees',
  'importance',
  'isAllDay',
  'isOnlineMeeting',
  'isReminderOn',
  'location',
  'locations',
  'onlineMeetingProvider',
  'recurrence',
  'reminderMinutesBeforeStart',
  'responseRequested',
  'sensitivity',
  'showAs',
  'start',
  'subject',
  'transactionId',
]);

/** What an occurrence may change on its own; its recurrence belongs to the series (guess: refused on an occurrence). */
const OCCURRENCE_PROPERTIES = new Set([...WRITABLE_EVENT_PROPERTIES].filter((name) => name !== 'recurrence' && name !== 'transactionId'));

export function writableEventProperties(body: Record<string, unknown>, forOccurrence = false): Record<string, unknown> {
  if (forOccurrence && body.recurrence !== undefined)
    throw propertyValidationFailure('the recurrence of a series is changed on its series master, not on an occurrence');
  const allowed = forOccurrence ? OCCURRENCE_PROPERTIES : WRITABLE_EVENT_PROPERTIES;
  return Object.fromEntries(Object.entries(canonicalObject('graph.event', body)).filter(([key]) => allowed.has(key)));
}

export interface EventTimes {
  start: LocalDateTime;
  end: LocalDateTime;
  startZone: string;
  endZone: string;
  startInstant: number;
  endInstant: number;
}

/** A `dateTimeTimeZone`: its wall-clock time and the ICU zone of its name (UTC when the name is left out: guess). */
function readDateTimeTimeZone(value: unknown, name: 'start' | 'end'): { local: LocalDateTime; zone: string; timeZone: string } {
  if (!isJsonObject(value) || typeof value.dateTime !== 'string') throw propertyValidationFailure(`${name} is required, with a dateTime`);
  const local = parseLocalDateTime(value.dateTime);
  if (!local) throw propertyValidationFailure(`${name}.dateTime '${value.dateTime}' is not a date and time (<date>T<time>)`);
  const timeZone = typeof value.timeZone === 'string' && value.timeZone !== '' ? value.timeZone : 'UTC';
  return { local, zone: resolveTimeZone(timeZone), timeZone };
}

/**
 * Checks the times of an event's properties (after a PATCH, the merged ones) and writes them in Graph's form.
 * - `end` before `start`: ErrorPropertyValidationFailure (microsoftgraph/microsoft-graph-docs#7919).
 * - `isAllDay`: "If true, regardless of whether it's a single-day or multi-day event, start and end time must be
 *   set to midnight and be in the same time zone" (https://learn.microsoft.com/graph/api/resources/event); "The
 *   duration of an event marked as All day must be at least 24 hours" (Exchange's text, OfficeDev/Office-365-SDK-for-Java#5).
 *   Guess: a whole number of days.
 * - `recurrence`: see recurrence.ts.
 */
export function normaliseEventTimes(properties: Record<string, unknown>): EventTimes {
  const start = readDateTimeTimeZone(properties.start, 'start');
  const end = readDateTimeTimeZone(properties.end, 'end');
  const times: EventTimes = {
    start: start.local,
    end: end.local,
    startZone: start.zone,
    endZone: end.zone,
    startInstant: zonedToInstant(start.local, start.zone),
    endInstant: zonedToInstant(end.local, end.zone),
  };
  if (times.endInstant < times.startInstant) throw propertyValidationFailure('the end of the event is before its start');
  if (properties.isAllDay === true) {
    const midnight = (local: LocalDateTime): boolean => local.hour === 0 && local.minute === 0 && local.second === 0 && local.millisecond === 0;
    if (!midnight(start.local) || !midnight(end.local)) throw propertyValidationFailure('an all-day event must start and end at midnight');
    if (start.timeZone !== end.timeZone) throw propertyValidationFailure('an all-day event must start and end in the same time zone');
    const days = (wallClockMs(end.local) - wallClockMs(start.local)) / DAY_MS;
    if (days < 1 || !Number.isInteger(days)) throw propertyValidationFailure('The duration of an event marked as All day must be at least 24 hours');
  }
  properties.start = { dateTime: formatGraphDateTime(start.local), timeZone: start.timeZone };
  properties.end = { dateTime: formatGraphDateTime(end.local), timeZone: end.timeZone };
  if (properties.recurrence !== undefined && properties.recurrence !== null) {
    properties.recurrence = validateRecurrence(properties.recurrence, formatDate(start.local), start.timeZone);
  }
  return times;
}

const DAY_MS = 86_400_000;

export function eventTimes(event: ItemRecord): EventTimes {
  const start = event.properties.start as { dateTime: string; timeZone: string };
  const end = event.properties.end as { dateTime: string; timeZone: string };
  const startLocal = parseLocalDateTime(start.dateTime.replace(/\.\d+$/, ''))!;
  const endLocal = parseLocalDateTime(end.dateTime.replace(/\.\d+$/, ''))!;
  const startZone = resolveTimeZone(start.timeZone);
  const endZone = resolveTimeZone(end.timeZone);
  return {
    start: startLocal,
    end: endLocal,
    startZone,
    endZone,
    startInstant: zonedToInstant(startLocal, startZone),
    endInstant: zonedToInstant(endLocal, endZone),
  };
}

export function recurrenceOf(event: ItemRecord): Recurrence | undefined {
  const recurrence = event.properties.recurrence;
  return isJsonObject(recurrence) ? (recurrence as unknown as Recurrence) : undefined;
}

/**
 * An Exchange GlobalObjectId as Graph shows it in `iCalUId`: a fixed class id, then the instance date (zero for
 * the event or series itself, year/month/day for one occurrence: "This ID is different for each occurrence in a
 * recurring series", https://learn.microsoft.com/graph/api/resources/event), then the item's own part.
 */
export function newICalUId(): string {
  return `040000008200E00074C5B7101A82E008${'00000000'}${randomBytes(28).toString('hex').toUpperCase()}`;
}

function occurrenceICalUId(seriesICalUId: string, date: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const stamp = `${year.toString(16).padStart(4, '0')}${month.toString(16).padStart(2, '0')}${day.toString(16).padStart(2, '0')}`.toUpperCase();
  return `${seriesICalUId.slice(0, 32)}${stamp}${seriesICalUId.slice(40)}`;
}

// ---------------------------------------------------------------------------------------------
// Occurrences of a series. An occurrence has no record of its own: its id names the master and its original
// start, so every id Graph hands out for it keeps working; a changed occurrence (an exception) keeps its changes
// in the master's `exceptions`, a cancelled one is listed in `cancelledOccurrences`.

const OCCURRENCE_PREFIX = 'AAMkADOC';

export function occurrenceId(masterId: string, originalStart: string): string {
  return OCCURRENCE_PREFIX + Buffer.from(`${masterId}|${originalStart}`).toString('base64url');
}

export function parseOccurrenceId(id: string): { masterId: string; originalStart: string } | undefined {
  if (!id.startsWith(OCCURRENCE_PREFIX)) return undefined;
  const text = Buffer.from(id.slice(OCCURRENCE_PREFIX.length), 'base64url').toString();
  const bar = text.lastIndexOf('|');
  return bar < 0 ? undefined : { masterId: text.slice(0, bar), originalStart: text.slice(bar + 1) };
}

export function isoInstant(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

export interface Occurrence {
  master: ItemRecord;
  originalStart: string;
  date: string;
  /** Current start and end (an exception's own, or the series' for that date). */
  startInstant: number;
  endInstant: number;
  isException: boolean;
}

/** The series' start and end for one of its dates, in the recurrence's time zone (an all-day series: in its own). */
function seriesInstantsOn(master: ItemRecord, date: string): { start: number; end: number } {
  const times = eventTimes(master);
  const recurrence = recurrenceOf(master)!;
  const zone = master.properties.isAllDay === true ? times.startZone : resolveTimeZone(recurrence.range.recurrenceTimeZone);
  const startWall = instantToZoned(times.startInstant, zone);
  const endWall = instantToZoned(times.endInstant, zone);
  const duration = wallClockMs(endWall) - wallClockMs(startWall);
  const timeOfDay = ((wallClockMs(startWall) % DAY_MS) + DAY_MS) % DAY_MS;
  const occurrenceStart = fromWallClockMs(dayNumber(date) * DAY_MS + timeOfDay);
  return {
    start: zonedToInstant(occurrenceStart, zone),
    end: zonedToInstant(fromWallClockMs(wallClockMs(occurrenceStart) + duration), zone),
  };
}

function occurrenceFor(master: ItemRecord, date: string): Occurrence {
  const series = seriesInstantsOn(master, date);
  const originalStart = isoInstant(series.start);
  const exception = master.exceptions?.[originalStart];
  if (!exception) return { master, originalStart, date, startInstant: series.start, endInstant: series.end, isException: false };
  const own = { ...master, properties: { ...master.properties, ...exception.properties, recurrence: null } };
  const times = exception.properties.start || exception.properties.end ? eventTimes(own) : { startInstant: series.start, endInstant: series.end };
  return { master, originalStart, date, startInstant: times.startInstant, endInstant: times.endInstant, isException: true };
}

/** The series' occurrences up to a date (inclusive), cancelled ones left out unless asked for. */
export function occurrencesUntil(master: ItemRecord, untilDate: string, withCancelled = false): Occurrence[] {
  const recurrence = recurrenceOf(master);
  if (!recurrence) return [];
  const cancelled = new Set(master.cancelledOccurrences ?? []);
  return occurrenceDates(recurrence, untilDate)
    .map((date) => occurrenceFor(master, date))
    .filter((occurrence) => withCancelled || !cancelled.has(occurrence.originalStart));
}

/**
 * `GET …/events/{id}/instances?startDateTime&endDateTime` (https://learn.microsoft.com/graph/api/event-list-instances):
 * the occurrences and exceptions of a series master in the window. Guesses: an occurrence is in the window when it
 * overlaps it (as calendarView); the list is in start order; a single instance has no instances.
 */
export function occurrencesInWindow(master: ItemRecord, windowStart: number, windowEnd: number): Occurrence[] {
  const recurrence = recurrenceOf(master);
  if (!recurrence) return [];
  // An exception may sit up to one period before its original date; look a year past the window's end.
  const until = dateOfDay(Math.floor(windowEnd / DAY_MS) + 400);
  return occurrencesUntil(master, until)
    .filter((occurrence) => (occurrence.endInstant > windowStart || occurrence.startInstant >= windowStart) && occurrence.startInstant < windowEnd)
    .sort((a, b) => a.startInstant - b.startInstant);
}

export function findOccurrence(mailbox: MailboxRecord, id: string): Occurrence {
  const parsed = parseOccurrenceId(id);
  const master = parsed && mailbox.events[parsed.masterId];
  if (!parsed || !master || !recurrenceOf(master)) throw graphErrors.notFound(`event ${id}`);
  const all = occurrencesUntil(master, dateOfDay(Math.floor(Date.parse(parsed.originalStart) / DAY_MS) + 2), true);
  const occurrence = all.find((candidate) => candidate.originalStart === parsed.originalStart);
  if (!occurrence || (master.cancelledOccurrences ?? []).includes(occurrence.originalStart)) throw graphErrors.notFound(`event ${id}`);
  return occurrence;
}

/**
 * An occurrence "cannot be moved to or before the day of the previous occurrence, and cannot be moved to or after
 * the day of the following occurrence": 400 `ErrorOccurrenceCrossingBoundary` "Modified occurrence is crossing or
 * overlapping adjacent occurrence." (https://learn.microsoft.com/graph/api/event-update, Response). Days are those
 * of the recurrence's time zone; the neighbours are the nearest occurrences that are not cancelled (guess).
 */
export function checkOccurrenceBoundary(occurrence: Occurrence, newStartInstant: number): void {
  const master = occurrence.master;
  const recurrence = recurrenceOf(master)!;
  const zone = resolveTimeZone(recurrence.range.recurrenceTimeZone);
  const dayOf = (instant: number): number => dayNumber(formatDate(instantToZoned(instant, zone)));
  const all = occurrencesUntil(master, dateOfDay(dayNumber(occurrence.date) + 800));
  const index = all.findIndex((candidate) => candidate.originalStart === occurrence.originalStart);
  const previous = all[index - 1];
  const next = all[index + 1];
  const newDay = dayOf(newStartInstant);
  if ((previous && newDay <= dayOf(previous.startInstant)) || (next && newDay >= dayOf(next.startInstant))) {
    throw new GraphError(400, 'ErrorOccurrenceCrossingBoundary', 'Modified occurrence is crossing or overlapping adjacent occurrence.');
  }
}

// ---------------------------------------------------------------------------------------------
// JSON

export interface EventView {
  /** The zone of `Prefer: outlook.timezone`, or undefined for UTC. */
  preferredZone: string | undefined;
}

/**
 * Start or end as Graph writes them: in the `Prefer: outlook.timezone` zone, or in UTC ("By default, the start
 * time is in UTC": https://learn.microsoft.com/graph/api/resources/event). An all-day event keeps its dates:
 * "All day events always return midnight-to-midnight regardless of time zone" (Microsoft, microsoftgraph/microsoft-graph-docs#1802).
 */
function viewTime(instant: number, allDayLocal: LocalDateTime | undefined, view: EventView): { dateTime: string; timeZone: string } {
  const name = view.preferredZone ?? 'UTC';
  if (allDayLocal) return { dateTime: formatGraphDateTime(allDayLocal), timeZone: name };
  return { dateTime: formatGraphDateTime(instantToZoned(instant, view.preferredZone ? resolveTimeZone(view.preferredZone) : 'UTC')), timeZone: name };
}

function bodyPreview(body: unknown): string {
  if (!isJsonObject(body) || typeof body.content !== 'string') return '';
  const text = body.contentType === 'html' ? body.content.replace(/<style[\s\S]*?<\/style>|<[^>]+>/gi, ' ').replace(/&nbsp;/g, ' ') : body.content;
  return text.replace(/\s+/g, ' ').trim().slice(0, 255);
}

function locationJson(location: unknown): Record<string, unknown> {
  const value = isJsonObject(location) ? location : {};
  const displayName = typeof value.displayName === 'string' ? value.displayName : '';
  return {
    displayName,
    locationType: 'default',
    uniqueIdType: displayName ? 'private' : 'unknown',
    ...(displayName ? { uniqueId: displayName } : {}),
    ...value,
  };
}

function attendeesJson(attendees: unknown): unknown[] {
  if (!Array.isArray(attendees)) return [];
  return attendees.filter(isJsonObject).map((attendee) => ({
    type: 'required',
    status: { response: 'none', time: '0001-01-01T00:00:00Z' },
    ...attendee,
  }));
}

/** An event as Graph returns it (https://learn.microsoft.com/graph/api/user-post-events, example responses). */
export function toEventJson(event: ItemRecord, view: EventView, occurrence?: Occurrence): Record<string, unknown> {
  const base = occurrence ? occurrenceProperties(occurrence) : event.properties;
  const times = occurrence ? undefined : eventTimes(event);
  const startInstant = occurrence ? occurrence.startInstant : times!.startInstant;
  const endInstant = occurrence ? occurrence.endInstant : times!.endInstant;
  const allDay = base.isAllDay === true;
  const allDayZone = allDay ? resolveTimeZone((base.start as { timeZone: string }).timeZone) : 'UTC';
  const changeKey = Buffer.from(occurrence?.master.exceptions?.[occurrence.originalStart]?.lastModifiedDateTime ?? event.lastModifiedDateTime).toString(
    'base64',
  );
  const location = base.location ?? (Array.isArray(base.locations) && base.locations.length > 0 ? base.locations[0] : undefined);
  const locations = Array.isArray(base.locations) ? base.locations.map(locationJson) : location ? [locationJson(location)] : [];
  const recurrence = occurrence ? null : (base.recurrence ?? null);
  const json: Record<string, unknown> = {
    '@odata.etag': `W/"${changeKey}"`,
    id: occurrence ? occurrenceId(event.id, occurrence.originalStart) : event.id,
    createdDateTime: event.createdDateTime,
    lastModifiedDateTime: occurrence?.master.exceptions?.[occurrence.originalStart]?.lastModifiedDateTime ?? event.lastModifiedDateTime,
    changeKey,
    categories: base.categories ?? [],
    ...(typeof base.transactionId === 'string' && !occurrence ? { transactionId: base.transactionId } : {}),
    originalStartTimeZone: base.originalStartTimeZone ?? (base.start as { timeZone: string }).timeZone,
    originalEndTimeZone: base.originalEndTimeZone ?? (base.end as { timeZone: string }).timeZone,
    iCalUId: occurrence ? occurrenceICalUId(String(base.iCalUId), occurrence.date) : base.iCalUId,
    reminderMinutesBeforeStart: base.reminderMinutesBeforeStart ?? 15,
    isReminderOn: base.isReminderOn ?? true,
    hasAttachments: (event.attachments ?? []).some((attachment) => !attachment.isInline),
    subject: base.subject ?? '',
    bodyPreview: bodyPreview(base.body),
    importance: base.importance ?? 'normal',
    sensitivity: base.sensitivity ?? 'normal',
    isAllDay: allDay,
    isCancelled: base.isCancelled === true,
    isOrganizer: base.isOrganizer !== false,
    responseRequested: base.responseRequested ?? true,
    seriesMasterId: occurrence ? event.id : null,
    showAs: base.showAs ?? 'busy',
    type: occurrence ? (occurrence.isException ? 'exception' : 'occurrence') : recurrence ? 'seriesMaster' : 'singleInstance',
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(occurrence ? occurrenceId(event.id, occurrence.originalStart) : event.id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: base.isOnlineMeeting ?? false,
    onlineMeetingProvider: base.onlineMeetingProvider ?? 'unknown',
    allowNewTimeProposals: base.allowNewTimeProposals ?? true,
    isDraft: false,
    hideAttendees: base.hideAttendees ?? false,
    responseStatus: base.responseStatus ?? { response: 'organizer', time: '0001-01-01T00:00:00Z' },
    body: base.body ?? { contentType: 'text', content: '' },
    start: viewTime(startInstant, allDay ? instantToZoned(startInstant, allDayZone) : undefined, view),
    end: viewTime(endInstant, allDay ? instantToZoned(endInstant, allDayZone) : undefined, view),
    location: locationJson(location),
    locations,
    recurrence,
    attendees: attendeesJson(base.attendees),
    organizer: base.organizer,
    onlineMeeting: null,
  };
  if (occurrence) json.originalStart = occurrence.originalStart;
  return json;
}

function occurrenceProperties(occurrence: Occurrence): Record<string, unknown> {
  return { ...occurrence.master.properties, ...(occurrence.master.exceptions?.[occurrence.originalStart]?.properties ?? {}), recurrence: null };
}

/** The structural properties of `graph.event` Graph returns (to check the JSON above against the schema in tests). */
export const EVENT_JSON_PROPERTIES = structuralProperties('graph.event').map(([name]) => name);

export function attendeeAddresses(event: Pick<ItemRecord, 'properties'>): string[] {
  const attendees = event.properties.attendees;
  if (!Array.isArray(attendees)) return [];
  return attendees
    .filter(isJsonObject)
    .map((attendee) => (isJsonObject(attendee.emailAddress) ? attendee.emailAddress.address : undefined))
    .filter((address): address is string => typeof address === 'string' && address !== '');
}

export function organizerOf(event: ItemRecord): RecipientRecord {
  return event.properties.organizer as RecipientRecord;
}
