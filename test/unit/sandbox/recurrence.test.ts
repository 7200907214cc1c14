import { GraphError } from '../../../tools/m365-sandbox/graphError';
import { jpegSize } from '../../../tools/m365-sandbox/pim/contactPhoto';
import { tinyJpeg } from '../../integration/sandbox/jpegFixture';
import { occurrenceDates, validateRecurrence } from '../../../tools/m365-sandbox/pim/recurrence';
import { formatGraphDateTime, instantToZoned, parseLocalDateTime, resolveTimeZone, zonedToInstant } from '../../../tools/m365-sandbox/pim/timeZones';

function failure(call: () => unknown): GraphError {
  try {
    call();
  } catch (error) {
    if (error instanceof GraphError) return error;
    throw error;
  }
  throw new Error('expected a GraphError');
}

describe('m365-sandbox time zones (dateTimeTimeZone names Graph accepts)', () => {
  test('Windows ids and the IANA names the dateTimeTimeZone page lists are taken; others get TimeZoneNotSupportedException', () => {
    expect(resolveTimeZone('W. Europe Standard Time')).toBe('Europe/Berlin');
    expect(resolveTimeZone('UTC')).toBe('Etc/UTC');
    expect(resolveTimeZone('Europe/Paris')).toBe('Europe/Paris');
    expect(resolveTimeZone('Asia/Toshkent')).toBe('Asia/Tashkent');
    for (const name of ['Europe/Zurich', 'Greenwich Mean Time', 'pacific standard time', 'CET', '']) {
      const error = failure(() => resolveTimeZone(name));
      expect(error).toMatchObject({
        status: 400,
        code: 'TimeZoneNotSupportedException',
        message: `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${name}'.`,
      });
    }
  });

  test('wall-clock times convert across daylight saving: a spring-forward gap moves forward, an autumn repeat takes the first', () => {
    const berlin = resolveTimeZone('W. Europe Standard Time');
    const instant = (text: string): string => new Date(zonedToInstant(parseLocalDateTime(text)!, berlin)).toISOString();
    expect(instant('2024-01-15T09:00:00')).toBe('2024-01-15T08:00:00.000Z');
    expect(instant('2024-07-15T09:00:00')).toBe('2024-07-15T07:00:00.000Z');
    expect(instant('2024-03-31T02:30:00')).toBe('2024-03-31T01:30:00.000Z');
    expect(instant('2024-10-27T02:30:00')).toBe('2024-10-27T00:30:00.000Z');
    expect(formatGraphDateTime(instantToZoned(Date.parse('2024-07-15T07:00:00Z'), berlin))).toBe('2024-07-15T09:00:00.0000000');
  });

  test('dateTime is <date>T<time> (or a date alone); an offset or an impossible date is not one', () => {
    expect(parseLocalDateTime('2019-11-11')).toMatchObject({ year: 2019, month: 11, day: 11, hour: 0 });
    expect(parseLocalDateTime('2017-04-15T12:00:00.0000000')).toMatchObject({ hour: 12 });
    expect(parseLocalDateTime('2017-04-15T12:00:00Z')).toBeUndefined();
    expect(parseLocalDateTime('2017-02-30T12:00:00')).toBeUndefined();
  });
});

