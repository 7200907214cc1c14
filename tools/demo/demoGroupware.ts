import type { AddressBookSeed, CalendarSeed } from '../radicale/seedDav';
import type { DemoPerson } from './demoOrganisation';
import { BERLIN_VTIMEZONE, NEW_YORK_VTIMEZONE } from '../corpus/vtimezones';

/**
 * The demo's legacy groupware: each person's address book and calendar on the CalDAV/CardDAV server
 * (Radicale), as a 2007 groupware server would hold them. Every item maps to Microsoft 365 without a
 * skip (test/unit/demo/demoGroupware.test.ts), so the final table shows all of them synced.
 *
 * Contacts: a colleague (work email and phone, company and department), a partner at another company
 * (two emails, office and mobile phones, a business address, a web site), a friend (home address,
 * home and mobile phones, birthday, nickname, a note) and a supplier (a business fax, which goes to
 * Outlook's own fax slot).
 *
 * Events, in time zones other than UTC: the weekly team meeting in Europe/Berlin, organized by the
 * person with attendees, whose third Monday is cancelled (EXDATE) and fourth moved to the Tuesday
 * afternoon (a RECURRENCE-ID override, after the change to summer time); a monthly budget review (first
 * Tuesday, Berlin); a client call in America/New_York (in the weeks of 2007 when New York had already
 * changed to summer time and Berlin not yet); and a two-day offsite (all-day dates).
 */
export interface DemoGroupware {
  addressBooks: AddressBookSeed[];
  calendars: CalendarSeed[];
}

export const DEMO_ADDRESS_BOOK = 'contacts';
export const DEMO_CALENDAR = 'calendar';
export const DEMO_CONTACTS_PER_PERSON = 4;
export const DEMO_EVENTS_PER_PERSON = 4;
/** The weekly meeting's zone; the client call is in America/New_York. */
export const DEMO_MEETING_TIME_ZONE = 'Europe/Berlin';

/** Someone at another company: the partner, the friend or the supplier of a demo person. */
interface Outsider {
  first: string;
  last: string;
  /** The mailbox's domain, e.g. `fabrikam.com`. */
  domain: string;
}

const PARTNERS: readonly (Outsider & {
  company: string;
  department: string;
  title: string;
  phone: string;
  mobile: string;
  street: string;
  city: string;
  postcode: string;
  country: string;
})[] = [
  {
    first: 'Aoife',
    last: 'Byrne',
    domain: 'fabrikam.com',
    company: 'Fabrikam Ltd.',
    department: 'Purchasing',
    title: 'Purchasing manager',
    phone: '+44 113 496 0123',
    mobile: '+44 7700 900123',
    street: '12 Wellington Street',
    city: 'Leeds',
    postcode: 'LS1 4AP',
    country: 'United Kingdom',
  },
  {
    first: 'Mateo',
    last: 'Ruiz',
    domain: 'litware.com',
    company: 'Litware S.L.',
    department: 'Sales',
    title: 'Account manager',
    phone: '+34 91 555 0142',
    mobile: '+34 600 555 142',
    street: 'Calle de Alcalá 48',
    city: 'Madrid',
    postcode: '28014',
    country: 'Spain',
  },
  {
    first: 'Priya',
    last: 'Nair',
    domain: 'tailspintoys.com',
    company: 'Tailspin Toys',
    department: 'Logistics',
    title: 'Logistics lead',
    phone: '+1 212 555 0187',
    mobile: '+1 917 555 0187',
    street: '350 Fifth Avenue',
    city: 'New York',
    postcode: 'NY 10118',
    country: 'United States',
  },
  {
    first: 'Samuel',
    last: 'Okafor',
    domain: 'adventure-works.com',
    company: 'Adventure Works',
    department: 'Marketing',
    title: 'Brand manager',
    phone: '+31 20 555 0160',
    mobile: '+31 6 5555 0160',
    street: 'Keizersgracht 221',
    city: 'Amsterdam',
    postcode: '1016 DV',
    country: 'Netherlands',
  },
];

