import ICAL from 'ical.js';
import { DavItemSource } from '../../../src/connectors/dav/davItemSource';
import { createGraphSession, type GraphSession } from '../../../src/connectors/graph/graphConnection';
import { GraphGroupwareTarget } from '../../../src/connectors/graph/graphGroupwareTarget';
import type { ContainerState } from '../../../src/core/ledger/containerState';
import type { SkipRow } from '../../../src/core/ledger/ledgerRows';
import { type M365Sandbox, startM365Sandbox } from '../../../tools/m365-sandbox';
import type { ContactSnapshot, EventSnapshot } from '../../../tools/m365-sandbox/inspection/mailboxInspector';
import { type RunningRadicale, startRadicale } from '../../../tools/radicale/startRadicale';
import { seedDav } from '../../../tools/radicale/seedDav';
import { groupwareCopy, type MailboxCopy, pageTotals, sandboxConnection, skippedRows } from '../../support/copyHarness';
import { useAppTestEnvironment } from '../../support/appTestEnvironment';
import { tinyJpeg } from '../sandbox/jpegFixture';
import { BERLIN_VTIMEZONE, NEW_YORK_VTIMEZONE } from '../../../tools/corpus/vtimezones';

/**
 * Issue 14, "Integration tests against Radicale and the sandbox cover each mapping ..., with a round-trip
 * comparison of what the source had and what the target holds". One mailbox's address book and calendar
 * go from a real CalDAV/CardDAV server through the product's DAV source, mapper, copier and Graph target
 * into the Microsoft 365 stand-in; then each field is read back from the target and compared with the
 * source, and each recurring series' occurrences as Graph lists them (List instances) are compared with
 * the source's own expansion (ical.js: RRULE, EXDATE, RECURRENCE-ID), instant by instant.
 */
useAppTestEnvironment();
const USER = 'rita@contoso.com';
let radicale: RunningRadicale;
let sandbox: M365Sandbox;
let graph: GraphSession;
let userId: string;
let firstPass: { contacts: ReturnType<typeof pageTotals>; events: ReturnType<typeof pageTotals>; containers: ContainerState[]; skipped: SkipRow[] };

const crlf = (lines: string[]) => `${lines.join('\r\n')}\r\n`;
const PHOTO = tinyJpeg(48, 48, 64);

/** Every field Graph's contact has, and more of some than it holds (4 emails, 3 business phones, a fax, a pager). */
const FULL_CONTACT = crlf([
  'BEGIN:VCARD',
  'VERSION:3.0',
  'UID:full-contact',
  'N:Baker;Robert;James;Dr.;Jr.',
  'FN:Dr. Robert James Baker Jr.',
  'NICKNAME:Bob',
  'ORG:Contoso Ltd;Sales;EMEA',
  'TITLE:Sales Director',
  'ROLE:Engineer',
  'EMAIL;TYPE=INTERNET,WORK,PREF:bob@contoso.com',
  'EMAIL;TYPE=INTERNET,HOME:bob@home.example',
  'EMAIL;TYPE=INTERNET:bob@other.example',
  'EMAIL;TYPE=INTERNET:bob4@fourth.example',
  'TEL;TYPE=WORK,VOICE:+1 425 555 0100',
  'TEL;TYPE=WORK,VOICE:+1 425 555 0101',
  'TEL;TYPE=WORK,VOICE:+1 425 555 0102',
  'TEL;TYPE=HOME,VOICE:+1 206 555 0200',
  'TEL;TYPE=CELL:+1 425 555 0300',
  'TEL;TYPE=WORK,FAX:+1 425 555 0400',
  'TEL;TYPE=PAGER:+1 425 555 0500',
  'ADR;TYPE=WORK:;;1 Microsoft Way;Redmond;WA;98052;USA',
  'ADR;TYPE=HOME:;;12 Pine Street;Seattle;WA;98101;USA',
  'BDAY:1970-04-15',
  'X-ANNIVERSARY:1998-06-20',
  'NOTE:Met at the 2006 fair',
  'CATEGORIES:Customers,VIP',
  'X-JABBER:bob@jabber.example',
  'X-SKYPE:bob.baker',
  'URL;TYPE=WORK:https://contoso.com/bob',
  'URL;TYPE=HOME:https://bob.example/blog',
  `PHOTO;ENCODING=b;TYPE=JPEG:${PHOTO.toString('base64')}`,
  'END:VCARD',
]);

