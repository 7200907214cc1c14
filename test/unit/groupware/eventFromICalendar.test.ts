import { readFileSync } from 'node:fs';
import path from 'node:path';
import ICAL from 'ical.js';
import { DETAILS_HEADING, eventFromICalendar, LINKS_HEADING, PARTICIPANTS_HEADING, type EventMapping } from '../../../src/core/groupware/eventFromICalendar';
import type { GraphEvent, GraphPatternedRecurrence } from '../../../src/core/groupware/graphShapes';
import { InvalidICalendarError, UnknownTimeZoneError, UnsupportedRecurrenceError } from '../../../src/core/groupware/groupwareErrors';
import { goldenIanaZone, IntlZone, UTC_ZONE, wallToEpoch } from '../../../src/core/groupware/timeZones';
import { BERLIN_VTIMEZONE } from '../../../tools/corpus/vtimezones';

/** Issue 14: iCalendar objects as Google, Outlook, Thunderbird and Zimbra write them. */
const sample = (name: string): string => readFileSync(path.join(__dirname, 'samples', name), 'utf8');
const calendar = (...lines: string[]): string => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Test//Test//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
const event = (...lines: string[]): string =>
  calendar('BEGIN:VEVENT', 'UID:test-1@example.com', 'DTSTAMP:20240101T000000Z', 'SUMMARY:Test', ...lines, 'END:VEVENT');

// ---------------------------------------------------------------------------------------------
// An independent expansion of both sides, to show a series comes out "with the same occurrences at
// the same times" (issue 14): the source through ical.js (RRULE, EXDATE, RECURRENCE-ID), the target
// as Exchange would read the Graph body (pattern, range, cancelled, exceptions) in the Windows zone.
// ---------------------------------------------------------------------------------------------

/** Every occurrence start of the source series, as UTC ISO strings (ical.js with its VTIMEZONEs registered). */
function sourceOccurrences(text: string, limit = 500): string[] {
  const root = new ICAL.Component(ICAL.parse(text));
  const zones = root.getAllSubcomponents('vtimezone').map((vtimezone) => new ICAL.Timezone(vtimezone));
  for (const zone of zones) ICAL.TimezoneService.register(zone);
  try {
    const vevents = root.getAllSubcomponents('vevent');
    const master = new ICAL.Event(vevents.find((vevent) => !vevent.hasProperty('recurrence-id')));
    for (const override of vevents.filter((vevent) => vevent.hasProperty('recurrence-id'))) master.relateException(override);
    const iterator = master.iterator();
    const out: string[] = [];
    for (let next = iterator.next(); next && out.length < limit; next = iterator.next()) {
      const details = master.getOccurrenceDetails(next);
      if (details.item.component.getFirstPropertyValue('status') === 'CANCELLED') continue;
      out.push(new Date(details.startDate.toUnixTime() * 1000).toISOString().replace('.000', ''));
    }
    return out.sort();
  } finally {
    for (const zone of zones) ICAL.TimezoneService.remove(zone.tzid);
  }
}

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** The dates a Graph recurrence produces (independent of src/core/groupware/recurrence.ts). */
function graphDates(recurrence: GraphPatternedRecurrence, limit = 500): string[] {
  const { pattern, range } = recurrence;
  const start = new Date(`${range.startDate}T00:00:00Z`);
  const end = range.type === 'endDate' ? new Date(`${range.endDate}T00:00:00Z`) : new Date(Date.UTC(start.getUTCFullYear() + 5, 0, 1));
  const max = range.type === 'numbered' ? range.numberOfOccurrences! : limit;
  const weekStart = DAYS.indexOf(pattern.firstDayOfWeek ?? 'sunday');
  const startWeek = Math.floor((start.getTime() / 86_400_000 - ((start.getUTCDay() - weekStart + 7) % 7)) / 7);
  const dates: string[] = [];
  for (let day = new Date(start); day <= end && dates.length < max; day = new Date(day.getTime() + 86_400_000)) {
    const y = day.getUTCFullYear();
    const m = day.getUTCMonth() + 1;
    const d = day.getUTCDate();
    const weekday = DAYS[day.getUTCDay()]!;
    const months = (y - start.getUTCFullYear()) * 12 + (m - 1 - start.getUTCMonth());
    const lastDay = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const nth = (): boolean => {
      const matching: number[] = [];
      for (let i = 1; i <= lastDay; i++) if (pattern.daysOfWeek!.includes(DAYS[new Date(Date.UTC(y, m - 1, i)).getUTCDay()]! as never)) matching.push(i);
      const position = pattern.index === 'last' ? matching.length - 1 : ['first', 'second', 'third', 'fourth'].indexOf(pattern.index ?? 'first');
      return matching[position] === d;
    };
    let hit = false;
    switch (pattern.type) {
      case 'daily':
        hit = Math.round((day.getTime() - start.getTime()) / 86_400_000) % pattern.interval === 0;
        break;
      case 'weekly': {
        const week = Math.floor((day.getTime() / 86_400_000 - ((day.getUTCDay() - weekStart + 7) % 7)) / 7);
        hit = (week - startWeek) % pattern.interval === 0 && pattern.daysOfWeek!.includes(weekday as never);
        break;
      }
      case 'absoluteMonthly':
        hit = months % pattern.interval === 0 && d === Math.min(pattern.dayOfMonth!, lastDay);
        break;
      case 'relativeMonthly':
        hit = months % pattern.interval === 0 && nth();
        break;
      case 'absoluteYearly':
        hit = (y - start.getUTCFullYear()) % pattern.interval === 0 && m === pattern.month && d === pattern.dayOfMonth;
        break;
      case 'relativeYearly':
        hit = (y - start.getUTCFullYear()) % pattern.interval === 0 && m === pattern.month && nth();
        break;
    }
    if (hit) dates.push(day.toISOString().slice(0, 10));
  }
  return dates;
}

