/**
 * Issue 20: "two concurrent runs of one groupware page". Durable activities run at least once, so the same
 * page of contacts and events may run twice at the same time (a host that lost a run's answer, Stop→Resume
 * while a page still runs). Two copies of the same mailbox (Radicale → Microsoft 365 through the sandbox's
 * Graph, the target slowed so the runs overlap) copy it at once:
 * - each holding the mailbox's copy lease, as the engine always does: one of them finds it held and waits;
 * - with the lease out of the way (each run told it holds it, as after a stall past it): only the ledger's
 *   holds and ETags stand between them; a run that fails on a conflict is tried again, as the activity
 *   retry would.
 * Either way every contact and event must be there exactly once and whole, and no meeting message sent.
 */
import { DavItemSource } from '../../../src/connectors/dav/davItemSource';
import { createGraphSession } from '../../../src/connectors/graph/graphConnection';
import { GraphGroupwareTarget } from '../../../src/connectors/graph/graphGroupwareTarget';
import type { CopyLedgerStore } from '../../../src/services/ports/copyLedgerStore';
import type { GroupwareTarget } from '../../../src/services/ports/groupwareTarget';
import { type M365Sandbox, startM365Sandbox } from '../../../tools/m365-sandbox';
import { type RunningRadicale, startRadicale } from '../../../tools/radicale/startRadicale';
import { seedDav } from '../../../tools/radicale/seedDav';
import { BERLIN_VTIMEZONE } from '../../../tools/corpus/vtimezones';
import { busyAnswers, groupwareCopy, ledgerStore, type MailboxCopy, sandboxConnection, tally, withoutLease } from '../../support/copyHarness';
import { useAppTestEnvironment } from '../../support/appTestEnvironment';

useAppTestEnvironment();
process.env.MIGRATION_COPY_LEASE_SECONDS = '5';
const DOMAIN = 'contoso.onmicrosoft.com';
const USER = 'lee@contoso.com';
const CONTACTS = 12;
const SERIES = 6;
const LIMITS = { pageMaxCount: 10 };

let radicale: RunningRadicale;
let sandbox: M365Sandbox;

const vcard = (i: number) =>
  `BEGIN:VCARD\r\nVERSION:3.0\r\nUID:l-c${i}\r\nN:Person${i};Lee;;;\r\nFN:Lee Person${i}\r\nEMAIL:p${i}@partner.com\r\nEND:VCARD\r\n`;

function series(i: number): string {
  const day = 5 + (i % 5);
  const on = (offset: number) => String(day + offset).padStart(2, '0');
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Test//Migration//EN',
    ...BERLIN_VTIMEZONE,
    'BEGIN:VEVENT',
    `UID:l-s${i}@contoso.com`,
    'DTSTAMP:20070101T000000Z',
    `DTSTART;TZID=Europe/Berlin:200703${on(0)}T100000`,
    `DTEND;TZID=Europe/Berlin:200703${on(0)}T110000`,
    `SUMMARY:Series ${i}`,
    'RRULE:FREQ=WEEKLY;COUNT=6',
    `EXDATE;TZID=Europe/Berlin:200703${on(14)}T100000`,
    'END:VEVENT',
    'BEGIN:VEVENT',
    `UID:l-s${i}@contoso.com`,
    'DTSTAMP:20070101T000000Z',
    `RECURRENCE-ID;TZID=Europe/Berlin:200703${on(21)}T100000`,
    `DTSTART;TZID=Europe/Berlin:200703${on(22)}T150000`,
    `DTEND;TZID=Europe/Berlin:200703${on(22)}T160000`,
    `SUMMARY:Series ${i} (moved)`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

beforeAll(async () => {
  radicale = await startRadicale({ users: [{ name: USER, password: 'lee-pw' }] });
  sandbox = await startM365Sandbox({ tenant: { domain: DOMAIN } });
  await seedDav(radicale.account(USER), {
    addressBooks: [{ name: 'contacts', displayName: 'Contacts', vcards: Array.from({ length: CONTACTS }, (_, i) => vcard(i)) }],
    calendars: [{ name: 'calendar', displayName: 'Calendar', events: Array.from({ length: SERIES }, (_, i) => series(i)) }],
  });
}, 180_000);

afterAll(async () => {
  await Promise.all([radicale?.stop(), sandbox?.stop()]);
});

/** The target, slowed before each round of creates and updates, so two runs are at the same items at once. */
function slowed(inner: GroupwareTarget, delayMs: number): GroupwareTarget {
  const wait = () => new Promise((resolve) => setTimeout(resolve, delayMs));
  return {
    ensureCollection: (kind, name, primary) => inner.ensureCollection(kind, name, primary),
    findByMarker: (kind, collection, marker) => inner.findByMarker(kind, collection, marker),
    listMarked: (kind, collection) => inner.listMarked(kind, collection),
    createMany: async (collection, items) => {
      await wait();
      return inner.createMany(collection, items);
    },
    update: async (collection, id, payload, marker) => {
      await wait();
      return inner.update(collection, id, payload, marker);
    },
    remove: (kind, collection, id) => inner.remove(kind, collection, id),
  };
}

function copyFor(upn: string, mailboxKey: string, delayMs: number, store: CopyLedgerStore): MailboxCopy {
  return groupwareCopy({
    mailboxKey,
    source: new DavItemSource({ url: radicale.url, credentials: { username: USER, password: 'lee-pw' } }),
    target: slowed(new GraphGroupwareTarget(createGraphSession(sandboxConnection(sandbox)), upn), delayMs),
    limits: LIMITS,
    store,
    pass: '2007-06-01T00:00:00.000Z',
  });
}

/** A run, tried again when it fails on a conflict, as the activity retry would. */
async function run(copy: MailboxCopy): Promise<void> {
  for (let tries = 1; ; tries += 1) {
    try {
      await copy.copyAll();
      return;
    } catch (error) {
      if (tries >= 8 || (error as { errorClass?: string }).errorClass === 'permanent') throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * tries));
    }
  }
}

