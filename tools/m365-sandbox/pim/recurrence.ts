import { isJsonObject, propertyValidationFailure } from './graphValues';
import { isSupportedTimeZone, timeZoneNotSupported } from './timeZones';

/**
 * `patternedRecurrence` as Exchange checks and expands it. Sources: the recurrencePattern and recurrenceRange
 * resource pages (https://learn.microsoft.com/graph/api/resources/recurrencepattern,
 * https://learn.microsoft.com/graph/api/resources/recurrencerange) and "Schedule repeating appointments as
 * recurring events in Outlook" (https://learn.microsoft.com/graph/outlook-schedule-recurring-events), which
 * gives each type's required properties, that startDate "MUST correspond to the date value of the start
 * property", that numberOfOccurrences "Must be a positive integer", and that "Even if a field is ignored, it is
 * still validated" (enum values: checked by the schema check before this runs).
 */
export type DayOfWeek = 'sunday' | 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday';
const DAYS: readonly DayOfWeek[] = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const WEEK_INDEX = ['first', 'second', 'third', 'fourth', 'last'] as const;

export interface Recurrence {
  pattern: {
    type: 'daily' | 'weekly' | 'absoluteMonthly' | 'relativeMonthly' | 'absoluteYearly' | 'relativeYearly';
    interval: number;
    month: number;
    dayOfMonth: number;
    daysOfWeek: DayOfWeek[];
    firstDayOfWeek: DayOfWeek;
    index: (typeof WEEK_INDEX)[number];
  };
  range: {
    type: 'endDate' | 'noEnd' | 'numbered';
    startDate: string;
    endDate: string;
    recurrenceTimeZone: string;
    numberOfOccurrences: number;
  };
}

/** Graph's value for a date the range does not use (its responses show `"endDate": "0001-01-01"` for numbered and noEnd ranges). */
const NO_DATE = '0001-01-01';

/**
 * Checks a recurrence of a create or update body and returns it as Graph answers it: every pattern and range
 * property present, unused ones 0 / `0001-01-01` / defaults (`firstDayOfWeek` sunday, `index` first), the range's
 * time zone filled from the event's start (https://learn.microsoft.com/graph/api/user-post-events, example 3
 * response). `startDate` is the date part of the event's `start.dateTime`. Guesses: `interval` must be at least
 * 1 (the pages say only "Required"); `dayOfMonth`/`month` of 0, which Graph itself writes for unused fields, are
 * taken where the type does not use them, any other out-of-range value is refused; an endDate before the
 * startDate is refused.
 */
export function validateRecurrence(raw: unknown, startDate: string, startTimeZone: string): Recurrence {
  if (!isJsonObject(raw) || !isJsonObject(raw.pattern) || !isJsonObject(raw.range)) throw propertyValidationFailure('recurrence needs a pattern and a range');
  const pattern = raw.pattern;
  const range = raw.range;
  const type = pattern.type as Recurrence['pattern']['type'] | undefined;
  if (!type) throw propertyValidationFailure('recurrence.pattern.type is required');
  const interval = numberOf(pattern.interval);
  if (interval === undefined || !Number.isInteger(interval) || interval < 1)
    throw propertyValidationFailure('recurrence.pattern.interval is required and must be at least 1');
  const daysOfWeek = Array.isArray(pattern.daysOfWeek) ? (pattern.daysOfWeek as DayOfWeek[]) : [];
  const dayOfMonth = numberOf(pattern.dayOfMonth) ?? 0;
  const month = numberOf(pattern.month) ?? 0;
  const needsDays = type === 'weekly' || type === 'relativeMonthly' || type === 'relativeYearly';
  const needsDayOfMonth = type === 'absoluteMonthly' || type === 'absoluteYearly';
  const needsMonth = type === 'absoluteYearly' || type === 'relativeYearly';
  if (needsDays && daysOfWeek.length === 0) throw propertyValidationFailure(`recurrence.pattern.daysOfWeek is required for a ${type} pattern`);
  if (needsDayOfMonth ? dayOfMonth < 1 || dayOfMonth > 31 : dayOfMonth !== 0 && (dayOfMonth < 1 || dayOfMonth > 31)) {
    throw propertyValidationFailure(
      needsDayOfMonth ? `recurrence.pattern.dayOfMonth (1 to 31) is required for a ${type} pattern` : 'recurrence.pattern.dayOfMonth must be 1 to 31',
    );
  }
  if (needsMonth ? month < 1 || month > 12 : month !== 0 && (month < 1 || month > 12)) {
    throw propertyValidationFailure(
      needsMonth ? `recurrence.pattern.month (1 to 12) is required for a ${type} pattern` : 'recurrence.pattern.month must be 1 to 12',
    );
  }

  const rangeType = range.type as Recurrence['range']['type'] | undefined;
  if (!rangeType) throw propertyValidationFailure('recurrence.range.type is required');
  if (typeof range.startDate !== 'string') throw propertyValidationFailure('recurrence.range.startDate is required');
  if (range.startDate !== startDate) {
    throw propertyValidationFailure(`recurrence.range.startDate ${range.startDate} must be the date of the event's start (${startDate})`);
  }
  const endDate = typeof range.endDate === 'string' ? range.endDate : undefined;
  if (rangeType === 'endDate' && endDate === undefined) throw propertyValidationFailure('recurrence.range.endDate is required for an endDate range');
  if (rangeType === 'endDate' && endDate! < range.startDate) throw propertyValidationFailure('recurrence.range.endDate must not be before its startDate');
  const count = numberOf(range.numberOfOccurrences) ?? 0;
  if (rangeType === 'numbered' && (!Number.isInteger(count) || count < 1)) {
    throw propertyValidationFailure('recurrence.range.numberOfOccurrences is required for a numbered range and must be a positive integer');
  }
  const recurrenceTimeZone = typeof range.recurrenceTimeZone === 'string' && range.recurrenceTimeZone !== '' ? range.recurrenceTimeZone : startTimeZone;
  if (!isSupportedTimeZone(recurrenceTimeZone)) throw timeZoneNotSupported(recurrenceTimeZone);
  return {
    pattern: {
      type,
      interval,
      month,
      dayOfMonth,
      daysOfWeek: needsDays ? daysOfWeek : [],
      firstDayOfWeek: (pattern.firstDayOfWeek as DayOfWeek | undefined) ?? 'sunday',
      index: (pattern.index as Recurrence['pattern']['index'] | undefined) ?? 'first',
    },
    range: {
      type: rangeType,
      startDate: range.startDate,
      endDate: rangeType === 'endDate' ? endDate! : NO_DATE,
      recurrenceTimeZone,
      numberOfOccurrences: rangeType === 'numbered' ? count : 0,
    },
  };
}

