import ICAL from 'ical.js';
import type {
  GraphDateTimeTimeZone,
  GraphEvent,
  GraphFreeBusyStatus,
  GraphImportance,
  GraphItemBody,
  GraphPatternedRecurrence,
  GraphSensitivity,
} from './graphShapes';
import { InvalidICalendarError, UnknownTimeZoneError, UnsupportedRecurrenceError } from './groupwareErrors';
import { patternedRecurrenceOf } from './recurrence';
import {
  epochOfWallAsUtc,
  formatDate,
  formatWall,
  resolveTimeZone,
  type ResolvedTimeZone,
  type TimeZoneMethod,
  wallOfEpochAsUtc,
  wallToEpoch,
  type WallTime,
  windowsZoneName,
  type ZoneContext,
} from './timeZones';

/**
 * One iCalendar object — a VCALENDAR holding one event: its master VEVENT, the RECURRENCE-ID VEVENTs
 * that override single occurrences, and the VTIMEZONEs they use (the unit a CalDAV resource holds,
 * RFC 4791 4.1) — → the body of `POST /users/{id}/calendars/{id}/events`
 * (https://learn.microsoft.com/graph/api/user-post-events), plus what the copy applies to the series'
 * occurrences afterwards: `exceptions` (PATCH the instance that starts at `originalStart`) and
 * `cancelled` (DELETE that instance). Pure: no I/O.
 *
 * Fields (Graph v1.0 `event`, graph-v1.0-csdl.xml): SUMMARY → subject; DESCRIPTION → body (text), or
 * X-ALT-DESC;FMTTYPE=text/html → body (html); LOCATION → location.displayName; DTSTART/DTEND/DURATION →
 * start/end with time zones (timeZones.ts); VALUE=DATE → isAllDay with midnight start and end;
 * X-MICROSOFT-CDO-BUSYSTATUS, else TRANSP → showAs; CLASS → sensitivity (PUBLIC normal, PRIVATE private,
 * CONFIDENTIAL confidential); PRIORITY → importance (1–4 high, 5 normal, 6–9 low, RFC 5545 3.8.1.9);
 * the first VALARM → isReminderOn and reminderMinutesBeforeStart (no VALARM → isReminderOn false);
 * CATEGORIES → categories; ATTACH with inline BASE64 → `attachments` (name, content type, bytes) for
 * the copy to post as fileAttachments; ATTACH by URI, URL → a "Links" block in the body;
 * RRULE → recurrence (recurrence.ts); EXDATE → `cancelled`; RECURRENCE-ID VEVENTs → `exceptions`
 * (one with STATUS:CANCELLED → `cancelled`). A STATUS:CANCELLED master keeps its times and becomes free
 * time titled "Canceled: …", as Outlook shows a cancelled meeting.
 *
 * No invitations. The Create event page says "When an event is sent, the server sends invitations to
 * all the attendees." (https://learn.microsoft.com/graph/api/user-post-events), and Graph v1.0 has no
 * documented way to create a meeting with attendees without that. So `attendees` and `organizer` are
 * never written. ORGANIZER and ATTENDEE become:
 *   - a block at the end of the body, headed PARTICIPANTS_HEADING, one line per person with their
 *     role and answer ("Required: Bob Example <bob@example.com> (accepted)"), so the owner still sees who
 *     was in the meeting;
 *   - `people`, the same data structured, for the copy to count or report.
 * What is lost, exactly: in Microsoft 365 the migrated meeting is an appointment of the mailbox owner,
 * not a meeting — no attendee list in the event (so no "Scheduling Assistant", no tracking of answers,
 * no "reply all" to attendees), the owner appears as organizer even when someone else organized it, an
 * update or cancellation from the real organizer will not match it, and the attendees' answers are text
 * in the body, frozen as they were at migration.
 */

