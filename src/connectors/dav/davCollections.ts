import { ensureTrailingSlash, propfind } from 'tsdav';

import type { ItemCollection } from '../../services/ports/itemSource';
import { toHref } from './davHref';
import type { DavHttp } from './davHttp';
import { pathOf } from './davHttp';
import { childNames, componentNames, readMultistatus, replyError, reportNames, textOf } from './davXml';
import type { DavDiscovery } from './discoverDav';

/** A collection found at the source, and what its server offers for it. */
export interface DavCollection {
  collection: ItemCollection;
  /** Whether supported-report-set names sync-collection (RFC 6578); undefined when the server did not say. */
  syncCollection?: boolean;
}

/** Everything one listing asks of each member of a home (one PROPFIND, depth 1, per home). */
const COLLECTION_PROPS = {
  'd:resourcetype': {},
  'd:displayname': {},
  'd:sync-token': {},
  'd:supported-report-set': {},
  'c:calendar-description': {},
  'c:calendar-timezone': {},
  'c:supported-calendar-component-set': {},
  'ca:calendar-color': {},
  'card:addressbook-description': {},
};

/**
 * The user's address books and calendars: the members of the homes whose resourcetype says
 * `addressbook` (RFC 6352 section 5.2) or `calendar` (RFC 4791 section 4.2). A calendar that
 * declares its components (supported-calendar-component-set) but not VEVENT holds only tasks or
 * journal entries and is left out; one that declares none accepts every component and is kept.
 * A server that keeps both homes in one place (Radicale, SOGo) is asked once.
 */
export async function listDavCollections(discovery: DavDiscovery, http: DavHttp): Promise<DavCollection[]> {
  const homes = [...new Set([discovery.addressBookHomeUrl, discovery.calendarHomeUrl].filter((url): url is string => url !== undefined))];
  const collections = new Map<string, DavCollection>();
  for (const home of homes) {
    const what = `PROPFIND ${pathOf(home)}`;
    const reply = readMultistatus(
      await propfind({ url: home, depth: '1', props: COLLECTION_PROPS, headers: http.headers, fetch: http.fetch }),
      http.context,
      what,
    );
    if (reply.kind === 'status') throw replyError(reply, http.context, what);
    for (const entry of reply.entries) {
      if (!entry.ok) continue;
      const collection = toCollection(entry.props ?? {}, new URL(entry.href, home).href);
      if (collection && !collections.has(collection.collection.id)) collections.set(collection.collection.id, collection);
    }
  }
  return [...collections.values()];
}

function toCollection(props: Record<string, unknown>, href: string): DavCollection | undefined {
  const types = childNames(props.resourcetype);
  const id = ensureTrailingSlash(href);
  const kind = types.includes('addressbook') ? 'contact' : types.includes('calendar') ? 'event' : undefined;
  if (!kind) return undefined;
  if (kind === 'event') {
    const components = componentNames(props.supportedCalendarComponentSet);
    if (components.length > 0 && !components.includes('VEVENT')) return undefined;
  }
  const reports = props.supportedReportSet === undefined ? undefined : reportNames(props.supportedReportSet);
  const description = textOf(kind === 'event' ? props.calendarDescription : props.addressbookDescription);
  const color = kind === 'event' ? textOf(props.calendarColor) : undefined;
  const syncToken = textOf(props.syncToken);
  const timeZone = kind === 'event' ? tzidOf(textOf(props.calendarTimezone)) : undefined;
  return {
    collection: {
      id,
      kind,
      displayName: textOf(props.displayname)?.trim() || lastSegment(id),
      ...(color ? { color } : {}),
      ...(description ? { description } : {}),
      ...(syncToken ? { syncToken } : {}),
      ...(timeZone ? { timeZone } : {}),
    },
    syncCollection: reports?.includes('syncCollection'),
  };
}

/** The TZID of the VTIMEZONE a calendar-timezone property holds (an iCalendar object with one VTIMEZONE). */
function tzidOf(calendarTimezone: string | undefined): string | undefined {
  const line = calendarTimezone && /^TZID(?:;[^:\r\n]*)?:(.+?)\r?$/m.exec(calendarTimezone.replace(/\r?\n[ \t]/g, ''));
  return line ? line[1]!.trim() : undefined;
}

/** A collection without a display name is shown by its last path segment (`calendar`, `contacts`). */
function lastSegment(url: string): string {
  const segment = toHref(url, url).split('/').filter(Boolean).pop() ?? url;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