describe('m365-sandbox patternedRecurrence', () => {
  const weekly = {
    pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
    range: { type: 'endDate', startDate: '2017-09-04', endDate: '2017-12-31' },
  };

  test('is answered as Graph writes it: every property present, unused ones zero, the range in the start time zone', () => {
    expect(validateRecurrence(weekly, '2017-09-04', 'Pacific Standard Time')).toEqual({
      pattern: { type: 'weekly', interval: 1, month: 0, dayOfMonth: 0, daysOfWeek: ['monday'], firstDayOfWeek: 'sunday', index: 'first' },
      range: { type: 'endDate', startDate: '2017-09-04', endDate: '2017-12-31', recurrenceTimeZone: 'Pacific Standard Time', numberOfOccurrences: 0 },
    });
  });

  test.each([
    ['weekly without daysOfWeek', { pattern: { type: 'weekly', interval: 1 }, range: weekly.range }, /daysOfWeek is required/],
    ['absoluteMonthly without dayOfMonth', { pattern: { type: 'absoluteMonthly', interval: 1 }, range: weekly.range }, /dayOfMonth \(1 to 31\) is required/],
    [
      'absoluteYearly without month',
      { pattern: { type: 'absoluteYearly', interval: 1, dayOfMonth: 15 }, range: weekly.range },
      /month \(1 to 12\) is required/,
    ],
    ['no interval', { pattern: { type: 'daily' }, range: weekly.range }, /interval is required/],
    [
      'a startDate other than the start date',
      { pattern: weekly.pattern, range: { ...weekly.range, startDate: '2017-09-05' } },
      /must be the date of the event's start/,
    ],
    [
      'numbered without numberOfOccurrences',
      { pattern: weekly.pattern, range: { type: 'numbered', startDate: '2017-09-04' } },
      /numberOfOccurrences is required/,
    ],
    ['endDate without endDate', { pattern: weekly.pattern, range: { type: 'endDate', startDate: '2017-09-04' } }, /endDate is required/],
  ])('%s is refused with ErrorPropertyValidationFailure', (_name, recurrence, message) => {
    const error = failure(() => validateRecurrence(recurrence, '2017-09-04', 'UTC'));
    expect(error).toMatchObject({ status: 400, code: 'ErrorPropertyValidationFailure' });
    expect(error.message).toMatch(message);
  });

  test('an unknown recurrenceTimeZone is TimeZoneNotSupportedException', () => {
    const error = failure(() => validateRecurrence({ ...weekly, range: { ...weekly.range, recurrenceTimeZone: 'Mars/Olympus' } }, '2017-09-04', 'UTC'));
    expect(error.code).toBe('TimeZoneNotSupportedException');
  });

  const expand = (pattern: Record<string, unknown>, range: Record<string, unknown>, until = '2030-12-31'): string[] =>
    occurrenceDates(validateRecurrence({ pattern, range }, range.startDate as string, 'UTC'), until);

  test('weekly: every other Monday and Wednesday from a Wednesday, five times', () => {
    expect(
      expand({ type: 'weekly', interval: 2, daysOfWeek: ['monday', 'wednesday'] }, { type: 'numbered', startDate: '2024-01-03', numberOfOccurrences: 5 }),
    ).toEqual(['2024-01-03', '2024-01-15', '2024-01-17', '2024-01-29', '2024-01-31']);
  });

  test('the end-date example of "Schedule repeating appointments": the last Monday before 31 December 2017 is the 25th', () => {
    const dates = expand({ type: 'weekly', interval: 1, daysOfWeek: ['monday'] }, { type: 'endDate', startDate: '2017-09-04', endDate: '2017-12-31' });
    expect(dates[0]).toBe('2017-09-04');
    expect(dates.at(-1)).toBe('2017-12-25');
    expect(dates).toHaveLength(17);
  });

  test('daily, monthly and yearly patterns', () => {
    expect(expand({ type: 'daily', interval: 3 }, { type: 'numbered', startDate: '2024-02-27', numberOfOccurrences: 3 })).toEqual([
      '2024-02-27',
      '2024-03-01',
      '2024-03-04',
    ]);
    expect(expand({ type: 'absoluteMonthly', interval: 1, dayOfMonth: 31 }, { type: 'numbered', startDate: '2024-01-31', numberOfOccurrences: 3 })).toEqual([
      '2024-01-31',
      '2024-02-29',
      '2024-03-31',
    ]);
    expect(
      expand(
        { type: 'relativeMonthly', interval: 1, daysOfWeek: ['thursday', 'friday'], index: 'first' },
        { type: 'noEnd', startDate: '2017-08-29' },
        '2017-10-31',
      ),
    ).toEqual(['2017-09-01', '2017-10-05']);
    expect(
      expand({ type: 'relativeMonthly', interval: 2, daysOfWeek: ['thursday'], index: 'first' }, { type: 'noEnd', startDate: '2017-08-29' }, '2017-12-31'),
    ).toEqual(['2017-10-05', '2017-12-07']);
    expect(
      expand({ type: 'absoluteYearly', interval: 1, dayOfMonth: 15, month: 4 }, { type: 'numbered', startDate: '2024-04-15', numberOfOccurrences: 2 }),
    ).toEqual(['2024-04-15', '2025-04-15']);
    expect(
      expand(
        { type: 'relativeYearly', interval: 1, daysOfWeek: ['wednesday'], index: 'last', month: 11 },
        { type: 'numbered', startDate: '2024-01-01', numberOfOccurrences: 2 },
      ),
    ).toEqual(['2024-11-27', '2025-11-26']);
  });
});

describe('m365-sandbox contact photos', () => {
  test('reads width and height from a JPEG start-of-frame segment and refuses what is not a JPEG', () => {
    expect(jpegSize(tinyJpeg(48, 32))).toEqual({ width: 48, height: 32 });
    expect(jpegSize(Buffer.from('\x89PNG\r\n\x1a\n', 'binary'))).toBeUndefined();
  });
});