export interface EventMappingOptions {
  /**
   * The Windows time zone ID that floating times and all-day dates are read in: the mailbox's own
   * (mailboxSettings.timeZone). Defaults to "UTC". An all-day event spans midnight to midnight in it.
   */
  floatingTimeZone?: string;
}

/** Which occurrence of the series an exception or cancellation is: its original start. */
export interface OriginalStart {
  /** As Graph lists the instance (`/instances`, `calendarView`) in the series' time zone. */
  start: GraphDateTimeTimeZone;
  /** The same instant in UTC (`YYYY-MM-DDTHH:MM:SSZ`), as Graph returns it under `Prefer: outlook.timezone="UTC"`. */
  utc: string;
}

export interface EventAttachment {
  name: string;
  contentType: string;
  bytes: Uint8Array;
}

export interface EventPerson {
  name?: string;
  /** The address without `mailto:`. */
  address?: string;
  /** ROLE: chair, required, optional, non-participant (lower case). */
  role?: string;
  /** CUTYPE: individual, group, resource, room, unknown (lower case). */
  kind?: string;
  /** PARTSTAT: needs-action, accepted, declined, tentative, delegated (lower case). */
  response?: string;
}

export interface EventPeople {
  organizer?: EventPerson;
  attendees: EventPerson[];
}

export interface EventException {
  originalStart: OriginalStart;
  /** PATCH body for the occurrence: its own subject, times, body… (no recurrence). */
  body: GraphEvent;
  attachments: EventAttachment[];
  people: EventPeople;
}

export interface EventMapping {
  uid: string;
  master: GraphEvent;
  attachments: EventAttachment[];
  exceptions: EventException[];
  cancelled: OriginalStart[];
  people: EventPeople;
  /** How the series' time zone was resolved (timeZones.ts). */
  timeZone: { tzid?: string; timeZone: string; method: TimeZoneMethod };
  /** Things the copy may report: a zone matched by its rules or converted to UTC, extra alarms dropped. */
  warnings: string[];
}

/** The heading of the body block that lists organizer and attendees. */
export const PARTICIPANTS_HEADING = 'Participants (migrated from the source calendar; none of them was invited or notified):';
/** The heading of the body block that lists links (URI attachments, URL). */
export const LINKS_HEADING = 'Links (migrated from the source calendar):';
/** The heading of the body block for other data Graph's event has no field for. */
export const DETAILS_HEADING = 'More details from the source calendar:';

const CANCELLED_PREFIX = 'Canceled: ';

export function eventFromICalendar(icalendarText: string, options: EventMappingOptions = {}): EventMapping {
  const calendar = parseCalendar(icalendarText);
  const events = calendar.getAllSubcomponents('vevent');
  if (events.length === 0) throw new InvalidICalendarError('the VCALENDAR holds no VEVENT.');
  const masters = events.filter((event) => !event.hasProperty('recurrence-id'));
  const overrides = events.filter((event) => event.hasProperty('recurrence-id'));
  const warnings: string[] = [];
  if (masters.length > 1) throw new InvalidICalendarError(`the VCALENDAR holds ${masters.length} events without RECURRENCE-ID; one item is one event.`);
  let master = masters[0];
  if (!master) {
    if (overrides.length > 1) throw new InvalidICalendarError('the VCALENDAR holds only overridden occurrences (RECURRENCE-ID) of a series it does not hold.');
    master = overrides.pop()!;
    warnings.push('The calendar holds one occurrence of a series without the series; it was migrated as a single event.');
  }
  const uid = textProperty(master, 'uid') ?? '';
  for (const override of overrides) {
    if ((textProperty(override, 'uid') ?? '') !== uid) throw new InvalidICalendarError('its VEVENTs have different UIDs; one item is one event.');
  }

  const floatingTimeZone = options.floatingTimeZone === undefined ? 'UTC' : windowsZoneName(options.floatingTimeZone);
  if (floatingTimeZone === undefined) throw new UnknownTimeZoneError(options.floatingTimeZone!, 'the floating time zone must be a Windows time zone ID.');

  const vtimezones = new Map<string, ICAL.Component>();
  for (const vtimezone of calendar.getAllSubcomponents('vtimezone')) {
    const tzid = textProperty(vtimezone, 'tzid');
    if (tzid !== undefined) vtimezones.set(tzid, vtimezone);
  }
  const mapper = new EventMapper(vtimezones, floatingTimeZone, warnings, master);
  return mapper.map(master, overrides, uid);
}