/** vCard 4.0: ANNIVERSARY, RELATED, IMPP and a GEO Graph has no field for. */
const V4_CONTACT = crlf([
  'BEGIN:VCARD',
  'VERSION:4.0',
  'UID:v4-contact',
  'N:Cole;Carol;;;',
  'FN:Carol Cole',
  'ORG:Fabrikam',
  'EMAIL;TYPE=work:carol@fabrikam.com',
  'TEL;VALUE=uri;TYPE="voice,work":tel:+44-20-7946-0000',
  'ANNIVERSARY:20010915',
  'RELATED;TYPE=spouse;VALUE=text:Chris Cole',
  'IMPP:xmpp:carol@fabrikam.com',
  'GEO:geo:51.5072,-0.1276',
  'END:VCARD',
]);

/** A custom TZID Outlook would not know, whose rules are Tokyo's: resolved by its offsets. */
const CUSTOM_TOKYO = [
  'BEGIN:VTIMEZONE',
  'TZID:Custom Tokyo office',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0900',
  'TZOFFSETTO:+0900',
  'DTSTART:19700101T000000',
  'END:STANDARD',
  'END:VTIMEZONE',
];

const calendar = (...body: string[]) => crlf(['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Test//Round trip//EN', ...body, 'END:VCALENDAR']);

/** A weekly meeting in Berlin with every event field, a moved occurrence and a cancelled one, across the March DST change. */
const WEEKLY = calendar(
  ...BERLIN_VTIMEZONE,
  'BEGIN:VEVENT',
  'UID:weekly@contoso.com',
  'DTSTAMP:20070101T000000Z',
  'DTSTART;TZID=Europe/Berlin:20070305T100000',
  'DTEND;TZID=Europe/Berlin:20070305T110000',
  'SUMMARY:Weekly sync',
  'DESCRIPTION:Agenda: pipeline\\, forecast',
  'LOCATION:Room 4.12',
  'CLASS:PRIVATE',
  'TRANSP:TRANSPARENT',
  'PRIORITY:1',
  'CATEGORIES:Team,Sales',
  'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=6',
  'EXDATE;TZID=Europe/Berlin:20070319T100000',
  'ORGANIZER;CN=Rita:mailto:rita@contoso.com',
  'ATTENDEE;CN=Bob;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:bob@contoso.com',
  'ATTACH;ENCODING=BASE64;VALUE=BINARY;FMTTYPE=text/plain;X-FILENAME=agenda.txt:' + Buffer.from('1. Pipeline\n2. Forecast\n').toString('base64'),
  'BEGIN:VALARM',
  'ACTION:DISPLAY',
  'DESCRIPTION:Reminder',
  'TRIGGER:-PT15M',
  'END:VALARM',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:weekly@contoso.com',
  'DTSTAMP:20070101T000000Z',
  'RECURRENCE-ID;TZID=Europe/Berlin:20070326T100000',
  'DTSTART;TZID=Europe/Berlin:20070327T140000',
  'DTEND;TZID=Europe/Berlin:20070327T150000',
  'SUMMARY:Weekly sync (moved)',
  'LOCATION:Room 2.01',
  'END:VEVENT',
);

