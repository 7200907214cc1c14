import { GraphError } from '../graphError';
import { WINDOWS_TIME_ZONES } from './windowsTimeZones';

/**
 * The IANA names https://learn.microsoft.com/graph/api/resources/datetimetimezone lists beside the Windows
 * ones ("The TimeZone property can be set to any of the time zones supported by Windows, as well as the
 * following time zones names"). Where the page gives an alternative in brackets (`Europe/Kyiv (Kiev)`,
 * `Asia/Toshkent (Tashkent)`, `Asia/Astana (Almaty)`, `Asia/Yangon (Rangoon)`) both spellings are taken;
 * the value is the ICU zone the sandbox computes with. Any other IANA name (`Europe/Zurich`) is refused:
 * the page does not list it, so the stricter choice (a source's TZID must be mapped to a Windows name).
 */
const DOCUMENTED_IANA_TIME_ZONES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    [
      'Etc/GMT+12',
      'Etc/GMT+11',
      'Pacific/Honolulu',
      'America/Anchorage',
      'America/Santa_Isabel',
      'America/Los_Angeles',
      'America/Phoenix',
      'America/Chihuahua',
      'America/Denver',
      'America/Guatemala',
      'America/Chicago',
      'America/Mexico_City',
      'America/Regina',
      'America/Bogota',
      'America/New_York',
      'America/Indiana/Indianapolis',
      'America/Caracas',
      'America/Asuncion',
      'America/Halifax',
      'America/Cuiaba',
      'America/La_Paz',
      'America/Santiago',
      'America/St_Johns',
      'America/Sao_Paulo',
      'America/Argentina/Buenos_Aires',
      'America/Cayenne',
      'America/Godthab',
      'America/Montevideo',
      'America/Bahia',
      'Etc/GMT+2',
      'Atlantic/Azores',
      'Atlantic/Cape_Verde',
      'Africa/Casablanca',
      'Etc/GMT',
      'Europe/London',
      'Atlantic/Reykjavik',
      'Europe/Berlin',
      'Europe/Budapest',
      'Europe/Paris',
      'Europe/Warsaw',
      'Africa/Lagos',
      'Africa/Windhoek',
      'Europe/Bucharest',
      'Asia/Beirut',
      'Africa/Cairo',
      'Asia/Damascus',
      'Africa/Johannesburg',
      'Europe/Kyiv',
      'Europe/Kiev',
      'Europe/Istanbul',
      'Asia/Jerusalem',
      'Asia/Amman',
      'Asia/Baghdad',
      'Europe/Kaliningrad',
      'Asia/Riyadh',
      'Africa/Nairobi',
      'Asia/Tehran',
      'Asia/Dubai',
      'Asia/Baku',
      'Europe/Moscow',
      'Indian/Mauritius',
      'Asia/Tbilisi',
      'Asia/Yerevan',
      'Asia/Kabul',
      'Asia/Karachi',
      'Asia/Tashkent',
      'Asia/Kolkata',
      'Asia/Colombo',
      'Asia/Kathmandu',
      'Asia/Almaty',
      'Asia/Dhaka',
      'Asia/Yekaterinburg',
      'Asia/Yangon',
      'Asia/Rangoon',
      'Asia/Bangkok',
      'Asia/Novosibirsk',
      'Asia/Shanghai',
      'Asia/Krasnoyarsk',
      'Asia/Singapore',
      'Australia/Perth',
      'Asia/Taipei',
      'Asia/Ulaanbaatar',
      'Asia/Irkutsk',
      'Asia/Tokyo',
      'Asia/Seoul',
      'Australia/Adelaide',
      'Australia/Darwin',
      'Australia/Brisbane',
      'Australia/Sydney',
      'Pacific/Port_Moresby',
      'Australia/Hobart',
      'Asia/Yakutsk',
      'Pacific/Guadalcanal',
      'Asia/Vladivostok',
      'Pacific/Auckland',
      'Etc/GMT-12',
      'Pacific/Fiji',
      'Asia/Magadan',
      'Pacific/Tongatapu',
      'Pacific/Apia',
      'Pacific/Kiritimati',
    ].map((name) => [name, name]),
  ),
  'Asia/Toshkent': 'Asia/Tashkent',
  'Asia/Astana': 'Asia/Almaty',
};

/**
 * 400 `TimeZoneNotSupportedException` "A valid TimeZone value must be specified. The following TimeZone
 * value is not supported: 'X'." (Graph's answer for an event with an unknown zone name,
 * microsoftgraph/microsoft-graph-docs#4758, where Microsoft answered by pointing to the list of names).
 */
export function timeZoneNotSupported(name: string): GraphError {
  return new GraphError(
    400,
    'TimeZoneNotSupportedException',
    `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${name}'.`,
  );
}