function parseCalendar(text: string): ICAL.Component {
  let parsed: unknown;
  try {
    parsed = ICAL.parse(text.replace(/^\uFEFF/, '').replace(/\r\n|\r|\n/g, '\r\n'));
  } catch (error) {
    throw new InvalidICalendarError(error instanceof Error ? error.message : String(error));
  }
  const roots = Array.isArray(parsed) && typeof parsed[0] === 'string' ? [parsed] : Array.isArray(parsed) ? parsed : [];
  const calendars = roots.filter((root): root is unknown[] => Array.isArray(root) && root[0] === 'vcalendar');
  if (calendars.length !== 1)
    throw new InvalidICalendarError(calendars.length === 0 ? 'the text holds no BEGIN:VCALENDAR.' : 'the text holds several VCALENDARs.');
  return new ICAL.Component(calendars[0]!);
}

function textProperty(component: ICAL.Component, name: string): string | undefined {
  const value = component.getFirstPropertyValue(name);
  if (value === null || value === undefined) return undefined;
  const text = String(value as string).trim();
  return text === '' ? undefined : text;
}

/** A DATE or DATE-TIME as written: wall fields, and the zone it is read in. */
interface SourceTime {
  wall: WallTime;
  isDate: boolean;
  tzid?: string;
  isUtc: boolean;
}

function sourceTimeOf(property: ICAL.Property, value?: ICAL.Time): SourceTime {
  const time = value ?? (property.getFirstValue() as ICAL.Time);
  const tzid = property.getParameter('tzid');
  const isUtc = time.zone === ICAL.Timezone.utcTimezone || (tzid === undefined && time.zone?.tzid === 'UTC');
  return {
    wall: {
      year: time.year,
      month: time.month,
      day: time.day,
      hour: time.isDate ? 0 : time.hour,
      minute: time.isDate ? 0 : time.minute,
      second: time.isDate ? 0 : time.second,
    },
    isDate: time.isDate,
    tzid: typeof tzid === 'string' && !isUtc ? tzid : undefined,
    isUtc,
  };
}

function addDays(wall: WallTime, days: number): WallTime {
  return wallOfEpochAsUtc(epochOfWallAsUtc(wall) + days * 86_400_000);
}

class EventMapper {
  private readonly zones = new Map<string, ResolvedTimeZone>();
  private readonly context: ZoneContext;
  private series!: ResolvedTimeZone;

  constructor(
    vtimezones: ReadonlyMap<string, ICAL.Component>,
    private readonly floatingTimeZone: string,
    private readonly warnings: string[],
    master: ICAL.Component,
  ) {
    const start = master.getFirstProperty('dtstart');
    if (!start) throw new InvalidICalendarError('the event has no DTSTART.');
    const first = (start.getFirstValue() as ICAL.Time).year;
    const rule = master.getFirstPropertyValue('rrule') as ICAL.Recur | null;
    const last = rule?.until ? Math.max(first, Math.min(rule.until.year, first + 4)) : rule ? first + 2 : first + 1;
    this.context = { vtimezones, floatingTimeZone, years: [first, last] };
  }

