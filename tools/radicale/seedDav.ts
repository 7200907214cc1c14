import { randomUUID } from 'node:crypto';

/**
 * Seeds a user's address books and calendars over plain HTTP, as Radicale's documentation describes
 * it: an extended MKCOL (RFC 5689) makes an address book, MKCALENDAR (RFC 4791 section 5.3.1) a
 * calendar, and one PUT per vCard or iCalendar object. Collections go under `<url><user>/`, where
 * Radicale keeps a user's principal and both homes. For tests and the `npm start` demo.
 */
export interface DavAccount {
  /** The server's base URL, `http://127.0.0.1:<port>/` (RunningRadicale.url). */
  url: string;
  username: string;
  password: string;
}

export interface AddressBookSeed {
  /** The collection's path segment under the user's home (`contacts` makes `/<user>/contacts/`). */
  name: string;
  displayName?: string;
  description?: string;
  /** vCard texts, one contact each. */
  vcards?: readonly string[];
}

export type CalendarComponent = 'VEVENT' | 'VTODO' | 'VJOURNAL';

export interface CalendarSeed {
  name: string;
  displayName?: string;
  description?: string;
  /** `#RRGGBB` or `#RRGGBBAA` (Apple's calendar-color property). */
  color?: string;
  /**
   * The calendar's own time zone (CalDAV calendar-timezone, RFC 4791 section 5.2.2): an iCalendar object
   * holding one VTIMEZONE, in which the calendar's floating times and all-day dates are read.
   */
  timeZone?: string;
  /** What the calendar accepts (supported-calendar-component-set). Default: VEVENT only. */
  components?: readonly CalendarComponent[];
  /** iCalendar objects, one UID each (a recurring series with its overrides is one object). */
  events?: readonly string[];
}

export interface SeededItem {
  /** The item's path on the server (`/<user>/<collection>/<file>`), as DAV listings give it. */
  href: string;
  etag: string;
}

export interface SeededCollection {
  /** Absolute URL of the collection, ending in `/`. */
  url: string;
  items: SeededItem[];
}

export interface DavSeed {
  addressBooks?: readonly AddressBookSeed[];
  calendars?: readonly CalendarSeed[];
}

/** PUTs at once: Radicale writes one at a time under its storage lock, but overlapping the round trips still pays. */
const PUT_CONCURRENCY = 4;

/** Creates each address book and calendar and fills it; resolves with every item's href and ETag. */
export async function seedDav(account: DavAccount, seed: DavSeed): Promise<{ addressBooks: SeededCollection[]; calendars: SeededCollection[] }> {
  const addressBooks: SeededCollection[] = [];
  for (const book of seed.addressBooks ?? []) addressBooks.push(await createAddressBook(account, book));
  const calendars: SeededCollection[] = [];
  for (const calendar of seed.calendars ?? []) calendars.push(await createCalendar(account, calendar));
  return { addressBooks, calendars };
}

export async function createAddressBook(account: DavAccount, seed: AddressBookSeed): Promise<SeededCollection> {
  const url = collectionUrl(account, seed.name);
  const body = xml(
    `<D:mkcol xmlns:D="DAV:" xmlns:CR="urn:ietf:params:xml:ns:carddav"><D:set><D:prop>` +
      `<D:resourcetype><D:collection/><CR:addressbook/></D:resourcetype>` +
      optional('D:displayname', seed.displayName) +
      optional('CR:addressbook-description', seed.description) +
      `</D:prop></D:set></D:mkcol>`,
  );
  await send(account, 'MKCOL', url, body, 'application/xml; charset=utf-8', [201]);
  return { url, items: await putItems(account, url, seed.vcards ?? []) };
}

export async function createCalendar(account: DavAccount, seed: CalendarSeed): Promise<SeededCollection> {
  const url = collectionUrl(account, seed.name);
  const components = (seed.components ?? ['VEVENT']).map((name) => `<C:comp name="${name}"/>`).join('');
  const body = xml(
    `<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="http://apple.com/ns/ical/"><D:set><D:prop>` +
      optional('D:displayname', seed.displayName) +
      optional('C:calendar-description', seed.description) +
      optional('A:calendar-color', seed.color) +
      optional('C:calendar-timezone', seed.timeZone) +
      `<C:supported-calendar-component-set>${components}</C:supported-calendar-component-set>` +
      `</D:prop></D:set></C:mkcalendar>`,
  );
  await send(account, 'MKCALENDAR', url, body, 'application/xml; charset=utf-8', [201]);
  return { url, items: await putItems(account, url, seed.events ?? []) };
}

/**
 * Stores one vCard or iCalendar object in a collection: as a new resource named after its UID
 * (`If-None-Match: *`), or over `options.href` (a change; the server gives it a new ETag).
 */
export async function putItem(account: DavAccount, collection: string, text: string, options: { href?: string } = {}): Promise<SeededItem> {
  const isCard = /^BEGIN:VCARD/i.test(text.trimStart());
  const url = options.href ? new URL(options.href, collection).href : new URL(`${fileName(text)}${isCard ? '.vcf' : '.ics'}`, collection).href;
  const contentType = isCard ? 'text/vcard; charset=utf-8' : 'text/calendar; charset=utf-8';
  const response = await send(account, 'PUT', url, text, contentType, [201, 204], options.href ? {} : { 'If-None-Match': '*' });
  const etag = response.headers.get('etag');
  if (!etag) throw new Error(`PUT ${url} answered without an ETag`);
  return { href: new URL(url).pathname, etag };
}

/** Removes an item (an href or a URL). */
export async function deleteItem(account: DavAccount, href: string): Promise<void> {
  await send(account, 'DELETE', new URL(href, account.url).href, undefined, undefined, [200, 204]);
}

async function putItems(account: DavAccount, collection: string, texts: readonly string[]): Promise<SeededItem[]> {
  const items: SeededItem[] = new Array<SeededItem>(texts.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < texts.length) {
      const index = next++;
      items[index] = await putItem(account, collection, texts[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PUT_CONCURRENCY, texts.length) }, worker));
  return items;
}

function collectionUrl(account: DavAccount, name: string): string {
  return new URL(`${encodeURIComponent(account.username)}/${encodeURIComponent(name)}/`, account.url).href;
}

/** The object's UID made safe as a file name (Radicale names uploaded items the same way), or a fresh one. */
function fileName(text: string): string {
  const uid = /^UID:(.+)$/im.exec(text.replace(/\r?\n[ \t]/g, ''))?.[1]?.trim();
  return uid ? uid.replace(/[^\w.@-]/g, '_') : randomUUID();
}

async function send(
  account: DavAccount,
  method: string,
  url: string,
  body: string | undefined,
  contentType: string | undefined,
  expected: number[],
  headers: Record<string, string> = {},
): Promise<Response> {
  const authorization = `Basic ${Buffer.from(`${account.username}:${account.password}`).toString('base64')}`;
  const response = await fetch(url, {
    method,
    body,
    headers: { Authorization: authorization, ...(contentType ? { 'Content-Type': contentType } : {}), ...headers },
  });
  const text = await response.text();
  if (!expected.includes(response.status)) throw new Error(`${method} ${url} as ${account.username}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return response;
}

function xml(body: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${body}`;
}

function optional(element: string, value: string | undefined): string {
  return value === undefined ? '' : `<${element}>${escapeXml(value)}</${element}>`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