/** The UTC instant Exchange gives a Graph wall time in a Windows zone (its rules through the zone's CLDR golden IANA zone). */
function graphInstant(dateTime: string, windowsZone: string): string {
  const [date, time] = dateTime.split('T') as [string, string];
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute, second] = time.split(':').map(Number) as [number, number, number];
  const zone = windowsZone === 'UTC' ? UTC_ZONE : new IntlZone(goldenIanaZone(windowsZone)!);
  return new Date(wallToEpoch(zone, { year, month, day, hour, minute, second })).toISOString().replace('.000', '');
}

/** Every occurrence start of the series as Exchange would create it from the mapping. */
function targetOccurrences(mapping: EventMapping): string[] {
  const master = mapping.master;
  const time = master.start.dateTime.slice(10);
  const cancelled = new Set(mapping.cancelled.map((original) => original.utc));
  const moved = new Map(mapping.exceptions.map((exception) => [exception.originalStart.utc, exception.body]));
  return graphDates(master.recurrence!)
    .map((date) => graphInstant(`${date}${time}`, master.start.timeZone))
    .filter((instant) => !cancelled.has(instant))
    .map((instant) => {
      const body: GraphEvent | undefined = moved.get(instant);
      return body ? graphInstant(body.start.dateTime, body.start.timeZone) : instant;
    })
    .sort();
}