const FRIENDS: readonly (Outsider & {
  nickname: string;
  phone: string;
  mobile: string;
  street: string;
  city: string;
  postcode: string;
  country: string;
  note: string;
})[] = [
  {
    first: 'Maja',
    last: 'Lindgren',
    nickname: 'Maj',
    domain: 'example.net',
    phone: '+46 8 555 012 34',
    mobile: '+46 70 555 01 23',
    street: 'Storgatan 5',
    city: 'Stockholm',
    postcode: '114 51',
    country: 'Sweden',
    note: 'Met at the 2006 Stockholm fair; plays the saxophone.',
  },
  {
    first: 'Lorenzo',
    last: 'Greco',
    nickname: 'Enzo',
    domain: 'example.org',
    phone: '+39 06 5550 1234',
    mobile: '+39 333 555 0123',
    street: 'Via dei Coronari 17',
    city: 'Roma',
    postcode: '00186',
    country: 'Italy',
    note: 'Old friend from university, runs the Rome marathon every year.',
  },
  {
    first: 'Noémie',
    last: 'Roux',
    nickname: 'Mimi',
    domain: 'example.com',
    phone: '+33 1 55 50 12 34',
    mobile: '+33 6 55 50 12 34',
    street: '8 rue des Rosiers',
    city: 'Paris',
    postcode: '75004',
    country: 'France',
    note: 'Neighbour; keeps a spare key.',
  },
];

const SUPPLIERS: readonly (Outsider & { company: string; phone: string; fax: string; street: string; city: string; postcode: string; country: string })[] = [
  {
    first: 'Pieter',
    last: 'de Vries',
    domain: 'northwindtraders.com',
    company: 'Northwind Traders',
    phone: '+31 10 555 0199',
    fax: '+31 10 555 0198',
    street: 'Wilhelminakade 91',
    city: 'Rotterdam',
    postcode: '3072 AP',
    country: 'Netherlands',
  },
  {
    first: 'Jana',
    last: 'Svobodová',
    domain: 'wideworldimporters.com',
    company: 'Wide World Importers',
    phone: '+420 2 5555 0123',
    fax: '+420 2 5555 0124',
    street: 'Na Příkopě 22',
    city: 'Praha',
    postcode: '110 00',
    country: 'Czech Republic',
  },
];

const DEPARTMENTS = ['Finance', 'Sales', 'IT', 'Human Resources', 'Legal', 'Operations'] as const;
const TITLES = ['Controller', 'Account executive', 'Systems administrator', 'HR partner', 'Counsel', 'Operations manager'] as const;

/**
 * Person `index`'s address book and calendar, the same at every run. `people` is the whole demo
 * organisation: the colleague and the meeting's attendees are the next people in it.
 */
export function demoGroupware(people: readonly DemoPerson[], index: number): DemoGroupware {
  const person = people[index];
  if (!person) throw new RangeError(`demoGroupware: there is no person ${index} among ${people.length}.`);
  const colleagues = [1, 2].map((step) => people[(index + step) % people.length]!).filter((p, i, all) => p !== person && all.indexOf(p) === i);
  const partner = PARTNERS[index % PARTNERS.length]!;
  const friend = FRIENDS[index % FRIENDS.length]!;
  const supplier = SUPPLIERS[index % SUPPLIERS.length]!;
  const key = person.samAccountName;
  const contacts = [colleagueCard(key, index, colleagues[0]), partnerCard(key, partner), friendCard(key, index, friend), supplierCard(key, supplier)];
  const events = [weeklyMeeting(person, index, colleagues, partner), budgetReview(person), clientCall(person, partner), offsite(person)];
  return {
    addressBooks: [{ name: DEMO_ADDRESS_BOOK, displayName: 'Contacts', vcards: contacts }],
    // The calendar's own zone (calendar-timezone): the all-day offsite is two days in Berlin, not in UTC.
    calendars: [{ name: DEMO_CALENDAR, displayName: 'Calendar', color: '#0078D4FF', timeZone: icalendar([BERLIN_VTIMEZONE], []), events }],
  };
}

function colleagueCard(key: string, index: number, colleague: DemoPerson | undefined): string {
  // With one person in the demo there is nobody else in the company: a colleague outside the demo stands in.
  const { first, last, address } = colleague
    ? { ...splitName(colleague.displayName), address: colleague.address }
    : { first: 'Helga', last: 'Brandt', address: 'helga.brandt@contoso.com' };
  const department = DEPARTMENTS[index % DEPARTMENTS.length]!;
  return vcard([
    `UID:${key}-colleague@contoso.com`,
    `N:${text(last)};${text(first)};;;`,
    `FN:${text(`${first} ${last}`)}`,
    `ORG:Contoso;${text(department)}`,
    `TITLE:${text(TITLES[index % TITLES.length]!)}`,
    `EMAIL;TYPE=INTERNET,WORK,PREF:${address}`,
    `TEL;TYPE=WORK,VOICE:+49 30 5550 ${String(1000 + ((index + 1) % 9000)).padStart(4, '0')}`,
  ]);
}

