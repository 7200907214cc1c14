import { davRequest, getDAVAttribute, DAVNamespace } from 'tsdav';

import { type ItemCollection, type SourceItem } from '../../services/ports/itemSource';
import { hrefKey } from './davHref';
import type { DavHttp } from './davHttp';
import { pathOf } from './davHttp';
import { readMultistatus, replyError, textOf } from './davXml';
import { invalidReply, statusError } from './toDavError';
import { ItemSourceErrorCode } from '../../core/errors/migrationErrorCode';

/**
 * The items' text and ETags through calendar-multiget (RFC 4791 section 7.9) or addressbook-multiget
 * (RFC 6352 section 8.7), `pageSize` hrefs per REPORT. An href the server answers 404 (or 410) for is
 * gone, deleted since it was listed, and is left out. The answer lists the items in the order asked;
 * an href asked twice is fetched once.
 *
 * tsdav's own calendarMultiGet/addressBookMultiGet throw on the first 404 inside the multistatus, so
 * the same REPORT is sent through its davRequest.
 */
export async function davMultiget(collection: ItemCollection, hrefs: readonly string[], pageSize: number, http: DavHttp): Promise<SourceItem[]> {
  const wanted = new Map<string, string>();
  for (const href of hrefs) if (!wanted.has(hrefKey(href, collection.id))) wanted.set(hrefKey(href, collection.id), href);
  const found = new Map<string, SourceItem>();
  const keys = [...wanted.keys()];
  for (let start = 0; start < keys.length; start += pageSize) {
    const page = keys.slice(start, start + pageSize).map((key) => wanted.get(key)!);
    for (const item of await multigetPage(collection, page, http)) found.set(hrefKey(item.href, collection.id), item);
  }
  return keys.flatMap((key) => {
    const item = found.get(key);
    return item ? [{ ...item, href: wanted.get(key)! }] : [];
  });
}

async function multigetPage(collection: ItemCollection, hrefs: string[], http: DavHttp): Promise<SourceItem[]> {
  const calendar = collection.kind === 'event';
  const report = calendar ? 'calendar-multiget' : 'addressbook-multiget';
  const dataProp = calendar ? 'c:calendar-data' : 'card:address-data';
  const what = `REPORT ${report} ${pathOf(collection.id)}`;
  const responses = await davRequest({
    url: collection.id,
    init: {
      method: 'REPORT',
      namespace: calendar ? 'c' : 'card',
      // Servers ignore Depth on a multiget (RFC 4791 section 7.9); tsdav sends 1, which some older ones expect.
      headers: { ...http.headers, depth: '1' },
      body: {
        [report]: {
          _attributes: getDAVAttribute([DAVNamespace.DAV, calendar ? DAVNamespace.CALDAV : DAVNamespace.CARDDAV]),
          'd:prop': { 'd:getetag': {}, [dataProp]: {} },
          'd:href': hrefs,
        },
      },
    },
    fetch: http.fetch,
  });
  const reply = readMultistatus(responses, http.context, what);
  if (reply.kind === 'status') throw replyError(reply, http.context, what, ItemSourceErrorCode.CollectionNotFound);
  const items: SourceItem[] = [];
  for (const entry of reply.entries) {
    if (entry.status === 404 || entry.status === 410) continue;
    if (!entry.ok) throw statusError(entry.status, http.context, `${what} (item ${entry.href})`, { notFound: ItemSourceErrorCode.CollectionNotFound });
    const props = entry.props ?? {};
    const etag = textOf(props.getetag)?.trim();
    const data = textOf(calendar ? props.calendarData : props.addressData);
    if (!etag) throw invalidReply(http.context, what, `without the getetag property of ${entry.href}`);
    if (data === undefined || !data.trim())
      throw invalidReply(http.context, what, `without the ${dataProp.slice(dataProp.indexOf(':') + 1)} property of ${entry.href}`);
    items.push({ href: entry.href, etag, data: withFinalLineBreak(data) });
  }
  return items;
}

/**
 * tsdav trims the text it reads from the XML, so the final line break of the vCard or iCalendar
 * object (RFC 5545 and RFC 6350 end every line with CRLF) is put back, in the style the text uses.
 */
function withFinalLineBreak(text: string): string {
  if (text.endsWith('\n')) return text;
  return `${text}${text.includes('\r\n') ? '\r\n' : '\n'}`;
}
