import ICAL from 'ical.js';
import type { GraphDayOfWeek, GraphPatternedRecurrence, GraphRecurrencePattern, GraphWeekIndex } from './graphShapes';
import { UnsupportedRecurrenceError } from './groupwareErrors';
import { formatDate, type WallTime } from './timeZones';

/**
 * RRULE (RFC 5545 3.3.10) → Graph's patternedRecurrence, only where both give the same occurrences.
 *
 * Graph has six patterns (https://learn.microsoft.com/graph/api/resources/recurrencepattern): daily,
 * weekly (daysOfWeek, firstDayOfWeek), absoluteMonthly (dayOfMonth), relativeMonthly (daysOfWeek +
 * index first…fourth/last), absoluteYearly (month + dayOfMonth) and relativeYearly (month + daysOfWeek +
 * index), each with an interval; and three ranges (https://learn.microsoft.com/graph/api/resources/recurrencerange):
 * endDate (inclusive, a date), numbered (numberOfOccurrences) and noEnd, read in recurrenceTimeZone.
 *
 *   FREQ=DAILY                         → daily
 *   FREQ=DAILY;BYDAY=MO,…  (interval 1) → weekly on those days (same occurrences)
 *   FREQ=WEEKLY[;BYDAY=…][;WKST=…]      → weekly (BYDAY defaults to DTSTART's weekday; WKST to MO, RFC 5545's default)
 *   FREQ=MONTHLY[;BYMONTHDAY=d]         → absoluteMonthly d (1–28; d = -1, "last day", → 31, which Outlook moves
 *                                         to the last day of shorter months)
 *   FREQ=MONTHLY;BYDAY=2TU or BYDAY=TU;BYSETPOS=2, BYDAY=MO,…,FR;BYSETPOS=-1 → relativeMonthly
 *   FREQ=YEARLY[;BYMONTH=m][;BYMONTHDAY=d] → absoluteYearly (any day month m always has; -1 → its last day);
 *   FREQ=YEARLY;BYMONTH=m;BYDAY=-1SU    → relativeYearly
 *   COUNT → numbered; UNTIL → endDate (the date of the last occurrence not after UNTIL); neither → noEnd.
 *
 * Everything else throws UnsupportedRecurrenceError so the copy skips and reports the item rather than
 * create a series with other occurrences: SECONDLY/MINUTELY/HOURLY, BYHOUR/BYMINUTE/BYSECOND, BYYEARDAY,
 * BYWEEKNO, several BYMONTH or BYMONTHDAY values, several ordinal BYDAYs, a 5th or 2nd-to-last weekday,
 * a monthly day 29–31 or a yearly 29 February (RFC 5545 skips the months or years without that day,
 * Outlook moves the occurrence to the month's last day), RDATE and EXRULE (eventFromICalendar.ts), and a
 * DTSTART that is not itself an occurrence (RFC 5545 counts it anyway, Graph starts at the first match).
 */

const WEEKDAYS: readonly GraphDayOfWeek[] = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const RFC_DAYS: Readonly<Record<string, GraphDayOfWeek>> = {
  SU: 'sunday',
  MO: 'monday',
  TU: 'tuesday',
  WE: 'wednesday',
  TH: 'thursday',
  FR: 'friday',
  SA: 'saturday',
};
const INDEXES: Readonly<Record<number, GraphWeekIndex>> = { 1: 'first', 2: 'second', 3: 'third', 4: 'fourth', [-1]: 'last' };
const ALLOWED_PARTS: Readonly<Record<string, readonly string[]>> = {
  DAILY: ['BYDAY'],
  WEEKLY: ['BYDAY'],
  MONTHLY: ['BYDAY', 'BYMONTHDAY', 'BYSETPOS'],
  YEARLY: ['BYDAY', 'BYMONTHDAY', 'BYMONTH', 'BYSETPOS'],
};

/** Iterating a series never goes further than this many occurrences (an UNTIL decades away). */
const MAX_ITERATIONS = 20_000;