function partnerCard(key: string, partner: (typeof PARTNERS)[number]): string {
  const local = emailLocal(partner);
  return vcard([
    `UID:${key}-partner@contoso.com`,
    `N:${text(partner.last)};${text(partner.first)};;;`,
    `FN:${text(`${partner.first} ${partner.last}`)}`,
    `ORG:${text(partner.company)};${text(partner.department)}`,
    `TITLE:${text(partner.title)}`,
    `EMAIL;TYPE=INTERNET,WORK,PREF:${local}@${partner.domain}`,
    `EMAIL;TYPE=INTERNET,HOME:${local}@example.net`,
    `TEL;TYPE=WORK,VOICE:${partner.phone}`,
    `TEL;TYPE=CELL:${partner.mobile}`,
    `ADR;TYPE=WORK:;;${text(partner.street)};${text(partner.city)};;${text(partner.postcode)};${text(partner.country)}`,
    `URL:https://www.${partner.domain}/`,
  ]);
}

function friendCard(key: string, index: number, friend: (typeof FRIENDS)[number]): string {
  const birthday = `${1960 + (index % 30)}-${pad(1 + (index % 12))}-${pad(1 + ((index * 7) % 28))}`;
  return vcard([
    `UID:${key}-friend@contoso.com`,
    `N:${text(friend.last)};${text(friend.first)};;;`,
    `FN:${text(`${friend.first} ${friend.last}`)}`,
    `NICKNAME:${text(friend.nickname)}`,
    `EMAIL;TYPE=INTERNET,HOME:${emailLocal(friend)}@${friend.domain}`,
    `TEL;TYPE=HOME,VOICE:${friend.phone}`,
    `TEL;TYPE=CELL:${friend.mobile}`,
    `ADR;TYPE=HOME:;;${text(friend.street)};${text(friend.city)};;${text(friend.postcode)};${text(friend.country)}`,
    `BDAY:${birthday}`,
    `NOTE:${text(friend.note)}`,
    'CATEGORIES:Personal',
  ]);
}

function supplierCard(key: string, supplier: (typeof SUPPLIERS)[number]): string {
  return vcard([
    `UID:${key}-supplier@contoso.com`,
    `N:${text(supplier.last)};${text(supplier.first)};;;`,
    `FN:${text(`${supplier.first} ${supplier.last}`)}`,
    `ORG:${text(supplier.company)}`,
    `EMAIL;TYPE=INTERNET,WORK:orders@${supplier.domain}`,
    `TEL;TYPE=WORK,VOICE:${supplier.phone}`,
    `TEL;TYPE=WORK,FAX:${supplier.fax}`,
    `ADR;TYPE=WORK:;;${text(supplier.street)};${text(supplier.city)};;${text(supplier.postcode)};${text(supplier.country)}`,
    'CATEGORIES:Suppliers',
  ]);
}

/**
 * Mondays from 5 March 2007, eight times, at 09:00 to 12:00 by person (Berlin time). The third
 * (19 March) is cancelled; the fourth (26 March, the day after Berlin changed to summer time) is
 * moved to Tuesday 27 March at 14:00, in another room.
 */
function weeklyMeeting(person: DemoPerson, index: number, colleagues: readonly DemoPerson[], partner: (typeof PARTNERS)[number]): string {
  const hour = pad(9 + (index % 4));
  const uid = `${person.samAccountName}-weekly-team-meeting@contoso.com`;
  return icalendar(
    [BERLIN_VTIMEZONE],
    [
      [
        `UID:${uid}`,
        STAMP,
        `DTSTART;TZID=Europe/Berlin:20070305T${hour}0000`,
        `DTEND;TZID=Europe/Berlin:20070305T${pad(Number(hour) + 1)}0000`,
        'SUMMARY:Weekly team meeting',
        'LOCATION:Room 4.12',
        `DESCRIPTION:${text('Status round, then one topic in depth.\nAgenda in the team folder.')}`,
        'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=8',
        `EXDATE;TZID=Europe/Berlin:20070319T${hour}0000`,
        `ORGANIZER;CN=${param(person.displayName)}:mailto:${person.address}`,
        ...colleagues.map((c) => `ATTENDEE;CN=${param(c.displayName)};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:${c.address}`),
        `ATTENDEE;CN=${param(`${partner.first} ${partner.last}`)};ROLE=OPT-PARTICIPANT;PARTSTAT=TENTATIVE:mailto:${emailLocal(partner)}@${partner.domain}`,
        'BEGIN:VALARM',
        'ACTION:DISPLAY',
        'TRIGGER:-PT15M',
        'DESCRIPTION:Weekly team meeting',
        'END:VALARM',
      ],
      [
        `UID:${uid}`,
        STAMP,
        `RECURRENCE-ID;TZID=Europe/Berlin:20070326T${hour}0000`,
        'DTSTART;TZID=Europe/Berlin:20070327T140000',
        'DTEND;TZID=Europe/Berlin:20070327T150000',
        'SUMMARY:Weekly team meeting (moved to Tuesday)',
        'LOCATION:Room 2.05',
        `ORGANIZER;CN=${param(person.displayName)}:mailto:${person.address}`,
      ],
    ],
  );
}

