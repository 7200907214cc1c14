import ICAL from 'ical.js';
import { WINDOWS_ZONES } from './windowsZones';

/**
 * Time zones: iCalendar TZIDs → the names Graph accepts in `dateTimeTimeZone`.
 *
 * Graph's dateTimeTimeZone "timeZone property can be set to any of the time zones currently supported
 * by Windows, as well as the other time zones supported by the calendar API", but "methods such as
 * create or update might not support all dateTimeTimeZone time zones"
 * (https://learn.microsoft.com/graph/api/resources/datetimetimezone). So every time this module hands
 * out carries a Windows time zone ID (or "UTC", itself a Windows ID), never an IANA name, and the
 * wall-clock time is kept as the source wrote it whenever the zone's rules are the same.
 *
 * How a TZID is resolved, in order (the `method` of the result says which applied):
 *   windows    the TZID is already a Windows ID (Outlook and Exchange write "W. Europe Standard Time").
 *   iana       the TZID is an IANA name, or one with a registry prefix ("/mozilla.org/20050126_1/Europe/Berlin"),
 *              mapped through CLDR's windowsZones (windowsZones.ts), aliases included (Europe/Kyiv = Europe/Kiev).
 *   rules      no name matches (a custom TZID such as Zimbra's "(GMT+01.00) Amsterdam / Berlin / Bern / Rome /
 *              Stockholm / Vienna", or Outlook's "Customized Time Zone"): the VTIMEZONE's UTC offsets are compared with
 *              each Windows zone's over the years the event spans, and the first Windows zone with the same offsets at
 *              every sample (monthly, then daily, then hourly around each transition) wins. Zones whose cities the
 *              TZID names are tried first, so "Amsterdam / Berlin" picks W. Europe Standard Time over its twins.
 *   utcFallback nothing matches: times are converted to UTC with the instant kept, and the caller is told so.
 *   utc / floating  a `Z` time is UTC; a time with no zone at all (and an all-day date) is read in the
 *              caller's `floatingTimeZone` (the mailbox's own zone; "UTC" when not given).
 *
 * Instants come from the source's own rules: the VTIMEZONE when the calendar carries one (Outlook's,
 * Zimbra's and Thunderbird's exports do), else the IANA rules of the Intl API (RFC 7809 lets CalDAV
 * servers leave VTIMEZONEs out). Pure: no I/O; Intl and ical.js compute in memory.
 */

/** A date and wall-clock time, fields as written (month 1–12). */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** A zone's rules: the UTC offset in force at an instant. */
export interface SourceZone {
  offsetMinutes(epochMs: number): number;
}

export type TimeZoneMethod = 'windows' | 'iana' | 'rules' | 'utc' | 'floating' | 'utcFallback';

export interface ResolvedTimeZone {
  /** The TZID as the source wrote it (undefined for UTC and floating times). */
  tzid?: string;
  /** The Windows time zone ID Graph gets. */
  timeZone: string;
  method: TimeZoneMethod;
  /** The source's rules, to compute instants. */
  zone: SourceZone;
  /** True when the zone's offset never changes over the years looked at. */
  fixedOffset: boolean;
}

export interface ZoneContext {
  /** The calendar's VTIMEZONE components by TZID. */
  vtimezones: ReadonlyMap<string, ICAL.Component>;
  /** The Windows ID floating times and all-day dates are read in. */
  floatingTimeZone: string;
  /** The first and last year the event's occurrences fall in (rules are matched over these). */
  years: readonly [number, number];
}

const MINUTE = 60_000;

export function epochOfWallAsUtc(w: WallTime): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