  map(master: ICAL.Component, overrides: ICAL.Component[], uid: string): EventMapping {
    const masterStart = sourceTimeOf(master.getFirstProperty('dtstart')!);
    this.series = masterStart.isDate ? this.zoneOf({ ...masterStart, tzid: undefined, isUtc: false }) : this.zoneOf(masterStart);
    const rules = master.getAllProperties('rrule');
    this.checkRecurrenceProperties(master, rules);
    if (this.series.method === 'rules') {
      this.warnings.push(`The time zone "${this.series.tzid}" is not a known name; it was matched by its rules to "${this.series.timeZone}".`);
    }
    if (this.series.method === 'utcFallback') {
      if (rules.length > 0 && (!this.series.fixedOffset || formatDate(this.graphWall(masterStart)) !== formatDate(masterStart.wall))) {
        throw new UnknownTimeZoneError(
          this.series.tzid!,
          'its VTIMEZONE matches no Windows time zone, and the series would not keep its occurrences if converted to UTC (its offset changes, or the dates shift).',
        );
      }
      this.warnings.push(`The time zone "${this.series.tzid}" matches no Windows time zone; the times were converted to UTC, keeping each instant.`);
    }

    const { body: masterBody, attachments, people } = this.mapComponent(master);
    if (rules.length > 0) masterBody.recurrence = this.recurrenceOf(rules[0]!, masterStart);

    const cancelled = new Map<string, OriginalStart>();
    for (const property of master.getAllProperties('exdate')) {
      for (const value of property.getValues() as ICAL.Time[]) {
        const original = this.originalStartOf(sourceTimeOf(property, value));
        cancelled.set(original.utc, original);
      }
    }
    const exceptions: EventException[] = [];
    if (overrides.length > 0 && rules.length === 0)
      throw new InvalidICalendarError('it overrides occurrences (RECURRENCE-ID) of an event that does not recur.');
    for (const override of overrides) {
      const recurrenceId = override.getFirstProperty('recurrence-id')!;
      if (String(recurrenceId.getParameter('range') ?? '').toUpperCase() === 'THISANDFUTURE') {
        throw new UnsupportedRecurrenceError('RECURRENCE-ID;RANGE=THISANDFUTURE', 'an override of this and all later occurrences has no Graph equivalent.');
      }
      const originalStart = this.originalStartOf(sourceTimeOf(recurrenceId));
      if (cancelled.has(originalStart.utc)) continue;
      if (textProperty(override, 'status')?.toUpperCase() === 'CANCELLED') {
        cancelled.set(originalStart.utc, originalStart);
        continue;
      }
      const mapped = this.mapComponent(override);
      exceptions.push({ originalStart, body: mapped.body, attachments: mapped.attachments, people: mapped.people });
    }
    exceptions.sort((a, b) => a.originalStart.utc.localeCompare(b.originalStart.utc));

    return {
      uid,
      master: masterBody,
      attachments,
      exceptions,
      cancelled: [...cancelled.values()].sort((a, b) => a.utc.localeCompare(b.utc)),
      people,
      timeZone: { ...(this.series.tzid === undefined ? {} : { tzid: this.series.tzid }), timeZone: this.series.timeZone, method: this.series.method },
      warnings: this.warnings,
    };
  }

  private checkRecurrenceProperties(master: ICAL.Component, rules: ICAL.Property[]): void {
    if (rules.length > 1)
      throw new UnsupportedRecurrenceError(rules.map((rule) => String(rule.getFirstValue())).join(' + '), 'several RRULEs have no Graph equivalent.');
    const rdate = master.getFirstProperty('rdate');
    if (rdate)
      throw new UnsupportedRecurrenceError(`RDATE:${String(rdate.getFirstValue() as ICAL.Time)}`, 'extra dates outside the rule have no Graph equivalent.');
    const exrule = master.getFirstProperty('exrule');
    if (exrule) throw new UnsupportedRecurrenceError(`EXRULE:${String(exrule.getFirstValue())}`, 'an exclusion rule has no Graph equivalent.');
  }