/**
 * The ICU zone the sandbox computes with for a name Graph accepts in `dateTimeTimeZone.timeZone`,
 * `recurrenceRange.recurrenceTimeZone` or `Prefer: outlook.timezone`: a Windows id (exact spelling,
 * a guess: no page says Exchange matches them in another case) or a listed IANA name.
 */
export function resolveTimeZone(name: string): string {
  const zone = Object.hasOwn(WINDOWS_TIME_ZONES, name)
    ? WINDOWS_TIME_ZONES[name]
    : Object.hasOwn(DOCUMENTED_IANA_TIME_ZONES, name)
      ? DOCUMENTED_IANA_TIME_ZONES[name]
      : undefined;
  if (zone === undefined) throw timeZoneNotSupported(name);
  return zone;
}

export function isSupportedTimeZone(name: string): boolean {
  return Object.hasOwn(WINDOWS_TIME_ZONES, name) || Object.hasOwn(DOCUMENTED_IANA_TIME_ZONES, name);
}

/** A wall-clock time without zone, as `dateTimeTimeZone.dateTime` carries it. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/**
 * `dateTimeTimeZone.dateTime`: "A single point of time in a combined date and time representation
 * (`<date>T<time>`)". A date alone is taken too (Microsoft's own all-day sample sends `"2019-11-11"`:
 * microsoftgraph/microsoft-graph-docs#6129). An offset or `Z` is refused (guess: the zone is the
 * `timeZone` property's, so a second one is a contradiction; the stricter choice).
 */
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?$/;

export function parseLocalDateTime(text: string): LocalDateTime | undefined {
  const match = LOCAL_DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction] = match;
  const local: LocalDateTime = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h ?? 0),
    minute: Number(mi ?? 0),
    second: Number(s ?? 0),
    millisecond: Math.floor(Number(`0.${fraction ?? '0'}`) * 1000),
  };
  const probe = new Date(Date.UTC(local.year, local.month - 1, local.day));
  if (probe.getUTCMonth() !== local.month - 1 || probe.getUTCDate() !== local.day || local.hour > 23 || local.minute > 59 || local.second > 59)
    return undefined;
  return local;
}

/** The local time as if it were UTC, in ms: the arithmetic base for wall-clock computations. */
export function wallClockMs(local: LocalDateTime): number {
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second, local.millisecond);
}

export function fromWallClockMs(ms: number): LocalDateTime {
  const date = new Date(ms);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    millisecond: date.getUTCMilliseconds(),
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** The zone's offset from UTC at an instant, in ms (positive east of Greenwich). */
function offsetAt(instantMs: number, zone: string): number {
  const parts = Object.fromEntries(
    formatterOf(zone)
      .formatToParts(new Date(instantMs))
      .map((part) => [part.type, part.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

/**
 * The instant a wall-clock time in a zone stands for. A time in a spring-forward gap moves forward by the
 * gap; a time that occurs twice (autumn) is the first, as Windows resolves them.
 */
export function zonedToInstant(local: LocalDateTime, zone: string): number {
  const wall = wallClockMs(local);
  const before = wall - offsetAt(wall - DAY_MS, zone);
  const after = wall - offsetAt(wall + DAY_MS, zone);
  const valid = [before, after].filter((instant) => instant + offsetAt(instant, zone) === wall);
  return valid.length > 0 ? Math.min(...valid) : before;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function instantToZoned(instantMs: number, zone: string): LocalDateTime {
  return fromWallClockMs(instantMs + offsetAt(instantMs, zone));
}

/** Graph writes `dateTime` with seven fractional digits: `2017-04-15T11:00:00.0000000`. */
export function formatGraphDateTime(local: LocalDateTime): string {
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  return `${pad(local.year, 4)}-${pad(local.month)}-${pad(local.day)}T${pad(local.hour)}:${pad(local.minute)}:${pad(local.second)}.${pad(local.millisecond, 3)}0000`;
}

export function formatDate(local: Pick<LocalDateTime, 'year' | 'month' | 'day'>): string {
  return `${String(local.year).padStart(4, '0')}-${String(local.month).padStart(2, '0')}-${String(local.day).padStart(2, '0')}`;
}

/**
 * The zone named by `Prefer: outlook.timezone="…"` (https://learn.microsoft.com/graph/api/user-post-events,
 * "It uses the Prefer: outlook.timezone request header to specify the time zone for the start and end
 * times in the response"), or undefined: then times are in UTC ("By default, the start time is in UTC":
 * https://learn.microsoft.com/graph/api/resources/event). An unknown name gets 400 TimeZoneNotSupportedException.
 */
export function preferredTimeZone(headers: Record<string, string>): string | undefined {
  const prefer = headers.prefer;
  if (!prefer) return undefined;
  const match = /outlook\.timezone\s*=\s*(?:"([^"]*)"|([^,;\s]+))/i.exec(prefer);
  if (!match) return undefined;
  const name = match[1] ?? match[2] ?? '';
  resolveTimeZone(name);
  return name;
}