export interface RecurrenceInput {
  rule: ICAL.Recur;
  /** The RRULE as written, for error messages. */
  ruleText: string;
  /** DTSTART's wall time as the source wrote it (what the rule's BY-parts are read against). */
  start: WallTime;
  isAllDay: boolean;
  /** The instant of a source wall time (the series' zone rules). */
  toEpoch(wall: WallTime): number;
  /** The instant of UNTIL, or, for a DATE or floating UNTIL, a test on the occurrence's wall time. */
  isAfterUntil?: (wall: WallTime, epochMs: number) => boolean;
  /** A source wall time as the wall time Graph gets (the same, unless times were converted to UTC). */
  toGraphWall(wall: WallTime): WallTime;
  /** The Windows ID of the series (recurrenceTimeZone). */
  timeZone: string;
}

export function patternedRecurrenceOf(input: RecurrenceInput): GraphPatternedRecurrence {
  const { rule, ruleText } = input;
  const unsupported = (reason: string): UnsupportedRecurrenceError => new UnsupportedRecurrenceError(ruleText, reason);
  const pattern = patternOf(rule, input.start, unsupported);
  if (!occursOn(pattern, input.start)) {
    throw unsupported(
      `the series starts on ${formatDate(input.start)}, which the rule itself does not produce; RFC 5545 counts DTSTART as an occurrence anyway, Graph starts the series at its first match, so that occurrence would be lost.`,
    );
  }
  const startDate = formatDate(input.toGraphWall(input.start));
  if (rule.count !== null && rule.count !== undefined) {
    return { pattern, range: { type: 'numbered', startDate, numberOfOccurrences: rule.count, recurrenceTimeZone: input.timeZone } };
  }
  if (rule.until && input.isAfterUntil) {
    const last = lastOccurrence(input, input.isAfterUntil);
    return { pattern, range: { type: 'endDate', startDate, endDate: formatDate(input.toGraphWall(last)), recurrenceTimeZone: input.timeZone } };
  }
  return { pattern, range: { type: 'noEnd', startDate, recurrenceTimeZone: input.timeZone } };
}

function patternOf(rule: ICAL.Recur, start: WallTime, unsupported: (reason: string) => Error): GraphRecurrencePattern {
  const freq = rule.freq;
  const allowed = ALLOWED_PARTS[freq];
  if (!allowed) throw unsupported(`FREQ=${freq}: Graph's smallest unit is a day.`);
  const parts = rule.parts as Record<string, (string | number)[] | undefined>;
  for (const [name, values] of Object.entries(parts)) {
    if (values && values.length > 0 && !allowed.includes(name)) throw unsupported(`${name} with FREQ=${freq} has no Graph equivalent.`);
  }
  const interval = rule.interval ?? 1;
  const byDay = (parts.BYDAY ?? []).map((value) => parseByDay(String(value), unsupported));
  const byMonthDay = (parts.BYMONTHDAY ?? []).map(Number);
  const byMonth = (parts.BYMONTH ?? []).map(Number);
  const bySetPos = (parts.BYSETPOS ?? []).map(Number);
  const startDay = WEEKDAYS[weekdayOf(start)]!;

  switch (freq) {
    case 'DAILY':
      if (byDay.length === 0) return { type: 'daily', interval };
      if (interval !== 1) throw unsupported('BYDAY with FREQ=DAILY and an INTERVAL other than 1 has no Graph equivalent.');
      return { type: 'weekly', interval: 1, daysOfWeek: plainDays(byDay, unsupported), firstDayOfWeek: firstDayOf(rule) };
    case 'WEEKLY':
      return { type: 'weekly', interval, daysOfWeek: byDay.length === 0 ? [startDay] : plainDays(byDay, unsupported), firstDayOfWeek: firstDayOf(rule) };
    case 'MONTHLY': {
      if (byDay.length === 0) {
        if (bySetPos.length > 0) throw unsupported('BYSETPOS without BYDAY has no Graph equivalent.');
        return { type: 'absoluteMonthly', interval, dayOfMonth: monthDayOf(byMonthDay, start, unsupported) };
      }
      if (byMonthDay.length > 0) throw unsupported('BYDAY together with BYMONTHDAY has no Graph equivalent.');
      const relative = relativeOf(byDay, bySetPos, unsupported);
      if (relative) return { type: 'relativeMonthly', interval, ...relative };
      if (interval !== 1) throw unsupported('every given weekday of every n-th month has no Graph equivalent.');
      return { type: 'weekly', interval: 1, daysOfWeek: plainDays(byDay, unsupported), firstDayOfWeek: firstDayOf(rule) };
    }
    case 'YEARLY': {
      if (byMonth.length > 1) throw unsupported('several BYMONTH values have no Graph equivalent (a yearly pattern has one month).');
      const month = byMonth[0] ?? start.month;
      if (byDay.length === 0) {
        if (bySetPos.length > 0) throw unsupported('BYSETPOS without BYDAY has no Graph equivalent.');
        if (byMonthDay.length > 0 && byMonth.length === 0) throw unsupported('BYMONTHDAY without BYMONTH repeats monthly within the year.');
        return { type: 'absoluteYearly', interval, month, dayOfMonth: yearDayOf(byMonthDay, start, month, unsupported) };
      }
      if (byMonth.length === 0) throw unsupported('BYDAY without BYMONTH in a yearly rule counts weekdays of the whole year.');
      if (byMonthDay.length > 0) throw unsupported('BYDAY together with BYMONTHDAY has no Graph equivalent.');
      const relative = relativeOf(byDay, bySetPos, unsupported);
      if (!relative) throw unsupported('every given weekday of a month, yearly, has no Graph equivalent.');
      return { type: 'relativeYearly', interval, month, ...relative };
    }
  }
  throw unsupported(`FREQ=${freq} is not a frequency Graph knows.`);
}