  /** The Graph body of one VEVENT (master or override), its inline attachments and its people. */
  private mapComponent(component: ICAL.Component): { body: GraphEvent; attachments: EventAttachment[]; people: EventPeople } {
    const startProperty = component.getFirstProperty('dtstart');
    if (!startProperty) throw new InvalidICalendarError('an event has no DTSTART.');
    const start = sourceTimeOf(startProperty);
    const end = this.endOf(component, start);
    const cancelled = textProperty(component, 'status')?.toUpperCase() === 'CANCELLED';

    const body: GraphEvent = { start: this.graphTime(start), end: this.graphTime(end), isAllDay: start.isDate, isReminderOn: false };
    const subject = textProperty(component, 'summary');
    if (subject !== undefined || cancelled) body.subject = cancelled ? `${CANCELLED_PREFIX}${subject ?? ''}` : subject;
    const location = textProperty(component, 'location');
    if (location !== undefined) body.location = { displayName: location };
    const showAs = cancelled ? 'free' : showAsOf(component);
    if (showAs) body.showAs = showAs;
    const sensitivity = sensitivityOf(component);
    if (sensitivity) body.sensitivity = sensitivity;
    const importance = importanceOf(component);
    if (importance) body.importance = importance;
    const categories = component
      .getAllProperties('categories')
      .flatMap((property) => property.getValues().map((value) => String(value as string).trim()))
      .filter((category, i, all) => category !== '' && all.indexOf(category) === i);
    if (categories.length > 0) body.categories = categories;
    this.applyReminder(component, body, start, end);

    const { attachments, links } = attachmentsOf(component);
    const url = textProperty(component, 'url');
    if (url !== undefined) links.push(url);
    const people = peopleOf(component);
    const itemBody = bodyOf(component, people, links, detailsOf(component));
    if (itemBody) body.body = itemBody;
    return { body, attachments, people };
  }

  private endOf(component: ICAL.Component, start: SourceTime): SourceTime {
    const endProperty = component.getFirstProperty('dtend');
    if (endProperty) {
      const end = sourceTimeOf(endProperty);
      if (start.isDate && !end.isDate) return { ...start, wall: addDays(start.wall, 1) };
      return end;
    }
    const duration = component.getFirstPropertyValue('duration') as ICAL.Duration | null;
    if (duration) {
      const time = ICAL.Time.fromData({ ...start.wall, isDate: start.isDate });
      time.addDuration(duration);
      return { ...start, wall: { year: time.year, month: time.month, day: time.day, hour: time.hour, minute: time.minute, second: time.second } };
    }
    // RFC 5545 3.6.1: without DTEND or DURATION a DATE lasts one day, a DATE-TIME ends when it starts.
    return start.isDate ? { ...start, wall: addDays(start.wall, 1) } : start;
  }

  private zoneOf(time: SourceTime): ResolvedTimeZone {
    const key = time.isUtc ? '\u0000utc' : (time.tzid ?? '\u0000floating');
    let resolved = this.zones.get(key);
    if (!resolved) {
      resolved = resolveTimeZone(
        time.tzid,
        time.isUtc,
        this.context,
        (tzid) => new UnknownTimeZoneError(tzid, 'it is neither a Windows nor an IANA time zone name, and the calendar has no VTIMEZONE for it.'),
      );
      this.zones.set(key, resolved);
    }
    return resolved;
  }

  /** The instant a source time stands for. */
  private epochOf(time: SourceTime): number {
    if (time.isDate) return wallToEpoch(this.zoneOf({ ...time, tzid: undefined, isUtc: false }).zone, time.wall);
    return wallToEpoch(this.zoneOf(time).zone, time.wall);
  }

  /** The wall time Graph gets for a source time: as written, unless its zone had to be converted to UTC. */
  private graphWall(time: SourceTime): WallTime {
    if (time.isDate) return time.wall;
    return this.zoneOf(time).method === 'utcFallback' ? wallOfEpochAsUtc(this.epochOf(time)) : time.wall;
  }