/** The first Tuesday of the month from March 2007, six times, 15:00 to 16:30 Berlin time. */
function budgetReview(person: DemoPerson): string {
  return icalendar(
    [BERLIN_VTIMEZONE],
    [
      [
        `UID:${person.samAccountName}-budget-review@contoso.com`,
        STAMP,
        'DTSTART;TZID=Europe/Berlin:20070306T150000',
        'DTEND;TZID=Europe/Berlin:20070306T163000',
        'SUMMARY:Budget review',
        'LOCATION:Board room',
        'RRULE:FREQ=MONTHLY;BYDAY=1TU;COUNT=6',
        'CATEGORIES:Finance',
      ],
    ],
  );
}

/** 14 March 2007, 11:00 in New York: 15:00 in Berlin (New York changed to summer time on 11 March, Berlin on 25 March). */
function clientCall(person: DemoPerson, partner: (typeof PARTNERS)[number]): string {
  return icalendar(
    [NEW_YORK_VTIMEZONE],
    [
      [
        `UID:${person.samAccountName}-client-call@contoso.com`,
        STAMP,
        'DTSTART;TZID=America/New_York:20070314T110000',
        'DTEND;TZID=America/New_York:20070314T114500',
        `SUMMARY:${text(`Call with ${partner.company}`)}`,
        'LOCATION:Conference line 1',
        `DESCRIPTION:${text(`Order volumes for the second quarter, with ${partner.first} ${partner.last}.`)}`,
        'PRIORITY:1',
        'BEGIN:VALARM',
        'ACTION:DISPLAY',
        'TRIGGER:-PT10M',
        'DESCRIPTION:Client call',
        'END:VALARM',
      ],
    ],
  );
}

/** Thursday 12 and Friday 13 April 2007, all day. */
function offsite(person: DemoPerson): string {
  return icalendar(
    [],
    [
      [
        `UID:${person.samAccountName}-offsite@contoso.com`,
        STAMP,
        'DTSTART;VALUE=DATE:20070412',
        'DTEND;VALUE=DATE:20070414',
        'SUMMARY:Team offsite',
        'LOCATION:Lake Starnberg',
        'TRANSP:OPAQUE',
      ],
    ],
  );
}

const STAMP = 'DTSTAMP:20070101T000000Z';

function vcard(lines: readonly string[]): string {
  return toText(['BEGIN:VCARD', 'VERSION:3.0', 'PRODID:-//Contoso//Demo groupware 2007//EN', ...lines, 'END:VCARD']);
}

/** One iCalendar object: its time zones, then the master VEVENT and its overrides (one UID). */
function icalendar(zones: readonly (readonly string[])[], events: readonly (readonly string[])[]): string {
  return toText([
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Contoso//Demo groupware 2007//EN',
    'CALSCALE:GREGORIAN',
    ...zones.flat(),
    ...events.flatMap((event) => ['BEGIN:VEVENT', ...event, 'END:VEVENT']),
    'END:VCALENDAR',
  ]);
}

/** CRLF line ends, and lines longer than 75 octets folded (RFC 5545 3.1, RFC 6350 3.2), never inside a character. */
function toText(lines: readonly string[]): string {
  return `${lines.map(fold).join('\r\n')}\r\n`;
}

function fold(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char);
    // The first line holds 75 octets; each continuation 74 after its leading space.
    if (octets + size > (parts.length === 0 ? 75 : 74)) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** A TEXT value: backslash, semicolon, comma and line breaks escaped (RFC 5545 3.3.11, RFC 6350 3.4). */
function text(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** A parameter value (CN=...): quoted, as names may hold commas or colons. */
function param(value: string): string {
  return `"${value.replace(/"/g, "'")}"`;
}

function splitName(displayName: string): { first: string; last: string } {
  const space = displayName.indexOf(' ');
  return space < 0 ? { first: displayName, last: '' } : { first: displayName.slice(0, space), last: displayName.slice(space + 1) };
}

/** `first.last` in ASCII, lower case, without spaces: "Pieter de Vries" is pieter.devries. */
function emailLocal(who: Outsider): string {
  return `${who.first}.${who.last}`
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, '')
    .toLowerCase();
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