function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value);
  return undefined;
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` date; the arithmetic base of the expansion. */
export function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Math.round(Date.UTC(y!, m! - 1, d) / 86_400_000);
}

export function dateOfDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** A safety bound: a noEnd series is expanded only up to the window asked for, and never past this many dates. */
const MAX_DATES = 100_000;

/**
 * The dates (local, in the recurrence's time zone) on which the series occurs, in order, from its startDate up
 * to `untilDate` (inclusive) or the range's end. Cancelled occurrences are still counted for a numbered range
 * (Outlook keeps the slot). Guesses where no page decides: a monthly or yearly series counts its interval from
 * the month (year) of startDate; a day of month past the month's end falls on its last day (as Outlook does
 * for "day 31"); relative patterns with several days take the n-th day of the month that is any of them
 * (so `weekday` + `second` is the second weekday), as "the event falls on the first day that satisfies the pattern" reads.
 */
export function occurrenceDates(recurrence: Recurrence, untilDate: string): string[] {
  const { pattern, range } = recurrence;
  const start = dayNumber(range.startDate);
  const last = Math.min(dayNumber(untilDate), range.type === 'endDate' ? dayNumber(range.endDate) : Number.POSITIVE_INFINITY);
  const limit = range.type === 'numbered' ? range.numberOfOccurrences : MAX_DATES;
  const dates: string[] = [];
  const emit = (day: number): boolean => {
    if (day < start) return true;
    if (day > last || dates.length >= limit) return false;
    dates.push(dateOfDay(day));
    return true;
  };
  const wanted = new Set(pattern.daysOfWeek.map((day) => DAYS.indexOf(day)));
  switch (pattern.type) {
    case 'daily':
      for (let day = start; emit(day); day += pattern.interval);
      break;
    case 'weekly': {
      const first = DAYS.indexOf(pattern.firstDayOfWeek);
      const weekStart = start - ((weekday(start) - first + 7) % 7);
      const offsets = [...wanted].map((dow) => (dow - first + 7) % 7).sort((a, b) => a - b);
      for (let week = weekStart; week <= last && dates.length < limit; week += 7 * pattern.interval) {
        for (const offset of offsets) if (!emit(week + offset)) break;
      }
      break;
    }
    default: {
      const [startYear, startMonth] = range.startDate.split('-').map(Number) as [number, number];
      const yearly = pattern.type === 'absoluteYearly' || pattern.type === 'relativeYearly';
      const stepMonths = yearly ? 12 * pattern.interval : pattern.interval;
      for (let k = 0; ; k += 1) {
        const monthIndex = yearly ? (startYear + k * pattern.interval) * 12 + pattern.month - 1 : startYear * 12 + startMonth - 1 + k * stepMonths;
        const year = Math.floor(monthIndex / 12);
        const month = (monthIndex % 12) + 1;
        const firstDay = dayNumber(`${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-01`);
        if (firstDay > last || dates.length >= limit || k > MAX_DATES) break;
        const day =
          pattern.type === 'absoluteMonthly' || pattern.type === 'absoluteYearly'
            ? firstDay + Math.min(pattern.dayOfMonth, daysInMonth(year, month)) - 1
            : relativeDay(firstDay, daysInMonth(year, month), wanted, pattern.index);
        if (day !== undefined && !emit(day)) break;
      }
    }
  }
  return dates;
}

function relativeDay(firstDay: number, length: number, wanted: Set<number>, index: Recurrence['pattern']['index']): number | undefined {
  const matching: number[] = [];
  for (let day = firstDay; day < firstDay + length; day += 1) if (wanted.has(weekday(day))) matching.push(day);
  return index === 'last' ? matching[matching.length - 1] : matching[WEEK_INDEX.indexOf(index)];
}