  private graphTime(time: SourceTime): GraphDateTimeTimeZone {
    if (time.isDate) return { dateTime: formatWall(time.wall), timeZone: this.floatingTimeZone };
    return { dateTime: formatWall(this.graphWall(time)), timeZone: this.zoneOf(time).timeZone };
  }

  /** An occurrence's original start, in the series' zone (EXDATE and RECURRENCE-ID may be written in another). */
  private originalStartOf(time: SourceTime): OriginalStart {
    const epoch = this.epochOf(time);
    const utc = `${formatWall(wallOfEpochAsUtc(epoch))}Z`;
    if (this.series.method === 'utcFallback') return { start: { dateTime: formatWall(wallOfEpochAsUtc(epoch)), timeZone: 'UTC' }, utc };
    const offset = this.series.zone.offsetMinutes(epoch);
    const wall = wallOfEpochAsUtc(epoch + offset * 60_000);
    return { start: { dateTime: formatWall(wall), timeZone: this.series.timeZone }, utc };
  }

  private recurrenceOf(property: ICAL.Property, start: SourceTime): GraphPatternedRecurrence {
    const rule = property.getFirstValue() as ICAL.Recur;
    const ruleText = rule.toString();
    const zone = start.isDate ? this.zoneOf({ ...start, tzid: undefined, isUtc: false }) : this.zoneOf(start);
    const until = rule.until;
    let isAfterUntil: ((wall: WallTime, epochMs: number) => boolean) | undefined;
    if (until) {
      const untilWall: WallTime = { year: until.year, month: until.month, day: until.day, hour: until.hour, minute: until.minute, second: until.second };
      if (until.isDate) {
        const untilDate = formatDate(untilWall);
        isAfterUntil = (wall) => formatDate(wall) > untilDate;
      } else if (until.zone === ICAL.Timezone.utcTimezone) {
        const untilEpoch = epochOfWallAsUtc(untilWall);
        isAfterUntil = (_wall, epoch) => epoch > untilEpoch;
      } else {
        const untilText = formatWall(untilWall);
        isAfterUntil = (wall) => formatWall(wall) > untilText;
      }
    }
    return patternedRecurrenceOf({
      rule,
      ruleText,
      start: start.wall,
      isAllDay: start.isDate,
      toEpoch: (wall) => wallToEpoch(zone.zone, wall),
      ...(isAfterUntil ? { isAfterUntil } : {}),
      toGraphWall: (wall) => (start.isDate ? wall : this.graphWall({ ...start, wall })),
      timeZone: start.isDate ? this.floatingTimeZone : zone.timeZone,
    });
  }

  /**
   * The first VALARM that alerts (DISPLAY, AUDIO or EMAIL): Graph keeps one reminder per event. Its
   * TRIGGER is relative to the start (RFC 5545 3.8.6.3), to the end (RELATED=END), or absolute.
   */
  private applyReminder(component: ICAL.Component, body: GraphEvent, start: SourceTime, end: SourceTime): void {
    const alarms = component
      .getAllSubcomponents('valarm')
      .filter((alarm) => ['DISPLAY', 'AUDIO', 'EMAIL'].includes((textProperty(alarm, 'action') ?? '').toUpperCase()));
    const alarm = alarms[0];
    if (!alarm) return;
    if (alarms.length > 1) this.warnings.push(`"${body.subject ?? ''}" has ${alarms.length} alarms; Graph keeps one reminder, the first.`);
    const trigger = alarm.getFirstProperty('trigger');
    if (!trigger) return;
    const value = trigger.getFirstValue() as ICAL.Duration | ICAL.Time;
    let minutesBefore: number;
    if (value instanceof ICAL.Duration) {
      const related = String(trigger.getParameter('related') ?? 'START').toUpperCase();
      const anchor = related === 'END' ? this.epochOf(end) : this.epochOf(start);
      minutesBefore = Math.round((this.epochOf(start) - (anchor + value.toSeconds() * 1000)) / 60_000);
    } else {
      const at = epochOfWallAsUtc({ year: value.year, month: value.month, day: value.day, hour: value.hour, minute: value.minute, second: value.second });
      minutesBefore = Math.round((this.epochOf(start) - at) / 60_000);
    }
    body.isReminderOn = true;
    body.reminderMinutesBeforeStart = Math.max(0, minutesBefore);
  }
}