export function wallOfEpochAsUtc(epochMs: number): WallTime {
  const d = new Date(epochMs);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `YYYY-MM-DD` */
export function formatDate(w: Pick<WallTime, 'year' | 'month' | 'day'>): string {
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/** `YYYY-MM-DDTHH:MM:SS`, the form Graph's examples give dateTimeTimeZone.dateTime. */
export function formatWall(w: WallTime): string {
  return `${formatDate(w)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

/** The instant of a wall time read in `zone` (in a DST gap, read with the offset before it). */
export function wallToEpoch(zone: SourceZone, wall: WallTime): number {
  const asUtc = epochOfWallAsUtc(wall);
  const first = zone.offsetMinutes(asUtc);
  const guess = asUtc - first * MINUTE;
  const second = zone.offsetMinutes(guess);
  return second === first ? guess : asUtc - second * MINUTE;
}

/** The wall time an instant shows in `zone`. */
export function epochToWall(zone: SourceZone, epochMs: number): WallTime {
  return wallOfEpochAsUtc(epochMs + zone.offsetMinutes(epochMs) * MINUTE);
}

export const UTC_ZONE: SourceZone = { offsetMinutes: () => 0 };

const formatters = new Map<string, Intl.DateTimeFormat>();

/** IANA rules through Intl (Node's ICU time zone data). */
export class IntlZone implements SourceZone {
  private readonly format: Intl.DateTimeFormat;

  constructor(readonly iana: string) {
    let format = formatters.get(iana);
    if (!format) {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone: iana,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
      formatters.set(iana, format);
    }
    this.format = format;
  }

  offsetMinutes(epochMs: number): number {
    const fields: Record<string, number> = {};
    for (const part of this.format.formatToParts(epochMs)) if (part.type !== 'literal') fields[part.type] = Number(part.value);
    const wall = epochOfWallAsUtc({
      year: fields.year!,
      month: fields.month!,
      day: fields.day!,
      hour: fields.hour!,
      minute: fields.minute!,
      second: fields.second!,
    });
    return Math.round((wall - Math.floor(epochMs / 1000) * 1000) / MINUTE);
  }
}

/** One observance change of a VTIMEZONE as ical.js expands it: its UTC time (the onset less TZOFFSETFROM) and the offsets around it. */
interface ExpandedChange {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  utcOffset: number;
  prevUtcOffset: number;
}

/**
 * A VTIMEZONE's own rules. ical.js expands the observances into changes at UTC instants (RFC 5545
 * 3.6.5: an observance's DTSTART is local time in its TZOFFSETFROM); the offset at an instant is
 * looked up among them here rather than with ical.js's convertToZone, which reads a UTC time as if it
 * were local and so misplaces a transition by the offset.
 */
export class VTimezoneZone implements SourceZone {
  private readonly timezone: ICAL.Timezone;
  private instants: number[] = [];
  private offsets: number[] = [];
  private firstOffset = 0;
  private coveredYear = -Infinity;

  constructor(component: ICAL.Component) {
    this.timezone = new ICAL.Timezone(component);
  }

  offsetMinutes(epochMs: number): number {
    this.cover(new Date(epochMs).getUTCFullYear() + 1);
    let low = 0;
    let high = this.instants.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (this.instants[middle]! <= epochMs) {
        found = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    return (found < 0 ? this.firstOffset : this.offsets[found]!) / 60;
  }

  private cover(year: number): void {
    if (year <= this.coveredYear) return;
    this.timezone._ensureCoverage(year);
    const changes = this.timezone.changes as ExpandedChange[];
    this.instants = changes.map((change) => epochOfWallAsUtc(change));
    this.offsets = changes.map((change) => change.utcOffset);
    this.firstOffset = changes[0]?.prevUtcOffset ?? 0;
    this.coveredYear = year;
  }
}

/** The Intl-canonical spelling of an IANA name (Europe/Kyiv → Europe/Kiev in Node 20), or undefined if Intl knows no such zone. */
export function canonicalIana(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

interface WindowsZoneIndex {
  /** Every IANA name CLDR maps, and its Intl-canonical spelling → the Windows ID. */
  byIana: Map<string, string>;
  /** Windows ID (and its lower-case form) → the Windows ID as CLDR spells it. */
  names: Map<string, string>;
}

let index: WindowsZoneIndex | undefined;

function windowsZoneIndex(): WindowsZoneIndex {
  if (index) return index;
  const byIana = new Map<string, string>();
  const names = new Map<string, string>();
  for (const [windows, ids] of Object.entries(WINDOWS_ZONES)) {
    names.set(windows, windows);
    names.set(windows.toLowerCase(), windows);
    for (const id of ids.split(' ')) if (!byIana.has(id)) byIana.set(id, windows);
  }
  for (const [id, windows] of [...byIana]) {
    const canonical = canonicalIana(id);
    if (canonical !== undefined && !byIana.has(canonical)) byIana.set(canonical, windows);
  }
  index = { byIana, names };
  return index;
}

/** The Windows ID as CLDR spells it, if `name` is one (case-insensitively). */
export function windowsZoneName(name: string): string | undefined {
  const names = windowsZoneIndex().names;
  return names.get(name) ?? names.get(name.toLowerCase());
}

/** The IANA zone whose rules stand for a Windows zone (CLDR's territory 001). */
export function goldenIanaZone(windows: string): string | undefined {
  return WINDOWS_ZONES[windows]?.split(' ')[0];
}

/** The Windows ID CLDR maps an IANA name (or any of its aliases) to. */
export function windowsZoneOfIana(iana: string): string | undefined {
  const canonical = canonicalIana(iana);
  if (canonical === undefined) return undefined;
  if (canonical === 'UTC' || canonical === 'Etc/UTC' || canonical === 'Etc/GMT') return 'UTC';
  const byIana = windowsZoneIndex().byIana;
  return byIana.get(iana) ?? byIana.get(canonical);
}

/** A TZID as an IANA name: as written, or without a registry prefix ("/mozilla.org/20050126_1/Europe/Berlin"). */
export function ianaNameOf(tzid: string): string | undefined {
  const trimmed = tzid.trim();
  if (canonicalIana(trimmed) !== undefined) return trimmed;
  if (!trimmed.startsWith('/')) return undefined;
  const parts = trimmed.split('/').filter((part) => part !== '');
  for (let n = Math.min(3, parts.length - 1); n >= 1; n--) {
    const candidate = parts.slice(-n).join('/');
    if (canonicalIana(candidate) !== undefined) return candidate;
  }
  return undefined;
}

/**
 * The Windows ID a calendar's own time zone names (a Windows ID, an IANA name or alias, or one behind a
 * registry prefix), for `floatingTimeZone`; undefined when it names none (all-day dates then stay in UTC).
 */
export function windowsZoneOfTzid(tzid: string | undefined): string | undefined {
  if (!tzid) return undefined;
  const iana = ianaNameOf(tzid);
  return windowsZoneName(tzid.trim()) ?? (iana === undefined ? undefined : windowsZoneOfIana(iana));
}

function zoneOfWindows(windows: string): SourceZone {
  const golden = goldenIanaZone(windows);
  return golden === undefined || windows === 'UTC' ? UTC_ZONE : new IntlZone(golden);
}

/** Sample instants: the 15th of each month at 12:00 UTC over the years. */
function monthlySamples(years: readonly [number, number]): number[] {
  const samples: number[] = [];
  for (let year = years[0]; year <= years[1]; year++) for (let month = 0; month < 12; month++) samples.push(Date.UTC(year, month, 15, 12));
  return samples;
}

function dailySamples(years: readonly [number, number]): number[] {
  const samples: number[] = [];
  for (let t = Date.UTC(years[0], 0, 1, 12); t < Date.UTC(years[1] + 1, 0, 1, 12); t += 24 * 60 * MINUTE) samples.push(t);
  return samples;
}

/** True when the zone's offset is the same at every monthly sample over the years. */
function isFixed(zone: SourceZone, years: readonly [number, number]): boolean {
  const samples = monthlySamples(years);
  const first = zone.offsetMinutes(samples[0]!);
  return samples.every((t) => zone.offsetMinutes(t) === first);
}

/** City names of a Windows zone's IANA zones, lower case ("new york", "berlin"). */
function citiesOf(windows: string): string[] {
  return (WINDOWS_ZONES[windows] ?? '')
    .split(' ')
    .map((id) =>
      id
        .slice(id.lastIndexOf('/') + 1)
        .replace(/_/g, ' ')
        .toLowerCase(),
    )
    .filter((city) => !/^gmt|^utc/.test(city));
}

/**
 * The Windows zone whose offsets equal `source`'s at every sample over `years`: monthly samples first,
 * then daily, then hourly over each day in which the source's offset changes (so a transition at
 * 01:00 UTC and one at 02:00 local time are told apart). Zones whose cities `hint` names go first.
 */
export function matchWindowsZone(source: SourceZone, hint: string, years: readonly [number, number]): string | undefined {
  const text = hint.toLowerCase();
  const candidates = Object.keys(WINDOWS_ZONES)
    .map((windows) => ({ windows, hinted: citiesOf(windows).some((city) => text.includes(city)) }))
    .sort((a, b) => Number(b.hinted) - Number(a.hinted) || a.windows.localeCompare(b.windows))
    .map((candidate) => candidate.windows);

  const monthly = monthlySamples(years);
  const daily = dailySamples(years);
  const sourceMonthly = monthly.map((t) => source.offsetMinutes(t));
  let sourceDaily: number[] | undefined;
  let hourly: number[] | undefined;
  let sourceHourly: number[] | undefined;

  for (const windows of candidates) {
    const zone = zoneOfWindows(windows);
    if (!monthly.every((t, i) => zone.offsetMinutes(t) === sourceMonthly[i])) continue;
    sourceDaily ??= daily.map((t) => source.offsetMinutes(t));
    if (!daily.every((t, i) => zone.offsetMinutes(t) === sourceDaily![i])) continue;
    if (!hourly) {
      hourly = [];
      for (let i = 1; i < daily.length; i++) {
        if (sourceDaily[i] === sourceDaily[i - 1]) continue;
        for (let t = daily[i - 1]!; t <= daily[i]!; t += 60 * MINUTE) hourly.push(t);
      }
      sourceHourly = hourly.map((t) => source.offsetMinutes(t));
    }
    if (hourly.every((t, i) => zone.offsetMinutes(t) === sourceHourly![i])) return windows;
  }
  return undefined;
}

const MATCH_CACHE_SIZE = 500;
const matches = new Map<string, string | null>();

/**
 * matchWindowsZone for a calendar's custom VTIMEZONE, remembered by its text: a mailbox exported by
 * Zimbra or Outlook repeats the same custom definition in every item, and matching costs ~0.1 s.
 */
function matchedRules(vtimezone: ICAL.Component, zone: SourceZone, tzid: string, years: readonly [number, number]): string | undefined {
  const key = `${years[0]}-${years[1]}\n${vtimezone.toString()}`;
  let matched = matches.get(key);
  if (matched === undefined) {
    matched = matchWindowsZone(zone, tzid, years) ?? null;
    if (matches.size >= MATCH_CACHE_SIZE) matches.clear();
    matches.set(key, matched);
  }
  return matched ?? undefined;
}

/**
 * Resolves the zone of a DATE-TIME (see the module comment for the order). `tzid` is the TZID
 * parameter; `isUtc` a `Z` time. Never throws for a zone the calendar defines (it falls back to UTC,
 * method `utcFallback`); throws `unknown` for a TZID that names nothing and has no VTIMEZONE.
 */
export function resolveTimeZone(tzid: string | undefined, isUtc: boolean, context: ZoneContext, unknown: (tzid: string) => Error): ResolvedTimeZone {
  if (tzid === undefined || tzid.trim() === '') {
    if (isUtc) return { timeZone: 'UTC', method: 'utc', zone: UTC_ZONE, fixedOffset: true };
    const zone = zoneOfWindows(context.floatingTimeZone);
    return { timeZone: context.floatingTimeZone, method: 'floating', zone, fixedOffset: isFixed(zone, context.years) };
  }
  const vtimezone = context.vtimezones.get(tzid);
  const defined = vtimezone ? new VTimezoneZone(vtimezone) : undefined;

  const windows = windowsZoneName(tzid.trim());
  if (windows !== undefined) {
    const zone = defined ?? zoneOfWindows(windows);
    return { tzid, timeZone: windows, method: 'windows', zone, fixedOffset: isFixed(zone, context.years) };
  }

  const iana = ianaNameOf(tzid);
  if (iana !== undefined) {
    const zone = defined ?? new IntlZone(iana);
    const mapped = windowsZoneOfIana(iana);
    if (mapped !== undefined) return { tzid, timeZone: mapped, method: 'iana', zone, fixedOffset: isFixed(zone, context.years) };
    const matched = matchWindowsZone(zone, iana, context.years);
    if (matched !== undefined) return { tzid, timeZone: matched, method: 'rules', zone, fixedOffset: isFixed(zone, context.years) };
    return { tzid, timeZone: 'UTC', method: 'utcFallback', zone, fixedOffset: isFixed(zone, context.years) };
  }

  if (!defined) throw unknown(tzid);
  const matched = matchedRules(vtimezone!, defined, tzid, context.years);
  const fixedOffset = isFixed(defined, context.years);
  if (matched !== undefined) return { tzid, timeZone: matched, method: 'rules', zone: defined, fixedOffset };
  return { tzid, timeZone: 'UTC', method: 'utcFallback', zone: defined, fixedOffset };
}