interface ByDay {
  ordinal?: number;
  day: GraphDayOfWeek;
}

function parseByDay(value: string, unsupported: (reason: string) => Error): ByDay {
  const match = /^([+-]?\d{1,2})?(SU|MO|TU|WE|TH|FR|SA)$/i.exec(value.trim());
  if (!match) throw unsupported(`BYDAY=${value} is not a weekday.`);
  const day = RFC_DAYS[match[2]!.toUpperCase()]!;
  return match[1] === undefined ? { day } : { ordinal: Number(match[1]), day };
}

function plainDays(byDay: ByDay[], unsupported: (reason: string) => Error): GraphDayOfWeek[] {
  if (byDay.some((entry) => entry.ordinal !== undefined)) throw unsupported('an ordinal BYDAY outside a monthly or yearly rule has no Graph equivalent.');
  return WEEKDAYS.filter((day) => byDay.some((entry) => entry.day === day));
}

/** `2TU`, or `TU;BYSETPOS=2`, or `MO,TU,WE,TH,FR;BYSETPOS=-1` → daysOfWeek + index; undefined when BYDAY has no position. */
function relativeOf(
  byDay: ByDay[],
  bySetPos: number[],
  unsupported: (reason: string) => Error,
): { daysOfWeek: GraphDayOfWeek[]; index: GraphWeekIndex } | undefined {
  const ordinals = byDay.filter((entry) => entry.ordinal !== undefined);
  if (ordinals.length > 0) {
    if (byDay.length > 1) throw unsupported('several weekdays with their own positions (BYDAY=1MO,3MO) have no Graph equivalent.');
    if (bySetPos.length > 0) throw unsupported('BYSETPOS with an ordinal BYDAY has no Graph equivalent.');
    return { daysOfWeek: [ordinals[0]!.day], index: indexOf(ordinals[0]!.ordinal!, unsupported) };
  }
  if (bySetPos.length === 0) return undefined;
  if (bySetPos.length > 1) throw unsupported('several BYSETPOS values have no Graph equivalent.');
  return { daysOfWeek: plainDays(byDay, unsupported), index: indexOf(bySetPos[0]!, unsupported) };
}

function indexOf(position: number, unsupported: (reason: string) => Error): GraphWeekIndex {
  const index = INDEXES[position];
  if (!index) throw unsupported(`position ${position} in the month: Graph knows first, second, third, fourth and last.`);
  return index;
}