function showAsOf(component: ICAL.Component): GraphFreeBusyStatus | undefined {
  const busyStatus = (textProperty(component, 'x-microsoft-cdo-busystatus') ?? '').toUpperCase();
  const byStatus: Record<string, GraphFreeBusyStatus> = {
    FREE: 'free',
    TENTATIVE: 'tentative',
    BUSY: 'busy',
    OOF: 'oof',
    WORKINGELSEWHERE: 'workingElsewhere',
  };
  if (byStatus[busyStatus]) return byStatus[busyStatus];
  const transp = (textProperty(component, 'transp') ?? '').toUpperCase();
  if (transp === 'TRANSPARENT') return 'free';
  if (transp === 'OPAQUE') return 'busy';
  return undefined;
}

function sensitivityOf(component: ICAL.Component): GraphSensitivity | undefined {
  const value = (textProperty(component, 'class') ?? '').toUpperCase();
  if (value === 'PUBLIC') return 'normal';
  if (value === 'PRIVATE') return 'private';
  if (value === 'CONFIDENTIAL') return 'confidential';
  return undefined;
}

function importanceOf(component: ICAL.Component): GraphImportance | undefined {
  const priority = Number(component.getFirstPropertyValue('priority'));
  if (!Number.isInteger(priority) || priority === 0) return undefined;
  if (priority <= 4) return 'high';
  return priority === 5 ? 'normal' : 'low';
}

/** Inline ATTACH (ENCODING=BASE64;VALUE=BINARY) → bytes; ATTACH by URI → a link for the body. */
function attachmentsOf(component: ICAL.Component): { attachments: EventAttachment[]; links: string[] } {
  const attachments: EventAttachment[] = [];
  const links: string[] = [];
  for (const property of component.getAllProperties('attach')) {
    const value = property.getFirstValue() as unknown;
    const inline = property.type === 'binary' || String(property.getParameter('encoding') ?? '').toUpperCase() === 'BASE64';
    const name =
      ['x-filename', 'filename', 'x-apple-filename', 'x-oracle-filename', 'x-evolution-caldav-attachment-name']
        .map((parameter) => property.getParameter(parameter))
        .find((parameter): parameter is string => typeof parameter === 'string' && parameter !== '') ?? undefined;
    const contentType = String(property.getParameter('fmttype') ?? 'application/octet-stream');
    if (inline) {
      const base64 = value instanceof ICAL.Binary ? value.value : typeof value === 'string' ? value : '';
      const bytes = Uint8Array.from(Buffer.from(base64.replace(/\s+/g, ''), 'base64'));
      attachments.push({ name: name ?? `attachment-${attachments.length + 1}`, contentType, bytes });
    } else {
      const uri = typeof value === 'string' ? value.trim() : '';
      if (uri !== '') links.push(name ? `${name}: ${uri}` : uri);
    }
  }
  return { attachments, links };
}

function personOf(property: ICAL.Property): EventPerson {
  const person: EventPerson = {};
  const address = String(property.getFirstValue() as string)
    .trim()
    .replace(/^mailto:/i, '');
  const name = property.getParameter('cn');
  // Google writes the address as CN when it knows no name.
  if (typeof name === 'string' && name.trim() !== '' && name.trim().toLowerCase() !== address.toLowerCase()) person.name = name.trim();
  if (address !== '') person.address = address;
  for (const [field, parameter] of [
    ['role', 'role'],
    ['kind', 'cutype'],
    ['response', 'partstat'],
  ] as const) {
    const value = property.getParameter(parameter);
    if (typeof value === 'string' && value !== '') person[field] = value.toLowerCase();
  }
  return person;
}