/** Second Tuesday of the month in New York, across both DST changes, ending with UNTIL. */
const MONTHLY = calendar(
  ...NEW_YORK_VTIMEZONE,
  'BEGIN:VEVENT',
  'UID:board@contoso.com',
  'DTSTAMP:20070101T000000Z',
  'DTSTART;TZID=America/New_York:20070213T093000',
  'DTEND;TZID=America/New_York:20070213T103000',
  'SUMMARY:Board review',
  'RRULE:FREQ=MONTHLY;BYDAY=2TU;UNTIL=20071231T235959Z',
  'END:VEVENT',
);

/** Daily for five days in a zone named the way Outlook writes it (a Windows ID), with its VTIMEZONE. */
const DAILY_WINDOWS = calendar(
  ...BERLIN_VTIMEZONE.map((line) => line.replace('TZID:Europe/Berlin', 'TZID:W. Europe Standard Time')),
  'BEGIN:VEVENT',
  'UID:standup@contoso.com',
  'DTSTAMP:20070101T000000Z',
  'DTSTART;TZID=W. Europe Standard Time:20070326T091500',
  'DTEND;TZID=W. Europe Standard Time:20070326T093000',
  'SUMMARY:Stand-up',
  'RRULE:FREQ=DAILY;COUNT=5',
  'END:VEVENT',
);

const TOKYO = calendar(
  ...CUSTOM_TOKYO,
  'BEGIN:VEVENT',
  'UID:tokyo@contoso.com',
  'DTSTAMP:20070101T000000Z',
  'DTSTART;TZID=Custom Tokyo office:20070601T090000',
  'DTEND;TZID=Custom Tokyo office:20070601T100000',
  'SUMMARY:Tokyo call',
  'TRANSP:OPAQUE',
  'END:VEVENT',
);

const OFFSITE = calendar(
  'BEGIN:VEVENT',
  'UID:offsite@contoso.com',
  'DTSTAMP:20070101T000000Z',
  'DTSTART;VALUE=DATE:20070412',
  'DTEND;VALUE=DATE:20070414',
  'SUMMARY:Team offsite',
  'END:VEVENT',
);

const ANNIVERSARY = calendar(
  'BEGIN:VEVENT',
  'UID:founding@contoso.com',
  'DTSTAMP:20070101T000000Z',
  'DTSTART;VALUE=DATE:20070704',
  'DTEND;VALUE=DATE:20070705',
  'SUMMARY:Founding day',
  'RRULE:FREQ=YEARLY',
  'END:VEVENT',
);

const UTC_WITH_DURATION = calendar(
  'BEGIN:VEVENT',
  'UID:release@contoso.com',
  'DTSTAMP:20070101T000000Z',
  'DTSTART:20070815T160000Z',
  'DURATION:PT90M',
  'SUMMARY:Release window',
  'CLASS:CONFIDENTIAL',
  'END:VEVENT',
);

/** Bad items: a zone that names nothing and has no VTIMEZONE; a rule Graph cannot hold (and TOO_LARGE_ATTACHMENT below). */
const NO_SUCH_ZONE = calendar(
  'BEGIN:VEVENT',
  'UID:mars@contoso.com',
  'DTSTAMP:20070101T000000Z',
  'DTSTART;TZID=Mars/Olympus_Mons:20070901T090000',
  'DTEND;TZID=Mars/Olympus_Mons:20070901T100000',
  'SUMMARY:Launch review',
  'END:VEVENT',
);
const TWICE_A_DAY = calendar(
  'BEGIN:VEVENT',
  'UID:twice@contoso.com',
  'DTSTAMP:20070101T000000Z',
  'DTSTART:20070412T090000Z',
  'DTEND:20070412T093000Z',
  'RRULE:FREQ=DAILY;BYHOUR=9,17;COUNT=4',
  'SUMMARY:Medication',
  'END:VEVENT',
);
/** 3.5 MB: over what one POST takes, so it goes through an upload session. */
const LARGE_ATTACHMENT = calendar(
  'BEGIN:VEVENT',
  'UID:design@contoso.com',
  'DTSTAMP:20070101T000000Z',
  'DTSTART:20070820T100000Z',
  'DTEND:20070820T110000Z',
  'SUMMARY:Design review',
  'ATTACH;ENCODING=BASE64;VALUE=BINARY;FMTTYPE=application/octet-stream;X-FILENAME=model.bin:' + Buffer.alloc(3_500_000, 7).toString('base64'),
  'END:VEVENT',
);
/** 6 MB: over the tenant's maximum message size (set to 5 MB here), which holds for events too. */
const TOO_LARGE_ATTACHMENT = LARGE_ATTACHMENT.replace('UID:design@contoso.com', 'UID:architecture@contoso.com')
  .replace('SUMMARY:Design review', 'SUMMARY:Architecture review')
  .replace(Buffer.alloc(3_500_000, 7).toString('base64'), Buffer.alloc(6_000_000, 9).toString('base64'));

