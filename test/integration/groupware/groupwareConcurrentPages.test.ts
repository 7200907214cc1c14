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
import { berlinWeeklySeries } from '../../support/groupwareFixtures';
import { busyAnswers, copyAllRetried, groupwareCopy, ledgerStore, type MailboxCopy, sandboxConnection, tally, withoutLease } from '../../support/copyHarness';
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

const series = (i: number) => berlinWeeklySeries({ uid: `l-s${i}@contoso.com`, summary: `Series ${i}`, startDay: 5 + (i % 5) });

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
      await Promise.all([copyAllRetried(copies[0]!), new Promise((resolve) => setTimeout(resolve, 150)).then(() => copyAllRetried(copies[1]!))]);
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
        await Promise.all([copyAllRetried(copies[0]!), new Promise((resolve) => setTimeout(resolve, secondAfterMs)).then(() => copyAllRetried(copies[1]!))]);
      } finally {
        await Promise.all(copies.map((c) => c.close()));
      }
      expectOnceAndWhole(upn);
    },
    180_000,
  );
});
