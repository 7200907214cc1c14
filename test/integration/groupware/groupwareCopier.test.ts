import { DavItemSource } from '../../../src/connectors/dav/davItemSource';
import { createGraphSession, type GraphSession } from '../../../src/connectors/graph/graphConnection';
import { GraphGroupwareTarget } from '../../../src/connectors/graph/graphGroupwareTarget';
import type { GroupwareTarget } from '../../../src/services/ports/groupwareTarget';
import type { ItemCollection, ItemSource } from '../../../src/services/ports/itemSource';
import { type M365Sandbox, startM365Sandbox } from '../../../tools/m365-sandbox';
import { type RunningRadicale, startRadicale } from '../../../tools/radicale/startRadicale';
import { deleteItem, putItem, seedDav } from '../../../tools/radicale/seedDav';
import { groupwareCopy, ledgerStore, type MailboxCopy, pageTotals, sandboxConnection, skippedRows, tally } from '../../support/copyHarness';
import { useAppTestEnvironment } from '../../support/appTestEnvironment';
import { BERLIN_VTIMEZONE } from '../../../tools/corpus/vtimezones';

/**
 * Issue 14: a mailbox's address book and calendar, from a real CalDAV/CardDAV server (Radicale) to the
 * Microsoft 365 stand-in, through the copy engine and its ledger in Azurite: every item once, a bad one
 * skipped with its reason, a recurring meeting with a moved and a cancelled occurrence in a non-UTC zone, no
 * invitation sent, changes and deletions at the source followed on the next pass, and a create whose answer
 * was lost found again.
 */
useAppTestEnvironment();
const ANN = 'ann@contoso.com';
let radicale: RunningRadicale;
let sandbox: M365Sandbox;
let graph: GraphSession;
let userId: string;

const vcard = (uid: string, given: string, family: string, email: string, extra = '') =>
  `BEGIN:VCARD\r\nVERSION:3.0\r\nUID:${uid}\r\nN:${family};${given};;;\r\nFN:${given} ${family}\r\nEMAIL;TYPE=work:${email}\r\nTEL;TYPE=cell:+49 170 1234567\r\nORG:Contoso;Sales\r\n${extra}END:VCARD\r\n`;

const WEEKLY = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Test//Migration//EN',
  ...BERLIN_VTIMEZONE,
  'BEGIN:VEVENT',
  'UID:weekly-sync@contoso.com',
  'DTSTAMP:20070101T000000Z',
  'DTSTART;TZID=Europe/Berlin:20070305T100000',
  'DTEND;TZID=Europe/Berlin:20070305T110000',
  'SUMMARY:Weekly sync',
  'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=6',
  'EXDATE;TZID=Europe/Berlin:20070319T100000',
  'ORGANIZER;CN=Ann:mailto:ann@contoso.com',
  'ATTENDEE;CN=Bob;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:bob@contoso.com',
  'ATTENDEE;CN=Carol;ROLE=OPT-PARTICIPANT:mailto:carol@fabrikam.com',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:weekly-sync@contoso.com',
  'DTSTAMP:20070101T000000Z',
  'RECURRENCE-ID;TZID=Europe/Berlin:20070326T100000',
  'DTSTART;TZID=Europe/Berlin:20070327T140000',
  'DTEND;TZID=Europe/Berlin:20070327T150000',
  'SUMMARY:Weekly sync (moved)',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

const ALL_DAY = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Test//Migration//EN',
  'BEGIN:VEVENT',
  'UID:offsite@contoso.com',
  'DTSTAMP:20070101T000000Z',
  'DTSTART;VALUE=DATE:20070412',
  'DTEND;VALUE=DATE:20070413',
  'SUMMARY:Team offsite',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

/** A rule Graph's patternedRecurrence cannot hold (BYHOUR): the bad item, skipped with its reason. */
const TWICE_A_DAY = ALL_DAY.replace('UID:offsite@contoso.com', 'UID:twice@contoso.com')
  .replace('DTSTART;VALUE=DATE:20070412', 'DTSTART:20070412T090000Z')
  .replace('DTEND;VALUE=DATE:20070413', 'DTEND:20070412T093000Z\r\nRRULE:FREQ=DAILY;BYHOUR=9,17;COUNT=4')
  .replace('SUMMARY:Team offsite', 'SUMMARY:Medication');

function copier(target: GroupwareTarget = new GraphGroupwareTarget(graph, userId), source?: ItemSource): MailboxCopy {
  return groupwareCopy({
    mailboxKey: ANN,
    source: source ?? new DavItemSource({ url: radicale.url, credentials: { username: ANN, password: 'ann-pw' } }),
    target,
  });
}

/** A whole pass, as the orchestration runs it; the pages' counts by type, and the containers after. */
async function pass(copy: MailboxCopy) {
  const pages = await copy.copyAll();
  await copy.close();
  const containers = pages.at(-1)!.containers;
  return { contacts: pageTotals(pages, 'contact'), events: pageTotals(pages, 'event'), containers };
}