const SERIES = [WEEKLY, MONTHLY, DAILY_WINDOWS, ANNIVERSARY];
const SINGLES = [TOKYO, OFFSITE, UTC_WITH_DURATION, LARGE_ATTACHMENT];

function copier(): MailboxCopy {
  return groupwareCopy({
    mailboxKey: USER,
    source: new DavItemSource({ url: radicale.url, credentials: { username: USER, password: 'rita-pw' } }),
    target: new GraphGroupwareTarget(graph, userId),
  });
}

/** A whole pass, as the orchestration runs it: what its pages counted, the containers after, and what stays skipped. */
async function pass(): Promise<typeof firstPass> {
  const copy = copier();
  const pages = await copy.copyAll({ newPass: true });
  await copy.close();
  return { contacts: pageTotals(pages, 'contact'), events: pageTotals(pages, 'event'), containers: pages.at(-1)!.containers, skipped: await skippedRows(USER) };
}

beforeAll(async () => {
  radicale = await startRadicale({ users: [{ name: USER, password: 'rita-pw' }] });
  sandbox = await startM365Sandbox({ tenant: { domain: 'contoso.onmicrosoft.com' }, maxMessageSizeMb: 5 });
  userId = sandbox.addUser({ userPrincipalName: USER, licensed: true }).id;
  graph = createGraphSession(sandboxConnection(sandbox));
  await seedDav(radicale.account(USER), {
    addressBooks: [{ name: 'book', displayName: 'Personal Address Book', vcards: [FULL_CONTACT, V4_CONTACT] }],
    calendars: [
      {
        name: 'cal',
        displayName: 'Personal',
        // The calendar's own zone: its all-day events are days in Berlin, not in UTC.
        timeZone: calendar(...BERLIN_VTIMEZONE),
        events: [...SERIES, ...SINGLES, NO_SUCH_ZONE, TWICE_A_DAY, TOO_LARGE_ATTACHMENT],
      },
    ],
  });
  firstPass = await pass();
}, 300_000);

afterAll(async () => {
  await Promise.all([radicale?.stop(), sandbox?.stop()]);
});

function contactNamed(name: string): ContactSnapshot {
  const found = sandbox.listMailbox(USER).contacts.filter((c) => c.properties.displayName === name);
  expect(found).toHaveLength(1);
  return found[0]!;
}

function eventNamed(subject: string): EventSnapshot {
  const found = sandbox.listMailbox(USER).events.filter((e) => e.properties.subject === subject);
  expect(found).toHaveLength(1);
  return found[0]!;
}

const extended = (contact: ContactSnapshot, id: string) => contact.singleValueExtendedProperties.find((p) => p.id.toLowerCase() === id.toLowerCase())?.value;

/** Minutes since the epoch, so "2007-03-05T09:00:00.0000000" (Graph, UTC) and "2007-03-05T09:00:00.000Z" compare equal. */
function minuteOf(dateTime: string): string {
  const iso = /Z|[+-]\d\d:\d\d$/.test(dateTime) ? dateTime : `${dateTime}Z`;
  return new Date(Date.parse(iso)).toISOString().slice(0, 16);
}