function expectOnceAndWhole(upn: string): void {
  const cloud = sandbox.listMailbox(upn);
  expect(tally(cloud.contacts.map((c) => String(c.properties.displayName)))).toEqual(tally(Array.from({ length: CONTACTS }, (_, i) => `Lee Person${i}`)));
  expect(tally(cloud.events.map((e) => String(e.properties.subject)))).toEqual(tally(Array.from({ length: SERIES }, (_, i) => `Series ${i}`)));
  for (const event of cloud.events) {
    expect([event.properties.subject, event.cancelledOccurrences.length, Object.keys(event.exceptions).length]).toEqual([event.properties.subject, 1, 1]);
  }
  expect(sandbox.sentMeetingMessages()).toEqual([]);
}

describe('[slow fault] two runs of the same page of contacts and events at the same time', () => {
  it('holding the mailbox lease: one waits for the other, every item once and whole', async () => {
    const upn = `leased@${DOMAIN}`;
    sandbox.addUser({ userPrincipalName: upn, licensed: true });
    const store = ledgerStore();
    const copies = [copyFor(upn, 'leased', 300, store), copyFor(upn, 'leased', 100, store)];
    try {
      await Promise.all([run(copies[0]!), new Promise((resolve) => setTimeout(resolve, 150)).then(() => run(copies[1]!))]);
    } finally {
      await Promise.all(copies.map((c) => c.close()));
    }
    expect(busyAnswers(copies[0]!) + busyAnswers(copies[1]!)).toBeGreaterThan(0);
    expectOnceAndWhole(upn);
  }, 180_000);

  it.each([
    ['both at once, same speed', 0, [300, 300]],
    ['the second starts while the first is creating, and is faster', 350, [500, 50]],
    ['the second starts first to create, the first is slow to settle', 100, [50, 600]],
  ] as const)(
    'with the lease out of the way (%s): every item once and whole',
    async (name, secondAfterMs, delays) => {
      const mailboxKey = `free-${name.length}-${secondAfterMs}`;
      const upn = `${mailboxKey}@${DOMAIN}`;
      sandbox.addUser({ userPrincipalName: upn, licensed: true });
      const store = withoutLease(ledgerStore());
      const copies = [copyFor(upn, mailboxKey, delays[0], store), copyFor(upn, mailboxKey, delays[1], store)];
      try {
        await Promise.all([run(copies[0]!), new Promise((resolve) => setTimeout(resolve, secondAfterMs)).then(() => run(copies[1]!))]);
      } finally {
        await Promise.all(copies.map((c) => c.close()));
      }
      expectOnceAndWhole(upn);
    },
    180_000,
  );
});