/** BYMONTHDAY (one value) or DTSTART's day; -1 (last day) → 31, which Outlook moves to the last day of shorter months. */
function monthDayOf(byMonthDay: number[], start: WallTime, unsupported: (reason: string) => Error): number {
  if (byMonthDay.length > 1) throw unsupported('several BYMONTHDAY values have no Graph equivalent.');
  const day = byMonthDay[0] ?? start.day;
  if (day === -1) return 31;
  if (day < 1) throw unsupported(`BYMONTHDAY=${day} (counted from the month's end) has no Graph equivalent other than -1.`);
  if (day > 28) {
    throw unsupported(`day ${day} of the month: RFC 5545 skips the months that have no day ${day}, Outlook puts the occurrence on their last day instead.`);
  }
  return day;
}

/** BYMONTHDAY (one value) or DTSTART's day, in a given month every year: any day that month always has; -1 its last. */
function yearDayOf(byMonthDay: number[], start: WallTime, month: number, unsupported: (reason: string) => Error): number {
  if (byMonthDay.length > 1) throw unsupported('several BYMONTHDAY values have no Graph equivalent.');
  const day = byMonthDay[0] ?? start.day;
  if (month === 2 && (day === 29 || day === -1)) throw unsupported('a yearly 29 February: RFC 5545 skips common years, Outlook does not.');
  const length = daysInMonth(2023, month);
  if (day === -1) return length;
  if (day < 1 || day > length) throw unsupported(`BYMONTHDAY=${day} in month ${month} has no Graph equivalent.`);
  return day;
}

function firstDayOf(rule: ICAL.Recur): GraphDayOfWeek {
  // ical.js numbers weekdays from 1 (SU) to 7 (SA); RFC 5545's default WKST is MO.
  return WEEKDAYS[((rule.wkst ?? 2) - 1 + 7) % 7]!;
}

function weekdayOf(wall: Pick<WallTime, 'year' | 'month' | 'day'>): number {
  return new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay();
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** True when the date is an occurrence of the Graph pattern (the interval aside). */
export function occursOn(pattern: GraphRecurrencePattern, wall: Pick<WallTime, 'year' | 'month' | 'day'>): boolean {
  const weekday = WEEKDAYS[weekdayOf(wall)]!;
  const lastDay = daysInMonth(wall.year, wall.month);
  switch (pattern.type) {
    case 'daily':
      return true;
    case 'weekly':
      return pattern.daysOfWeek!.includes(weekday);
    case 'absoluteMonthly':
      return wall.day === Math.min(pattern.dayOfMonth!, lastDay);
    case 'absoluteYearly':
      return wall.month === pattern.month && wall.day === pattern.dayOfMonth;
    case 'relativeMonthly':
    case 'relativeYearly': {
      if (pattern.type === 'relativeYearly' && wall.month !== pattern.month) return false;
      const matching: number[] = [];
      for (let day = 1; day <= lastDay; day++) {
        if (pattern.daysOfWeek!.includes(WEEKDAYS[weekdayOf({ year: wall.year, month: wall.month, day })]!)) matching.push(day);
      }
      const position = pattern.index === 'last' ? matching.length - 1 : ['first', 'second', 'third', 'fourth'].indexOf(pattern.index ?? 'first');
      return matching[position] === wall.day;
    }
  }
}

/** The last occurrence the rule produces that is not after UNTIL (DTSTART when none is). */
function lastOccurrence(input: RecurrenceInput, isAfterUntil: (wall: WallTime, epochMs: number) => boolean): WallTime {
  const open = input.rule.clone();
  open.until = null;
  open.count = null;
  const dtstart = ICAL.Time.fromData({ ...input.start, isDate: input.isAllDay });
  const iterator = open.iterator(dtstart);
  let last = input.start;
  for (let i = 0; i < MAX_ITERATIONS; i++) {
    const next = iterator.next();
    if (!next) break;
    const wall: WallTime = { year: next.year, month: next.month, day: next.day, hour: next.hour, minute: next.minute, second: next.second };
    if (isAfterUntil(wall, input.toEpoch(wall))) break;
    last = wall;
  }
  return last;
}
