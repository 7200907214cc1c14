import type { DAVResponse } from 'tsdav';

import type { MigrationError } from '../../core/errors/migrationError';
import type { DavErrorContext } from './toDavError';
import { invalidReply, statusError } from './toDavError';
import { ItemSourceErrorCode } from '../../core/errors/migrationErrorCode';

/**
 * Reading tsdav's parsed answers. tsdav turns the XML into plain objects (xml-js "compact" form):
 * element names lose their namespace prefix and are camel-cased (`calendar-data` → `calendarData`),
 * an element's text becomes its value and is turned into a number or a boolean when it looks like
 * one (a display name `2024` arrives as the number 2024), an element that repeats becomes an array,
 * and CDATA stays as `{ _cdata }`. These helpers read such values back as text.
 */

/** One `<response>` of a multistatus, as tsdav gives it. */
export type DavEntry = DAVResponse & { href: string };

/** The request a reply answers, for messages: `REPORT /dav/alice/calendar/`. */
export type DavRequestName = string;

/** What came back: the multistatus's responses (and its own sync-token, RFC 6578), or a plain HTTP status. */
export type DavReply = { kind: 'multistatus'; entries: DavEntry[]; syncToken?: string } | { kind: 'status'; status: number; statusText: string; body: string };

/**
 * Checks that tsdav's answer is a DAV multistatus (RFC 4918 section 13) and returns its responses.
 * A non-success status comes back as `status` for the caller to judge. A success whose body is not
 * XML, or XML without a multistatus, or a response without its href, is an InvalidReply error.
 */
export function readMultistatus(responses: readonly DAVResponse[], context: DavErrorContext, what: DavRequestName): DavReply {
  const first = responses[0];
  if (!first) throw invalidReply(context, what, 'with nothing tsdav could read');
  const multistatus = multistatusOf(first.raw);
  if (!multistatus) {
    const body = typeof first.raw === 'string' ? first.raw : '';
    if (!first.ok) return { kind: 'status', status: first.status, statusText: first.statusText, body };
    throw invalidReply(context, what, `with HTTP ${first.status} and ${describeBody(first.raw)} instead of a DAV multistatus (XML)`);
  }
  const syncToken = textOf(multistatus.syncToken);
  // An empty multistatus (no <response>) comes back from tsdav as one entry without href or props.
  if (multistatus.response === undefined) return { kind: 'multistatus', entries: [], syncToken };
  const entries: DavEntry[] = [];
  for (const entry of responses) {
    const href = textOf(entry.href);
    if (!href) throw invalidReply(context, what, 'with a <response> that has no <href>');
    entries.push({ ...entry, href });
  }
  return { kind: 'multistatus', entries, syncToken };
}

/** A status reply as the error it is (401, 429 and 5xx were already raised by the HTTP layer). */
export function replyError(reply: { status: number }, context: DavErrorContext, what: DavRequestName, notFound?: ItemSourceErrorCode): MigrationError {
  return statusError(reply.status, context, what, { notFound });
}

/** The text of an element's value (a string, a number tsdav made of it, CDATA, or the first of several). */
export function textOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return textOf(value[0]);
  if (typeof value === 'object') {
    const element = value as { _text?: unknown; _cdata?: unknown };
    if (element._cdata !== undefined) return textOf(element._cdata);
    if (element._text !== undefined) return textOf(element._text);
  }
  return undefined;
}

/** The href inside a property such as current-user-principal or calendar-home-set (the first, if several). */
export function hrefIn(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const href = textOf((value as { href?: unknown }).href)?.trim();
  return href || undefined;
}

/** The child element names of a property: resourcetype's `calendar`, `addressbook`, `collection`... */
export function childNames(value: unknown): string[] {
  return value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value).filter((key) => !key.startsWith('_')) : [];
}

/** supported-calendar-component-set's `<comp name="VEVENT"/>` names, upper case. */
export function componentNames(value: unknown): string[] {
  const comp = value && typeof value === 'object' ? (value as { comp?: unknown }).comp : undefined;
  const comps = Array.isArray(comp) ? comp : comp === undefined ? [] : [comp];
  return comps
    .map((c) => (c && typeof c === 'object' ? (c as { _attributes?: { name?: unknown } })._attributes?.name : undefined))
    .filter((name): name is string => typeof name === 'string')
    .map((name) => name.toUpperCase());
}

/** supported-report-set's report names, camel-cased as tsdav gives them (`syncCollection`, `calendarMultiget`). */
export function reportNames(value: unknown): string[] {
  const report = value && typeof value === 'object' ? (value as { supportedReport?: unknown }).supportedReport : undefined;
  const reports = Array.isArray(report) ? report : report === undefined ? [] : [report];
  return reports.flatMap((r) => (r && typeof r === 'object' ? childNames((r as { report?: unknown }).report) : []));
}

function multistatusOf(raw: unknown): { response?: unknown; syncToken?: unknown } | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const multistatus = (raw as { multistatus?: unknown }).multistatus;
  // `<multistatus/>` (empty) parses as {}; a multistatus with only text is not one.
  return multistatus && typeof multistatus === 'object' ? multistatus : multistatus === '' ? {} : undefined;
}

function describeBody(raw: unknown): string {
  if (typeof raw !== 'string') return raw && typeof raw === 'object' ? `XML whose root is <${Object.keys(raw)[0] ?? '?'}>` : 'no body';
  if (!raw.trim()) return 'an empty body';
  const start = raw.trim().slice(0, 60).replace(/\s+/g, ' ');
  return `a body that is not XML with an XML Content-Type ("${start}${raw.trim().length > 60 ? '...' : ''}")`;
}