describe('eventFromICalendar', () => {
  describe('Google: a weekly meeting in Europe/Berlin with a moved and a cancelled occurrence, across the switch to summer time', () => {
    const text = sample('google-berlin-weekly.ics');
    const mapping = eventFromICalendar(text);

    test('the master: subject, text body, location, start/end in the Windows zone, busy, reminder, weekly until the last occurrence', () => {
      expect(mapping.uid).toBe('5o3n8q0v1c2ks9ck9pbd3l1g0e@google.com');
      expect(mapping.timeZone).toEqual({ tzid: 'Europe/Berlin', timeZone: 'W. Europe Standard Time', method: 'iana' });
      expect(mapping.master).toMatchObject({
        subject: 'Jour fixe Nordlicht',
        location: { displayName: 'Raum Spree, 3. OG' },
        start: { dateTime: '2024-03-05T10:00:00', timeZone: 'W. Europe Standard Time' },
        end: { dateTime: '2024-03-05T11:00:00', timeZone: 'W. Europe Standard Time' },
        isAllDay: false,
        showAs: 'busy',
        isReminderOn: true,
        reminderMinutesBeforeStart: 10,
        recurrence: {
          pattern: { type: 'weekly', interval: 1, daysOfWeek: ['tuesday'], firstDayOfWeek: 'monday' },
          // UNTIL=20240611T075959Z is one second before the 11 June occurrence (08:00 UTC): the last one is 4 June.
          range: { type: 'endDate', startDate: '2024-03-05', endDate: '2024-06-04', recurrenceTimeZone: 'W. Europe Standard Time' },
        },
      });
      expect(mapping.warnings).toEqual([]);
    });

    test('EXDATE → cancelled, RECURRENCE-ID → an exception with its own times and text, keyed by the original start (UTC moves with summer time)', () => {
      expect(mapping.cancelled).toEqual([{ start: { dateTime: '2024-04-02T10:00:00', timeZone: 'W. Europe Standard Time' }, utc: '2024-04-02T08:00:00Z' }]);
      expect(mapping.exceptions).toHaveLength(1);
      const [moved] = mapping.exceptions;
      expect(moved!.originalStart).toEqual({ start: { dateTime: '2024-04-09T10:00:00', timeZone: 'W. Europe Standard Time' }, utc: '2024-04-09T08:00:00Z' });
      expect(moved!.body).toMatchObject({
        subject: 'Jour fixe Nordlicht (verschoben)',
        location: { displayName: 'Raum Havel' },
        start: { dateTime: '2024-04-10T14:00:00', timeZone: 'W. Europe Standard Time' },
        end: { dateTime: '2024-04-10T15:00:00', timeZone: 'W. Europe Standard Time' },
        isReminderOn: false,
      });
      expect(moved!.body.recurrence).toBeUndefined();
      expect(moved!.body.body!.content.startsWith('Verschoben wegen Betriebsversammlung.\n\n')).toBe(true);
    });

    test('the series comes out with the same occurrences at the same instants as the source', () => {
      const source = sourceOccurrences(text);
      expect(source).toHaveLength(13);
      expect(source).toContain('2024-04-10T12:00:00Z');
      expect(source).not.toContain('2024-04-02T08:00:00Z');
      expect(targetOccurrences(mapping)).toEqual(source);
    });

    test('no invitation: no attendees or organizer in the body sent to Graph; they are listed in the body text and returned as people', () => {
      for (const body of [mapping.master, ...mapping.exceptions.map((exception) => exception.body)]) {
        expect(Object.keys(body)).not.toContain('attendees');
        expect(Object.keys(body)).not.toContain('organizer');
      }
      expect(mapping.master.body).toEqual({
        contentType: 'text',
        content: [
          'Wöchentliche Abstimmung zum Projekt Nordlicht.\nAgenda im Wiki.',
          '',
          PARTICIPANTS_HEADING,
          'Organizer: Erika Mustermann <erika.mustermann@example.de>',
          'Required: Erika Mustermann <erika.mustermann@example.de> (accepted)',
          'Required: Max Mustermann <max@example.de> (tentative)',
          'Optional: priya.raman@contoso.example (needs-action)',
          'For information: Raum Spree <c_188@resource.calendar.google.example> (room, accepted)',
        ].join('\n'),
      });
      expect(mapping.people.organizer).toEqual({ name: 'Erika Mustermann', address: 'erika.mustermann@example.de' });
      expect(mapping.people.attendees).toEqual([
        { name: 'Erika Mustermann', address: 'erika.mustermann@example.de', role: 'req-participant', kind: 'individual', response: 'accepted' },
        { name: 'Max Mustermann', address: 'max@example.de', role: 'req-participant', kind: 'individual', response: 'tentative' },
        { address: 'priya.raman@contoso.example', role: 'opt-participant', kind: 'individual', response: 'needs-action' },
        { name: 'Raum Spree', address: 'c_188@resource.calendar.google.example', role: 'non-participant', kind: 'room', response: 'accepted' },
      ]);
      expect(mapping.exceptions[0]!.people.attendees.map((attendee) => attendee.response)).toEqual(['accepted', 'accepted']);
    });
  });

  test('Outlook with a Windows TZID ("W. Europe Standard Time"): HTML body from X-ALT-DESC, tentative, private, high importance, COUNT', () => {
    const mapping = eventFromICalendar(sample('outlook-windows-tz.ics'));
    expect(mapping.timeZone).toEqual({ tzid: 'W. Europe Standard Time', timeZone: 'W. Europe Standard Time', method: 'windows' });
    expect(mapping.master).toEqual({
      subject: 'Migration Stand-up',
      body: { contentType: 'html', content: '<html><body><p>Status der <b>Migration</b>, offene Punkte.</p></body></html>' },
      location: { displayName: 'Microsoft Teams-Besprechung' },
      start: { dateTime: '2024-01-15T09:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2024-01-15T09:30:00', timeZone: 'W. Europe Standard Time' },
      isAllDay: false,
      showAs: 'tentative',
      sensitivity: 'private',
      importance: 'high',
      isReminderOn: true,
      reminderMinutesBeforeStart: 15,
      recurrence: {
        pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday', 'wednesday'], firstDayOfWeek: 'monday' },
        range: { type: 'numbered', startDate: '2024-01-15', numberOfOccurrences: 8, recurrenceTimeZone: 'W. Europe Standard Time' },
      },
    });
    expect(targetOccurrences(mapping)).toEqual(sourceOccurrences(sample('outlook-windows-tz.ics')));
  });

  test('Thunderbird all-day event: isAllDay with midnight start and end (DTEND exclusive) in the mailbox zone, free, confidential, categories', () => {
    const mapping = eventFromICalendar(sample('thunderbird-allday.ics'), { floatingTimeZone: 'W. Europe Standard Time' });
    expect(mapping.master).toEqual({
      subject: 'Brückentage Ostsee',
      start: { dateTime: '2024-05-01T00:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2024-05-04T00:00:00', timeZone: 'W. Europe Standard Time' },
      isAllDay: true,
      showAs: 'free',
      sensitivity: 'confidential',
      categories: ['Urlaub', 'Familie'],
      isReminderOn: true,
      reminderMinutesBeforeStart: 900,
    });
    expect(mapping.timeZone).toEqual({ timeZone: 'W. Europe Standard Time', method: 'floating' });
    // Without the mailbox's zone, dates are read in UTC.
    expect(eventFromICalendar(sample('thunderbird-allday.ics')).master.start).toEqual({ dateTime: '2024-05-01T00:00:00', timeZone: 'UTC' });
  });

  test('Thunderbird "2nd Tuesday" in America/New_York: relativeMonthly, UNTIL → endDate, Eastern Standard Time', () => {
    const text = sample('thunderbird-second-tuesday.ics');
    const mapping = eventFromICalendar(text);
    expect(mapping.master.start).toEqual({ dateTime: '2024-01-09T10:00:00', timeZone: 'Eastern Standard Time' });
    expect(mapping.master.recurrence).toEqual({
      pattern: { type: 'relativeMonthly', interval: 1, daysOfWeek: ['tuesday'], index: 'second' },
      range: { type: 'endDate', startDate: '2024-01-09', endDate: '2024-12-10', recurrenceTimeZone: 'Eastern Standard Time' },
    });
    const source = sourceOccurrences(text);
    expect(source).toHaveLength(12);
    expect(targetOccurrences(mapping)).toEqual(source);
  });

  test("Zimbra with a custom TZID: resolved by its VTIMEZONE rules (the TZID's cities pick W. Europe), inline attachment, URI attachment as a link", () => {
    const mapping = eventFromICalendar(sample('zimbra-custom-tz.ics'));
    const tzid = '(GMT+01.00) Amsterdam / Berlin / Bern / Rome / Stockholm / Vienna';
    expect(mapping.timeZone).toEqual({ tzid, timeZone: 'W. Europe Standard Time', method: 'rules' });
    expect(mapping.warnings).toEqual([`The time zone "${tzid}" is not a known name; it was matched by its rules to "W. Europe Standard Time".`]);
    expect(mapping.master).toMatchObject({
      subject: 'Vertragsbesprechung Lieferant',
      start: { dateTime: '2024-06-18T14:30:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2024-06-18T15:30:00', timeZone: 'W. Europe Standard Time' },
      showAs: 'busy',
      sensitivity: 'private',
      reminderMinutesBeforeStart: 30,
    });
    expect(mapping.attachments).toHaveLength(1);
    expect(mapping.attachments[0]).toMatchObject({ name: 'Vertragsentwurf.txt', contentType: 'text/plain' });
    expect(Buffer.from(mapping.attachments[0]!.bytes).toString('utf8')).toBe('Vertragsentwurf V3: Lieferung ab 01.07.2024.');
    expect(mapping.master.body!.content).toBe(
      [
        'Vertragsentwurf anbei.',
        '',
        PARTICIPANTS_HEADING,
        'Organizer: Erika Mustermann <erika.mustermann@example.de>',
        'Required: Max Mustermann <max@example.de> (accepted)',
        'Optional: Lieferant GmbH <kontakt@lieferant.example> (declined)',
        '',
        LINKS_HEADING,
        'https://files.example.de/share/agb-2024.pdf',
      ].join('\n'),
    );
  });

  describe('time zones', () => {
    test('UTC times stay UTC', () => {
      const { master, timeZone } = eventFromICalendar(event('DTSTART:20240704T160000Z', 'DTEND:20240704T170000Z'));
      expect(master.start).toEqual({ dateTime: '2024-07-04T16:00:00', timeZone: 'UTC' });
      expect(timeZone).toEqual({ timeZone: 'UTC', method: 'utc' });
    });

    test('floating times are read in the mailbox zone', () => {
      const { master } = eventFromICalendar(event('DTSTART:20240704T160000', 'DTEND:20240704T170000'), { floatingTimeZone: 'Pacific Standard Time' });
      expect(master.start).toEqual({ dateTime: '2024-07-04T16:00:00', timeZone: 'Pacific Standard Time' });
    });

    test('a Windows TZID without a VTIMEZONE (a CalDAV server may leave it out, RFC 7809) and a prefixed IANA TZID', () => {
      expect(eventFromICalendar(event('DTSTART;TZID=Tokyo Standard Time:20240704T090000', 'DURATION:PT45M')).master).toMatchObject({
        start: { dateTime: '2024-07-04T09:00:00', timeZone: 'Tokyo Standard Time' },
        end: { dateTime: '2024-07-04T09:45:00', timeZone: 'Tokyo Standard Time' },
      });
      const legacy = eventFromICalendar(
        event('DTSTART;TZID=/mozilla.org/20050126_1/Europe/London:20240704T090000', 'DTEND;TZID=/mozilla.org/20050126_1/Europe/London:20240704T100000'),
      );
      expect(legacy.timeZone).toEqual({ tzid: '/mozilla.org/20050126_1/Europe/London', timeZone: 'GMT Standard Time', method: 'iana' });
      // Aliases: Europe/Kyiv is Europe/Kiev in CLDR, Asia/Kolkata is Asia/Calcutta.
      expect(eventFromICalendar(event('DTSTART;TZID=Europe/Kyiv:20240704T090000')).master.start.timeZone).toBe('FLE Standard Time');
      expect(eventFromICalendar(event('DTSTART;TZID=Asia/Kolkata:20240704T090000')).master.start.timeZone).toBe('India Standard Time');
    });

    test('DTSTART and DTEND in different zones keep their own zones (a flight)', () => {
      const { master } = eventFromICalendar(event('DTSTART;TZID=Europe/Berlin:20240704T090000', 'DTEND;TZID=America/New_York:20240704T113000'));
      expect(master.start).toEqual({ dateTime: '2024-07-04T09:00:00', timeZone: 'W. Europe Standard Time' });
      expect(master.end).toEqual({ dateTime: '2024-07-04T11:30:00', timeZone: 'Eastern Standard Time' });
    });

    const oddZone = (tzid: string, offset: string): string[] => [
      'BEGIN:VTIMEZONE',
      `TZID:${tzid}`,
      'BEGIN:STANDARD',
      'DTSTART:19700101T000000',
      `TZOFFSETFROM:${offset}`,
      `TZOFFSETTO:${offset}`,
      'END:STANDARD',
      'END:VTIMEZONE',
    ];

    test('a VTIMEZONE that matches no Windows zone: a single event is converted to UTC with its instant kept, and the copy is told', () => {
      const mapping = eventFromICalendar(
        calendar(
          ...oddZone('Mars Base', '+0537'),
          'BEGIN:VEVENT',
          'UID:m',
          'DTSTART;TZID=Mars Base:20240704T090000',
          'DTEND;TZID=Mars Base:20240704T100000',
          'END:VEVENT',
        ),
      );
      expect(mapping.master.start).toEqual({ dateTime: '2024-07-04T03:23:00', timeZone: 'UTC' });
      expect(mapping.master.end).toEqual({ dateTime: '2024-07-04T04:23:00', timeZone: 'UTC' });
      expect(mapping.timeZone).toEqual({ tzid: 'Mars Base', timeZone: 'UTC', method: 'utcFallback' });
      expect(mapping.warnings).toEqual(['The time zone "Mars Base" matches no Windows time zone; the times were converted to UTC, keeping each instant.']);
    });

    test('a recurring event in such a zone with summer time cannot keep its occurrences in UTC: UnknownTimeZoneError', () => {
      const dst = [
        'BEGIN:VTIMEZONE',
        'TZID:Odd Summer',
        'BEGIN:STANDARD',
        'DTSTART:19700101T020000',
        'RRULE:FREQ=YEARLY;BYMONTH=1;BYDAY=1SU',
        'TZOFFSETFROM:+0637',
        'TZOFFSETTO:+0537',
        'END:STANDARD',
        'BEGIN:DAYLIGHT',
        'DTSTART:19700601T020000',
        'RRULE:FREQ=YEARLY;BYMONTH=6;BYDAY=1SU',
        'TZOFFSETFROM:+0537',
        'TZOFFSETTO:+0637',
        'END:DAYLIGHT',
        'END:VTIMEZONE',
      ];
      const text = calendar(...dst, 'BEGIN:VEVENT', 'UID:o', 'DTSTART;TZID=Odd Summer:20240704T090000', 'RRULE:FREQ=WEEKLY', 'END:VEVENT');
      expect(() => eventFromICalendar(text)).toThrow(UnknownTimeZoneError);
      expect(() => eventFromICalendar(text)).toThrow(/"Odd Summer" cannot be resolved: its VTIMEZONE matches no Windows time zone/);
    });

    test('a TZID that names nothing and has no VTIMEZONE: UnknownTimeZoneError', () => {
      const text = event('DTSTART;TZID=Springfield Local:20240704T090000');
      expect(() => eventFromICalendar(text)).toThrow(UnknownTimeZoneError);
      expect(() => eventFromICalendar(text)).toThrow(
        'The time zone "Springfield Local" cannot be resolved: it is neither a Windows nor an IANA time zone name, and the calendar has no VTIMEZONE for it.',
      );
    });
  });

  describe('recurrence', () => {
    const recurrenceOf = (start: string, rule: string, ...more: string[]): GraphPatternedRecurrence | undefined =>
      eventFromICalendar(calendar(...BERLIN_VTIMEZONE, 'BEGIN:VEVENT', 'UID:r', `DTSTART;TZID=Europe/Berlin:${start}`, `RRULE:${rule}`, ...more, 'END:VEVENT'))
        .master.recurrence;

    test.each<[string, string, string, GraphPatternedRecurrence['pattern'], Partial<GraphPatternedRecurrence['range']>]>([
      ['daily every other day, no end', '20240301T080000', 'FREQ=DAILY;INTERVAL=2', { type: 'daily', interval: 2 }, { type: 'noEnd' }],
      [
        'working days (DAILY;BYDAY) → weekly',
        '20240301T080000',
        'FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=20',
        { type: 'weekly', interval: 1, daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], firstDayOfWeek: 'monday' },
        { type: 'numbered', numberOfOccurrences: 20 },
      ],
      [
        'every second week, week starting Sunday',
        '20240303T080000',
        'FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,TH;WKST=SU',
        { type: 'weekly', interval: 2, daysOfWeek: ['sunday', 'thursday'], firstDayOfWeek: 'sunday' },
        { type: 'noEnd' },
      ],
      ["monthly on DTSTART's day", '20240315T080000', 'FREQ=MONTHLY', { type: 'absoluteMonthly', interval: 1, dayOfMonth: 15 }, { type: 'noEnd' }],
      ['last day of the month', '20240331T080000', 'FREQ=MONTHLY;BYMONTHDAY=-1', { type: 'absoluteMonthly', interval: 1, dayOfMonth: 31 }, { type: 'noEnd' }],
      [
        'last working day of the month (BYSETPOS)',
        '20240329T080000',
        'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
        { type: 'relativeMonthly', interval: 1, daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], index: 'last' },
        { type: 'noEnd' },
      ],
      [
        '2nd Tuesday every 3 months until a date',
        '20240312T080000',
        'FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU;UNTIL=20250101T000000Z',
        { type: 'relativeMonthly', interval: 3, daysOfWeek: ['tuesday'], index: 'second' },
        { type: 'endDate', endDate: '2024-12-10' },
      ],
      [
        'yearly on a date',
        '20240704T080000',
        'FREQ=YEARLY;COUNT=5',
        { type: 'absoluteYearly', interval: 1, month: 7, dayOfMonth: 4 },
        { type: 'numbered', numberOfOccurrences: 5 },
      ],
      [
        "New Year's Eve (day 31 of a month that always has it)",
        '20241231T190000',
        'FREQ=YEARLY',
        { type: 'absoluteYearly', interval: 1, month: 12, dayOfMonth: 31 },
        { type: 'noEnd' },
      ],
      [
        'yearly on the last Sunday of March',
        '20240331T080000',
        'FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
        { type: 'relativeYearly', interval: 1, month: 3, daysOfWeek: ['sunday'], index: 'last' },
        { type: 'noEnd' },
      ],
    ])('%s', (_case, start, rule, pattern, range) => {
      const recurrence = recurrenceOf(start, rule);
      expect(recurrence?.pattern).toEqual(pattern);
      expect(recurrence?.range).toMatchObject({
        startDate: `${start.slice(0, 4)}-${start.slice(4, 6)}-${start.slice(6, 8)}`,
        recurrenceTimeZone: 'W. Europe Standard Time',
        ...range,
      });
    });

    test.each([
      ['yearly, relative, over 3 years', '20240331T080000', 'FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU;COUNT=3'],
      ['every other week on two days', '20240303T080000', 'FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,TH;WKST=SU;COUNT=12'],
      ['last working day, 14 months', '20240329T080000', 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=14'],
      ['last day of the month', '20240131T080000', 'FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=13'],
    ])('%s: same occurrences as the source', (_case, start, rule) => {
      const text = calendar(...BERLIN_VTIMEZONE, 'BEGIN:VEVENT', 'UID:r', `DTSTART;TZID=Europe/Berlin:${start}`, `RRULE:${rule}`, 'END:VEVENT');
      expect(targetOccurrences(eventFromICalendar(text))).toEqual(sourceOccurrences(text));
    });

    test('a yearly all-day birthday (Apple): absoluteYearly read in the mailbox zone', () => {
      const birthday = eventFromICalendar(event('DTSTART;VALUE=DATE:19800415', 'DTEND;VALUE=DATE:19800416', 'RRULE:FREQ=YEARLY'), {
        floatingTimeZone: 'W. Europe Standard Time',
      }).master;
      expect(birthday).toMatchObject({
        isAllDay: true,
        start: { dateTime: '1980-04-15T00:00:00', timeZone: 'W. Europe Standard Time' },
        end: { dateTime: '1980-04-16T00:00:00', timeZone: 'W. Europe Standard Time' },
        recurrence: {
          pattern: { type: 'absoluteYearly', interval: 1, month: 4, dayOfMonth: 15 },
          range: { type: 'noEnd', startDate: '1980-04-15', recurrenceTimeZone: 'W. Europe Standard Time' },
        },
      });
    });

    test.each([
      ['FREQ=HOURLY', '20240301T080000', 'FREQ=HOURLY;INTERVAL=4', /FREQ=HOURLY: Graph's smallest unit is a day/],
      ['BYHOUR', '20240301T080000', 'FREQ=DAILY;BYHOUR=8,17', /BYHOUR with FREQ=DAILY has no Graph equivalent/],
      ['several BYMONTH', '20240115T080000', 'FREQ=YEARLY;BYMONTH=1,7;BYMONTHDAY=15', /several BYMONTH values/],
      ['the 31st (RFC skips short months)', '20240131T080000', 'FREQ=MONTHLY;BYMONTHDAY=31', /day 31 of the month: RFC 5545 skips the months/],
      ['a fifth Friday', '20240329T080000', 'FREQ=MONTHLY;BYDAY=5FR', /position 5 in the month/],
      ['first and third Monday', '20240304T080000', 'FREQ=MONTHLY;BYDAY=1MO,3MO', /several weekdays with their own positions/],
      ['BYWEEKNO', '20240301T080000', 'FREQ=YEARLY;BYWEEKNO=20', /BYWEEKNO with FREQ=YEARLY/],
      ['a yearly 29 February', '20240229T080000', 'FREQ=YEARLY', /a yearly 29 February: RFC 5545 skips common years/],
      [
        'a DTSTART the rule does not produce',
        '20240306T080000',
        'FREQ=WEEKLY;BYDAY=MO',
        /the series starts on 2024-03-06, which the rule itself does not produce/,
      ],
    ])('%s → UnsupportedRecurrenceError', (_case, start, rule, reason) => {
      expect(() => recurrenceOf(start, rule)).toThrow(UnsupportedRecurrenceError);
      expect(() => recurrenceOf(start, rule)).toThrow(reason);
    });

    test('RDATE and RANGE=THISANDFUTURE → UnsupportedRecurrenceError', () => {
      expect(() => recurrenceOf('20240301T080000', 'FREQ=WEEKLY', 'RDATE;TZID=Europe/Berlin:20240302T080000')).toThrow(/extra dates outside the rule/);
      const thisAndFuture = calendar(
        ...BERLIN_VTIMEZONE,
        'BEGIN:VEVENT',
        'UID:t',
        'DTSTART;TZID=Europe/Berlin:20240301T080000',
        'RRULE:FREQ=WEEKLY',
        'END:VEVENT',
        'BEGIN:VEVENT',
        'UID:t',
        'RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:20240315T080000',
        'DTSTART;TZID=Europe/Berlin:20240315T090000',
        'END:VEVENT',
      );
      expect(() => eventFromICalendar(thisAndFuture)).toThrow(UnsupportedRecurrenceError);
    });

    test('EXDATE written in UTC and an override cancelled with STATUS:CANCELLED are both cancelled occurrences, in the series zone', () => {
      const mapping = eventFromICalendar(
        calendar(
          ...BERLIN_VTIMEZONE,
          'BEGIN:VEVENT',
          'UID:c',
          'DTSTART;TZID=Europe/Berlin:20240325T090000',
          'DTEND;TZID=Europe/Berlin:20240325T093000',
          'RRULE:FREQ=DAILY;COUNT=5',
          'EXDATE:20240326T080000Z',
          'END:VEVENT',
          'BEGIN:VEVENT',
          'UID:c',
          'RECURRENCE-ID;TZID=Europe/Berlin:20240328T090000',
          'DTSTART;TZID=Europe/Berlin:20240328T090000',
          'DTEND;TZID=Europe/Berlin:20240328T093000',
          'STATUS:CANCELLED',
          'END:VEVENT',
        ),
      );
      expect(mapping.cancelled).toEqual([
        { start: { dateTime: '2024-03-26T09:00:00', timeZone: 'W. Europe Standard Time' }, utc: '2024-03-26T08:00:00Z' },
        { start: { dateTime: '2024-03-28T09:00:00', timeZone: 'W. Europe Standard Time' }, utc: '2024-03-28T08:00:00Z' },
      ]);
      expect(mapping.exceptions).toEqual([]);
    });
  });

  describe('other fields', () => {
    test('reminders relative to the end and at an absolute time; TRANSP without a busy status; PRIORITY 9 → low', () => {
      const related = eventFromICalendar(
        event(
          'DTSTART:20240704T100000Z',
          'DTEND:20240704T120000Z',
          'TRANSP:TRANSPARENT',
          'PRIORITY:9',
          'BEGIN:VALARM',
          'ACTION:DISPLAY',
          'TRIGGER;RELATED=END:-PT150M',
          'END:VALARM',
        ),
      ).master;
      expect(related).toMatchObject({ isReminderOn: true, reminderMinutesBeforeStart: 30, showAs: 'free', importance: 'low' });
      const absolute = eventFromICalendar(
        event(
          'DTSTART:20240704T100000Z',
          'BEGIN:VALARM',
          'ACTION:AUDIO',
          'TRIGGER;VALUE=DATE-TIME:20240703T100000Z',
          'END:VALARM',
          'BEGIN:VALARM',
          'ACTION:DISPLAY',
          'TRIGGER:-PT5M',
          'END:VALARM',
        ),
      );
      expect(absolute.master).toMatchObject({ isReminderOn: true, reminderMinutesBeforeStart: 1440 });
      expect(absolute.warnings).toEqual(['"Test" has 2 alarms; Graph keeps one reminder, the first.']);
    });

    test('a cancelled event keeps its times, shows as free and is titled as Outlook titles a cancelled meeting', () => {
      const { master } = eventFromICalendar(event('DTSTART:20240704T100000Z', 'STATUS:CANCELLED'));
      expect(master).toMatchObject({ subject: 'Canceled: Test', showAs: 'free', start: { dateTime: '2024-07-04T10:00:00', timeZone: 'UTC' } });
    });

    test('URL, RESOURCES and COMMENT go to the body blocks; an HTML body gets the blocks before </body>', () => {
      const { master } = eventFromICalendar(
        event(
          'DTSTART:20240704T100000Z',
          'URL:https://meet.example/abc',
          'RESOURCES:Beamer,Whiteboard',
          'COMMENT:Bring the signed contract',
          'X-ALT-DESC;FMTTYPE=text/html:<html><body><p>Hi</p></body></html>',
          'ORGANIZER;CN="O\'Brien, Pat":mailto:pat@example.com',
        ),
      );
      expect(master.body).toEqual({
        contentType: 'html',
        content: [
          '<html><body><p>Hi</p><hr>',
          `<p>${PARTICIPANTS_HEADING}<br>Organizer: O'Brien, Pat &lt;pat@example.com&gt;</p>`,
          `<p>${LINKS_HEADING}<br>https://meet.example/abc</p>`,
          `<p>${DETAILS_HEADING}<br>Resources: Beamer, Whiteboard<br>Comment: Bring the signed contract</p>`,
          '</body></html>',
        ].join(''),
      });
    });

    test('one occurrence of a series without its series is migrated as a single event', () => {
      const mapping = eventFromICalendar(
        calendar('BEGIN:VEVENT', 'UID:o', 'RECURRENCE-ID:20240704T100000Z', 'DTSTART:20240704T110000Z', 'SUMMARY:Only me', 'END:VEVENT'),
      );
      expect(mapping.master).toMatchObject({ subject: 'Only me', start: { dateTime: '2024-07-04T11:00:00', timeZone: 'UTC' } });
      expect(mapping.warnings).toEqual(['The calendar holds one occurrence of a series without the series; it was migrated as a single event.']);
    });
  });

  test.each([
    ['not iCalendar', 'Hello', /cannot be read: invalid line/],
    ['a VCALENDAR with only a VTODO', calendar('BEGIN:VTODO', 'UID:t', 'SUMMARY:x', 'END:VTODO'), /holds no VEVENT/],
    ['an event without DTSTART', calendar('BEGIN:VEVENT', 'UID:x', 'SUMMARY:x', 'END:VEVENT'), /has no DTSTART/],
    [
      'two unrelated events',
      calendar('BEGIN:VEVENT', 'UID:a', 'DTSTART:20240101T100000Z', 'END:VEVENT', 'BEGIN:VEVENT', 'UID:b', 'DTSTART:20240101T100000Z', 'END:VEVENT'),
      /holds 2 events without RECURRENCE-ID/,
    ],
    ['a vCard', 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\nEND:VCARD\r\n', /holds no BEGIN:VCALENDAR/],
  ])('%s → InvalidICalendarError with the reason', (_case, text, reason) => {
    expect(() => eventFromICalendar(text)).toThrow(InvalidICalendarError);
    expect(() => eventFromICalendar(text)).toThrow(reason);
  });
});