function cloud() {
  return sandbox.listMailbox(ANN);
}

beforeAll(async () => {
  radicale = await startRadicale({ users: [{ name: ANN, password: 'ann-pw' }] });
  sandbox = await startM365Sandbox({ tenant: { domain: 'contoso.onmicrosoft.com' } });
  userId = sandbox.addUser({ userPrincipalName: ANN, licensed: true }).id;
  graph = createGraphSession(sandboxConnection(sandbox));
  await seedDav(radicale.account(ANN), {
    addressBooks: [
      {
        name: 'contacts',
        displayName: 'Contacts',
        vcards: [vcard('c1', 'Bob', 'Baker', 'bob@contoso.com'), vcard('c2', 'Carol', 'Cole', 'carol@fabrikam.com', 'NOTE:Met at the 2006 fair\r\n')],
      },
    ],
    calendars: [{ name: 'calendar', displayName: 'Calendar', events: [WEEKLY, ALL_DAY, TWICE_A_DAY] }],
  });
}, 180_000);

afterAll(async () => {
  await Promise.all([radicale?.stop(), sandbox?.stop()]);
});

describe('contacts and calendars, Radicale to Microsoft 365', () => {
  it('copies every contact and event once, skips the event Graph cannot hold with its reason, and sends no invitation', async () => {
    const { contacts, events, containers } = await pass(copier());
    expect(containers.filter((c) => c.failed)).toEqual([]);
    expect(contacts).toMatchObject({ created: 2, matched: 0, skipped: 0 });
    expect(events).toMatchObject({ created: 2, matched: 0, skipped: 1 });
    expect(containers.find((c) => c.type === 'contact')!.counts).toMatchObject({ copied: 2, skipped: 0 });
    expect(containers.find((c) => c.type === 'event')!.counts).toMatchObject({ copied: 2, skipped: 1 });
    expect(await skippedRows(ANN)).toEqual([
      expect.objectContaining({
        type: 'event',
        where: 'Calendar',
        title: 'Medication',
        reason: 'UnsupportedRecurrence',
        detail: expect.stringContaining('BYHOUR'),
      }),
    ]);

    const mailbox = cloud();
    expect(tally(mailbox.contacts.map((c) => String(c.properties.displayName)))).toEqual(
      new Map([
        ['Bob Baker', 1],
        ['Carol Cole', 1],
      ]),
    );
    const carol = mailbox.contacts.find((c) => c.properties.displayName === 'Carol Cole')!;
    expect(carol.properties).toMatchObject({
      givenName: 'Carol',
      surname: 'Cole',
      companyName: 'Contoso',
      department: 'Sales',
      mobilePhone: '+49 170 1234567',
    });
    expect(carol.properties.emailAddresses).toEqual([expect.objectContaining({ address: 'carol@fabrikam.com' })]);
    expect(String(carol.properties.personalNotes)).toContain('Met at the 2006 fair');

    const weekly = mailbox.events.find((e) => e.properties.subject === 'Weekly sync')!;
    expect(weekly.properties).toMatchObject({ type: 'seriesMaster' });
    expect(weekly.properties.attendees ?? []).toEqual([]);
    // 19 March 10:00 Berlin (CET) is 09:00 UTC; the 26 March occurrence (CEST) moved to the 27th at 14:00.
    expect(weekly.cancelledOccurrences).toEqual([expect.stringMatching(/^2007-03-19T09:00:00/)]);
    expect(Object.keys(weekly.exceptions)).toEqual([expect.stringMatching(/^2007-03-26T08:00:00/)]);
    expect(String((weekly.properties.body as { content?: string }).content)).toContain('bob@contoso.com');
    const offsite = mailbox.events.find((e) => e.properties.subject === 'Team offsite')!;
    expect(offsite.properties).toMatchObject({ isAllDay: true });
    expect(sandbox.sentMeetingMessages()).toEqual([]);
  }, 180_000);

  it('a second pass with nothing changed does nothing', async () => {
    const { contacts, events } = await pass(copier());
    for (const result of [contacts, events]) expect(result).toMatchObject({ created: 0, updated: 0, removed: 0, matched: 0 });
    expect(cloud().contacts).toHaveLength(2);
    expect(cloud().events).toHaveLength(2);
  }, 120_000);

  it('takes the same server under another host name (the endpoint davUrl changed) for the same collections, copying nothing again', async () => {
    const real = new DavItemSource({ url: radicale.url, credentials: { username: ANN, password: 'ann-pw' } });
    const alias = 'https://dav.contoso.com';
    const origin = new URL(radicale.url).origin;
    const toReal = (collection: ItemCollection): ItemCollection => ({ ...collection, id: collection.id.replace(alias, origin) });
    const aliased: ItemSource = {
      listCollections: async () => (await real.listCollections()).map((c) => ({ ...c, id: c.id.replace(origin, alias) })),
      changes: (collection, token) => real.changes(toReal(collection), token),
      fetch: (collection, hrefs) => real.fetch(toReal(collection), hrefs),
      // Closed at the end of the test, once its collections have been listed once more.
      close: () => Promise.resolve(),
    };
    const { contacts, events, containers } = await pass(copier(new GraphGroupwareTarget(graph, userId), aliased));
    expect((await aliased.listCollections()).every((c) => c.id.startsWith(alias))).toBe(true);
    expect(containers.every((c) => c.sourceId.startsWith(alias))).toBe(true);
    for (const result of [contacts, events]) expect(result).toMatchObject({ created: 0, updated: 0, removed: 0, matched: 0 });
    expect(cloud().contacts).toHaveLength(2);
    expect(cloud().events).toHaveLength(2);
    await real.close();
  }, 120_000);

  it('follows a changed contact and a deleted event on the next pass', async () => {
    const account = radicale.account(ANN);
    const listed = await new DavItemSource({ url: radicale.url, credentials: { username: ANN, password: 'ann-pw' } }).listCollections();
    const book = listed.find((c) => c.kind === 'contact')!;
    const calendar = listed.find((c) => c.kind === 'event')!;
    const source = new DavItemSource({ url: radicale.url, credentials: { username: ANN, password: 'ann-pw' } });
    const bookItems = await source.fetch(
      book,
      ((await source.changes(book)) as { items: { href: string }[] }).items.map((i) => i.href),
    );
    const bob = bookItems.find((i) => i.data.includes('UID:c1'))!;
    await putItem(account, book.id, vcard('c1', 'Bob', 'Baker', 'bob.baker@contoso.com'), { href: bob.href.split('/').pop()! });
    const calendarItems = await source.fetch(
      calendar,
      ((await source.changes(calendar)) as { items: { href: string }[] }).items.map((i) => i.href),
    );
    await deleteItem(account, calendarItems.find((i) => i.data.includes('UID:offsite'))!.href);
    await source.close();

    const { contacts, events } = await pass(copier());
    expect(contacts).toMatchObject({ updated: 1, created: 0 });
    expect(events).toMatchObject({ removed: 1, created: 0 });
    const mailbox = cloud();
    expect(mailbox.contacts.find((c) => c.properties.displayName === 'Bob Baker')!.properties.emailAddresses).toEqual([
      expect.objectContaining({ address: 'bob.baker@contoso.com' }),
    ]);
    expect(mailbox.events.map((e) => e.properties.subject)).toEqual(['Weekly sync']);
    expect(sandbox.sentMeetingMessages()).toEqual([]);
  }, 120_000);

  it('a create whose answer was lost is found by its marker on the next pass, not made twice', async () => {
    await seedDav(radicale.account(ANN), {
      addressBooks: [{ name: 'partners', displayName: 'Partners', vcards: [vcard('p1', 'Dan', 'Diaz', 'dan@partner.com')] }],
    });
    const real = new GraphGroupwareTarget(graph, userId);
    const losing: GroupwareTarget = {
      ensureCollection: (kind, name) => real.ensureCollection(kind, name),
      findByMarker: (kind, collection, marker) => real.findByMarker(kind, collection, marker),
      listMarked: (kind, collection) => real.listMarked(kind, collection),
      createMany: async (collection, items) => {
        await real.createMany(collection, items);
        throw Object.assign(new Error('The answer was lost (504).'), { statusCode: 504 });
      },
      update: (collection, id, payload, marker) => real.update(collection, id, payload, marker),
      remove: (kind, collection, id) => real.remove(kind, collection, id),
    };
    const lost = copier(losing);
    await expect(lost.copyAll()).rejects.toThrow('The answer was lost');
    await lost.close();
    const { contacts, containers } = await pass(copier());
    expect(contacts).toMatchObject({ created: 0, matched: 1 });
    expect(containers.find((c) => c.displayName === 'Partners')!.counts).toMatchObject({ copied: 1, skipped: 0 });
    expect(cloud().contacts.filter((c) => c.properties.displayName === 'Dan Diaz')).toHaveLength(1);
  }, 120_000);

  it('a mailbox migrated again after its ledger was forgotten finds every copy it made, and makes none twice', async () => {
    const before = cloud();
    await ledgerStore().forgetMailbox(ANN);
    const { contacts, events } = await pass(copier());
    expect(contacts).toMatchObject({ created: 0, removed: 0, matched: before.contacts.length });
    expect(events).toMatchObject({ created: 0, removed: 0, matched: before.events.length });
    const after = cloud();
    expect(after.contacts.map((c) => c.properties.displayName).sort()).toEqual(before.contacts.map((c) => c.properties.displayName).sort());
    expect(after.events.map((e) => e.properties.subject).sort()).toEqual(before.events.map((e) => e.properties.subject).sort());
    expect(sandbox.sentMeetingMessages()).toEqual([]);
  }, 120_000);
});
