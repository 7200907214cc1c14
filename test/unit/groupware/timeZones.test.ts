import ICAL from 'ical.js';
import {
  canonicalIana,
  goldenIanaZone,
  ianaNameOf,
  IntlZone,
  matchWindowsZone,
  VTimezoneZone,
  wallToEpoch,
  windowsZoneName,
  windowsZoneOfIana,
  windowsZoneOfTzid,
} from '../../../src/core/groupware/timeZones';
import { WINDOWS_ZONES } from '../../../src/core/groupware/windowsZones';

const vtimezone = (...lines: string[]): ICAL.Component => new ICAL.Component(ICAL.parse(['BEGIN:VTIMEZONE', ...lines, 'END:VTIMEZONE', ''].join('\r\n')));

/** Outlook's own definition of W. Europe Standard Time (onsets in 1601, yearly rules). */
const OUTLOOK_W_EUROPE = vtimezone(
  'TZID:W. Europe Standard Time',
  'BEGIN:STANDARD',
  'DTSTART:16011028T030000',
  'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'END:STANDARD',
  'BEGIN:DAYLIGHT',
  'DTSTART:16010325T020000',
  'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'END:DAYLIGHT',
);

describe('time zones', () => {
  test.each([
    ['Europe/Berlin', 'W. Europe Standard Time'],
    ['Europe/Paris', 'Romance Standard Time'],
    ['Europe/London', 'GMT Standard Time'],
    ['America/Los_Angeles', 'Pacific Standard Time'],
    ['America/Argentina/Buenos_Aires', 'Argentina Standard Time'],
    ['Europe/Kyiv', 'FLE Standard Time'],
    ['Asia/Kolkata', 'India Standard Time'],
    ['US/Eastern', 'Eastern Standard Time'],
    ['Etc/UTC', 'UTC'],
    ['UTC', 'UTC'],
    ['GMT', 'UTC'],
  ])('IANA %s → Windows %s (CLDR windowsZones, aliases through Intl)', (iana, windows) => {
    expect(windowsZoneOfIana(iana)).toBe(windows);
  });

  test('every Windows zone in the table maps back from its golden IANA zone, and Intl knows every IANA zone it names', () => {
    for (const [windows, ids] of Object.entries(WINDOWS_ZONES)) {
      expect(windowsZoneOfIana(goldenIanaZone(windows)!)).toBe(windows);
      for (const id of ids.split(' ')) expect(canonicalIana(id)).toBeDefined();
    }
    expect(Object.keys(WINDOWS_ZONES)).toHaveLength(139);
  });

  test('TZIDs: Windows names (any case), IANA names, registry-prefixed IANA names, and custom names', () => {
    expect(windowsZoneName('W. Europe Standard Time')).toBe('W. Europe Standard Time');
    expect(windowsZoneName('pacific standard time')).toBe('Pacific Standard Time');
    expect(windowsZoneName('Europe/Berlin')).toBeUndefined();
    expect(ianaNameOf('Europe/Berlin')).toBe('Europe/Berlin');
    expect(ianaNameOf('/mozilla.org/20050126_1/America/New_York')).toBe('America/New_York');
    expect(ianaNameOf('/softwarestudio.org/Olson_20011030_5/America/Argentina/Buenos_Aires')).toBe('America/Argentina/Buenos_Aires');
    expect(ianaNameOf('/citadel.org/20190914_1/Europe/Vienna')).toBe('Europe/Vienna');
    expect(ianaNameOf('(GMT+01.00) Amsterdam / Berlin / Bern / Rome / Stockholm / Vienna')).toBeUndefined();
  });

  test("a VTIMEZONE's transitions fall at the right instant (01:00 UTC for central Europe), unlike ical.js's convertToZone", () => {
    const zone = new VTimezoneZone(OUTLOOK_W_EUROPE);
    expect(zone.offsetMinutes(Date.UTC(2024, 2, 31, 0, 59))).toBe(60);
    expect(zone.offsetMinutes(Date.UTC(2024, 2, 31, 1, 0))).toBe(120);
    expect(zone.offsetMinutes(Date.UTC(2024, 9, 27, 0, 59))).toBe(120);
    expect(zone.offsetMinutes(Date.UTC(2024, 9, 27, 1, 0))).toBe(60);
    expect(wallToEpoch(zone, { year: 2024, month: 7, day: 1, hour: 12, minute: 0, second: 0 })).toBe(Date.UTC(2024, 6, 1, 10));
    expect(wallToEpoch(new IntlZone('Europe/Berlin'), { year: 2024, month: 1, day: 1, hour: 12, minute: 0, second: 0 })).toBe(Date.UTC(2024, 0, 1, 11));
  });

  test("matching rules: a VTIMEZONE with the EU rules matches a Windows zone with them; the TZID's cities choose among equal zones", () => {
    const zone = new VTimezoneZone(OUTLOOK_W_EUROPE);
    expect(matchWindowsZone(zone, '(GMT+01.00) Amsterdam / Berlin / Bern / Rome / Stockholm / Vienna', [2024, 2025])).toBe('W. Europe Standard Time');
    expect(matchWindowsZone(zone, '(GMT+01.00) Brussels / Copenhagen / Madrid / Paris', [2024, 2025])).toBe('Romance Standard Time');
    // Without a hint, the first of the equal zones by name.
    expect(matchWindowsZone(zone, 'Customized Time Zone', [2024, 2025])).toBe('Central Europe Standard Time');
  });

  test("matching rules uses the event's years: the US rules before 2007 (first Sunday of April to last Sunday of October)", () => {
    const oldUsEastern = new VTimezoneZone(
      vtimezone(
        'TZID:Eastern Time (US & Canada)',
        'BEGIN:STANDARD',
        'DTSTART:16011028T020000',
        'RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10',
        'TZOFFSETFROM:-0400',
        'TZOFFSETTO:-0500',
        'END:STANDARD',
        'BEGIN:DAYLIGHT',
        'DTSTART:16010401T020000',
        'RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4',
        'TZOFFSETFROM:-0500',
        'TZOFFSETTO:-0400',
        'END:DAYLIGHT',
      ),
    );
    expect(matchWindowsZone(oldUsEastern, 'Eastern Time (US & Canada)', [2005, 2006])).toBe('Eastern Standard Time');
    // The same rules no longer match any zone after the US changed them in 2007.
    expect(matchWindowsZone(oldUsEastern, 'Eastern Time (US & Canada)', [2010, 2011])).toBeUndefined();
  });

  test('a fixed offset matches a Windows zone without summer time', () => {
    expect(matchWindowsZone({ offsetMinutes: () => 330 }, 'India', [2024, 2025])).toBe('India Standard Time');
    expect(matchWindowsZone({ offsetMinutes: () => 337 }, 'Nowhere', [2024, 2025])).toBeUndefined();
  });
});

describe("a calendar's own time zone (calendar-timezone) as the floating zone", () => {
  it.each([
    ['W. Europe Standard Time', 'W. Europe Standard Time'],
    ['Europe/Berlin', 'W. Europe Standard Time'],
    ['/mozilla.org/20050126_1/America/New_York', 'Eastern Standard Time'],
    ['Asia/Calcutta', 'India Standard Time'],
    ['UTC', 'UTC'],
  ])('%s is read as %s', (tzid, windows) => {
    expect(windowsZoneOfTzid(tzid)).toBe(windows);
  });

  it('names nothing for a TZID it cannot resolve, or none, so all-day dates stay in UTC', () => {
    expect(windowsZoneOfTzid('Custom zone 1')).toBeUndefined();
    expect(windowsZoneOfTzid(undefined)).toBeUndefined();
  });
});