function peopleOf(component: ICAL.Component): EventPeople {
  const organizer = component.getFirstProperty('organizer');
  return {
    ...(organizer ? { organizer: personOf(organizer) } : {}),
    attendees: component.getAllProperties('attendee').map(personOf),
  };
}

/** Other user data a VEVENT may carry that Graph's event has no field for. */
function detailsOf(component: ICAL.Component): string[] {
  const details: string[] = [];
  for (const [name, label] of [
    ['resources', 'Resources'],
    ['contact', 'Contact'],
    ['comment', 'Comment'],
    ['geo', 'Geographic position'],
  ] as const) {
    for (const property of component.getAllProperties(name)) {
      const values = property.getValues().map((value) => (Array.isArray(value) ? value.join(';') : String(value as string)));
      const text = values.join(', ').trim();
      if (text !== '') details.push(`${label}: ${text}`);
    }
  }
  return details;
}

const ROLE_LABELS: Readonly<Record<string, string>> = {
  chair: 'Chair',
  'req-participant': 'Required',
  'opt-participant': 'Optional',
  'non-participant': 'For information',
};

function describePerson(person: EventPerson): string {
  const who = person.name && person.address ? `${person.name} <${person.address}>` : (person.name ?? person.address ?? 'unknown');
  const notes = [person.kind && person.kind !== 'individual' ? person.kind : undefined, person.response].filter((note) => note);
  return notes.length > 0 ? `${who} (${notes.join(', ')})` : who;
}

/** Body: the description (HTML when X-ALT-DESC gives it), then the participants, links and details blocks. */
function bodyOf(component: ICAL.Component, people: EventPeople, links: string[], details: string[]): GraphItemBody | undefined {
  const blocks: string[][] = [];
  const participants: string[] = [];
  if (people.organizer) participants.push(`Organizer: ${describePerson(people.organizer)}`);
  for (const attendee of people.attendees) participants.push(`${ROLE_LABELS[attendee.role ?? 'req-participant'] ?? 'Required'}: ${describePerson(attendee)}`);
  if (participants.length > 0) blocks.push([PARTICIPANTS_HEADING, ...participants]);
  if (links.length > 0) blocks.push([LINKS_HEADING, ...links]);
  if (details.length > 0) blocks.push([DETAILS_HEADING, ...details]);

  const htmlProperty = component
    .getAllProperties('x-alt-desc')
    .find((property) => String(property.getParameter('fmttype') ?? '').toLowerCase() === 'text/html');
  // ical.js does not know X-ALT-DESC, so its TEXT escapes (RFC 5545 3.3.11) are still in the value.
  const html = htmlProperty === undefined ? undefined : unescapeText(String(htmlProperty.getFirstValue() as string));
  const description = textProperty(component, 'description');
  if (html !== undefined && html.trim() !== '') {
    if (blocks.length === 0) return { contentType: 'html', content: html };
    const appended = blocks.map((block) => `<p>${block.map(escapeHtml).join('<br>')}</p>`).join('');
    const closing = html.search(/<\/body>/i);
    const content = closing >= 0 ? `${html.slice(0, closing)}<hr>${appended}${html.slice(closing)}` : `${html}<hr>${appended}`;
    return { contentType: 'html', content };
  }
  const sections = [description, ...blocks.map((block) => block.join('\n'))].filter((section): section is string => section !== undefined && section !== '');
  return sections.length > 0 ? { contentType: 'text', content: sections.join('\n\n') } : undefined;
}

function unescapeText(text: string): string {
  return text.replace(/\\([\\;,nN])/g, (_match, escaped: string) => (escaped === 'n' || escaped === 'N' ? '\n' : escaped));
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