/** The source's own occurrences of a series (RRULE, EXDATE, RECURRENCE-ID), by ical.js, in UTC. */
function sourceOccurrences(ics: string, until: string): string[] {
  const root = new ICAL.Component(ICAL.parse(ics));
  for (const zone of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(new ICAL.Timezone(zone));
  const events = root.getAllSubcomponents('vevent');
  const master = new ICAL.Event(
    events.find((e) => !e.hasProperty('recurrence-id')),
    { exceptions: events.filter((e) => e.hasProperty('recurrence-id')) },
  );
  const iterator = master.iterator();
  const occurrences: string[] = [];
  for (let next = iterator.next(); next; next = iterator.next()) {
    const details = master.getOccurrenceDetails(next);
    const start = details.startDate.isDate ? `${details.startDate.toString()}T00:00` : details.startDate.toJSDate().toISOString().slice(0, 16);
    if (start > until) break;
    const end = details.endDate.isDate ? `${details.endDate.toString()}T00:00` : details.endDate.toJSDate().toISOString().slice(0, 16);
    occurrences.push(`${start}|${end}|${details.item.summary}`);
  }
  return occurrences;
}

/** The target's occurrences of a series, as Graph lists them (List instances: times in UTC, all-day ones midnight to midnight). */
async function targetOccurrences(masterId: string, until: string): Promise<string[]> {
  const occurrences: string[] = [];
  let url: string | undefined =
    `/users/${userId}/events/${masterId}/instances?startDateTime=2007-01-01T00:00:00Z&endDateTime=${until}:00Z&$select=subject,start,end,isAllDay&$top=100`;
  while (url) {
    const page = (await graph.client.api(url).get()) as {
      value: { subject: string; isAllDay: boolean; start: { dateTime: string }; end: { dateTime: string } }[];
      '@odata.nextLink'?: string;
    };
    for (const instance of page.value) occurrences.push(`${minuteOf(instance.start.dateTime)}|${minuteOf(instance.end.dateTime)}|${instance.subject}`);
    url = page['@odata.nextLink'];
  }
  return occurrences.sort();
}

describe('contacts and calendars round trip, Radicale to Microsoft 365', () => {
  it('copies every item once and skips exactly the three bad events, each with its reason', () => {
    const { contacts, events, containers, skipped } = firstPass;
    expect(contacts).toMatchObject({ created: 2, skipped: 0 });
    expect(events).toMatchObject({ created: SERIES.length + SINGLES.length, skipped: 3 });
    expect(containers.find((c) => c.type === 'contact')!.counts).toMatchObject({ copied: 2, skipped: 0 });
    expect(containers.find((c) => c.type === 'event')!.counts).toMatchObject({ copied: SERIES.length + SINGLES.length, skipped: 3 });
    expect(skipped.map((s) => [s.title, s.reason]).sort()).toEqual([
      ['Architecture review', 'RejectedByTarget'],
      ['Launch review', 'UnknownTimeZone'],
      ['Medication', 'UnsupportedRecurrence'],
    ]);
    expect(skipped.find((s) => s.reason === 'UnknownTimeZone')!.detail).toContain('Mars/Olympus_Mons');
    expect(skipped.find((s) => s.reason === 'RejectedByTarget')!.detail).toContain('ErrorMessageSizeExceeded');
    // The refused event left no half-made copy (its master was created before its attachment was refused).
    expect(sandbox.listMailbox(USER).events.filter((e) => e.properties.subject === 'Architecture review')).toEqual([]);
    expect(sandbox.listMailbox(USER).contacts).toHaveLength(2);
    expect(sandbox.listMailbox(USER).events).toHaveLength(SERIES.length + SINGLES.length);
  });

  it("the user's main address book and calendar become the mailbox's default Contacts folder and Calendar", async () => {
    const folders = (await graph.client.api(`/users/${userId}/contactFolders`).get()) as { value: unknown[] };
    expect(folders.value).toEqual([]);
    const contacts = (await graph.client.api(`/users/${userId}/contacts?$select=displayName`).get()) as { value: { displayName: string }[] };
    expect(contacts.value.map((c) => c.displayName).sort()).toEqual(['Carol Cole', 'Dr. Robert James Baker Jr.']);
    const calendars = (await graph.client.api(`/users/${userId}/calendars?$select=name,isDefaultCalendar`).get()) as {
      value: { isDefaultCalendar: boolean }[];
    };
    expect(calendars.value).toEqual([expect.objectContaining({ isDefaultCalendar: true })]);
    const events = (await graph.client.api(`/users/${userId}/calendar/events?$select=subject&$top=50`).get()) as { value: unknown[] };
    expect(events.value).toHaveLength(SERIES.length + SINGLES.length);
  });

  it('a contact keeps every value: Graph fields, Outlook slots as MAPI properties, the rest in a marked notes block, and its photo', () => {
    const bob = contactNamed('Dr. Robert James Baker Jr.');
    expect(bob.properties).toMatchObject({
      givenName: 'Robert',
      middleName: 'James',
      surname: 'Baker',
      title: 'Dr.',
      generation: 'Jr.',
      nickName: 'Bob',
      companyName: 'Contoso Ltd',
      jobTitle: 'Sales Director',
      profession: 'Engineer',
      businessPhones: ['+1 425 555 0100', '+1 425 555 0101'],
      homePhones: ['+1 206 555 0200'],
      mobilePhone: '+1 425 555 0300',
      businessHomePage: 'https://contoso.com/bob',
      categories: ['Customers', 'VIP'],
      businessAddress: { street: '1 Microsoft Way', city: 'Redmond', state: 'WA', postalCode: '98052', countryOrRegion: 'USA' },
      homeAddress: { street: '12 Pine Street', city: 'Seattle', state: 'WA', postalCode: '98101', countryOrRegion: 'USA' },
    });
    expect(String(bob.properties.department)).toMatch(/Sales.*EMEA/);
    expect(String(bob.properties.birthday)).toMatch(/^1970-04-15T11:59/);
    expect((bob.properties.emailAddresses as { address: string }[]).map((e) => e.address)).toEqual([
      'bob@contoso.com',
      'bob@home.example',
      'bob@other.example',
    ]);
    expect((bob.properties.imAddresses as string[]).join(' ')).toEqual(expect.stringContaining('bob@jabber.example'));
    expect((bob.properties.imAddresses as string[]).join(' ')).toEqual(expect.stringContaining('bob.baker'));
    // Outlook's own slots: the third business number in "Other", the fax, the pager, the anniversary and the personal page.
    expect(extended(bob, 'String 0x3A1F')).toBe('+1 425 555 0102');
    expect(extended(bob, 'String 0x3A24')).toBe('+1 425 555 0400');
    expect(extended(bob, 'String 0x3A21')).toBe('+1 425 555 0500');
    expect(extended(bob, 'SystemTime 0x3A41')).toMatch(/^1998-06-20T11:59/);
    expect(extended(bob, 'String 0x3A50')).toBe('https://bob.example/blog');
    const notes = String(bob.properties.personalNotes);
    expect(notes).toContain('Met at the 2006 fair');
    expect(notes).toContain('Migrated values Graph has no field for:');
    expect(notes).toContain('bob4@fourth.example');
    expect(bob.photo).toMatchObject({ contentType: 'image/jpeg', size: PHOTO.length, width: 48, height: 48 });

    const carol = contactNamed('Carol Cole');
    expect(carol.properties).toMatchObject({ givenName: 'Carol', surname: 'Cole', companyName: 'Fabrikam', spouseName: 'Chris Cole' });
    expect((carol.properties.businessPhones as string[]).join()).toContain('+44-20-7946-0000');
    expect((carol.properties.imAddresses as string[]).join()).toContain('carol@fabrikam.com');
    expect(extended(carol, 'SystemTime 0x3A41')).toMatch(/^2001-09-15T11:59/);
    expect(String(carol.properties.personalNotes)).toContain('51.5072');
  });

  it('an event keeps its body, location, zone, free/busy, sensitivity, importance, reminder, categories and attachments, and invites nobody', () => {
    const weekly = eventNamed('Weekly sync');
    expect(weekly.properties).toMatchObject({
      type: 'seriesMaster',
      location: expect.objectContaining({ displayName: 'Room 4.12' }),
      sensitivity: 'private',
      showAs: 'free',
      importance: 'high',
      isReminderOn: true,
      reminderMinutesBeforeStart: 15,
      categories: ['Team', 'Sales'],
      originalStartTimeZone: 'W. Europe Standard Time',
    });
    expect(weekly.properties.attendees ?? []).toEqual([]);
    const body = String((weekly.properties.body as { content: string }).content);
    expect(body).toContain('Agenda: pipeline, forecast');
    expect(body).toContain('bob@contoso.com');
    expect(weekly.attachments).toEqual([expect.objectContaining({ name: 'agenda.txt', contentType: 'text/plain', size: 24 })]);

    // Over 3 MB: through an upload session, whole.
    expect(eventNamed('Design review').attachments).toEqual([expect.objectContaining({ name: 'model.bin', size: 3_500_000 })]);
    expect(eventNamed('Tokyo call').properties).toMatchObject({ showAs: 'busy', originalStartTimeZone: 'Tokyo Standard Time' });
    expect(eventNamed('Release window').properties).toMatchObject({ sensitivity: 'confidential' });
    expect(minuteOf((eventNamed('Tokyo call').properties.start as { dateTime: string }).dateTime)).toBe('2007-06-01T00:00');
    const release = eventNamed('Release window').properties as { start: { dateTime: string }; end: { dateTime: string } };
    expect([minuteOf(release.start.dateTime), minuteOf(release.end.dateTime)]).toEqual(['2007-08-15T16:00', '2007-08-15T17:30']);
    // An all-day event is days in the calendar's own zone (calendar-timezone), not in UTC; Graph shows it midnight to midnight.
    const offsite = eventNamed('Team offsite').properties as {
      isAllDay: boolean;
      originalStartTimeZone: string;
      start: { dateTime: string };
      end: { dateTime: string };
    };
    expect(offsite).toMatchObject({ isAllDay: true, originalStartTimeZone: 'W. Europe Standard Time' });
    expect([minuteOf(offsite.start.dateTime), minuteOf(offsite.end.dateTime)]).toEqual(['2007-04-12T00:00', '2007-04-14T00:00']);
    expect(sandbox.sentMeetingMessages()).toEqual([]);
  });

  it.each([
    ['Weekly sync', WEEKLY],
    ['Board review', MONTHLY],
    ['Stand-up', DAILY_WINDOWS],
    ['Founding day', ANNIVERSARY],
  ])('the series "%s" has the same occurrences at the same times as at the source', async (subject, ics) => {
    const until = '2009-01-01T00:00';
    const expected = sourceOccurrences(ics, until).sort();
    expect(expected.length).toBeGreaterThan(1);
    expect(await targetOccurrences(eventNamed(subject).id, until)).toEqual(expected);
  });

  it('a second pass changes nothing and still reports the three skipped events', async () => {
    const { contacts, events, skipped } = await pass();
    for (const result of [contacts, events]) expect(result).toMatchObject({ created: 0, updated: 0, removed: 0, matched: 0 });
    expect(skipped.map((s) => s.reason).sort()).toEqual(['RejectedByTarget', 'UnknownTimeZone', 'UnsupportedRecurrence']);
    expect(sandbox.listMailbox(USER).events).toHaveLength(SERIES.length + SINGLES.length);
    expect(sandbox.sentMeetingMessages()).toEqual([]);
  }, 120_000);
});
