import { existsSync } from 'node:fs';

import { davChanges } from '../../../src/connectors/dav/davChanges';
import { createDavHttp } from '../../../src/connectors/dav/davHttp';
import { DavItemSource } from '../../../src/connectors/dav/davItemSource';
import type { CollectionChanges, ItemCollection, ItemVersion } from '../../../src/services/ports/itemSource';
import { isProcessGroupAlive } from '../../../tools/process/readProcessTable';
import { type SeededCollection, deleteItem, putItem, seedDav } from '../../../tools/radicale/seedDav';
import { type RunningRadicale, startRadicale } from '../../../tools/radicale/startRadicale';
import { vcard, vevent, vtodo } from './davFixtures';

/** A login with `@`, as mailbox logins are: it becomes Radicale's principal path `/alice@contoso.com/`. */
const ALICE = { name: 'alice@contoso.com', password: 'alice-Secret-1' };
const BOB = { name: 'bob', password: 'bob-Secret-2' };
const BULK = 250;

let radicale: RunningRadicale;
let alice: DavItemSource;
let contacts: SeededCollection;
let work: SeededCollection;
let bulk: SeededCollection;

beforeAll(async () => {
  radicale = await startRadicale({ users: [ALICE, BOB] });
  const seeded = await seedDav(radicale.account(ALICE.name), {
    addressBooks: [
      { name: 'contacts', displayName: 'Kontakte', description: 'Private contacts', vcards: [vcard('c-1', 'Ada Lovelace'), vcard('c-2', 'Alan Turing')] },
    ],
    calendars: [
      {
        name: 'work',
        displayName: 'Work',
        description: 'Team meetings',
        color: '#0078D4FF',
        events: [vevent('w-1', 'Standup'), vevent('w-2', 'Review', '20240611T140000'), vevent('w-3', 'Retro', '20240612T160000')],
      },
      // A display name that looks like a number (tsdav parses it as one) and no description or colour.
      { name: 'family', displayName: '2024', events: [vevent('f-1', 'Birthday')] },
      // Tasks only: not a calendar of events, so not listed.
      { name: 'tasks', displayName: 'Tasks', components: ['VTODO'], events: [vtodo('t-1', 'Pay rent')] },
    ],
  });
  [contacts] = seeded.addressBooks as [SeededCollection];
  [work] = seeded.calendars as [SeededCollection];
  const bobs = await seedDav(radicale.account(BOB.name), {
    calendars: [{ name: 'archive', displayName: 'Archive', events: Array.from({ length: BULK }, (_, i) => vevent(`bulk-${i}`, `Meeting ${i}`)) }],
  });
  [bulk] = bobs.calendars as [SeededCollection];
  alice = sourceFor(ALICE);
});

afterAll(async () => {
  await alice?.close();
  await radicale?.stop();
});

function sourceFor(user: { name: string; password: string }, url = `${radicale.url}{user}/`): DavItemSource {
  return new DavItemSource({ url, credentials: { username: user.name, password: user.password } });
}

async function collectionNamed(source: DavItemSource, displayName: string): Promise<ItemCollection> {
  const found = (await source.listCollections()).find((c) => c.displayName === displayName);
  if (!found) throw new Error(`no collection "${displayName}"`);
  return found;
}

const byHref = (a: ItemVersion, b: ItemVersion): number => a.href.localeCompare(b.href);
const versions = (collection: SeededCollection): ItemVersion[] => [...collection.items].sort(byHref);

function full(changes: CollectionChanges): ItemVersion[] {
  if (!changes.full) throw new Error('expected a full listing');
  return [...changes.items].sort(byHref);
}

describe('DavItemSource against Radicale', () => {
  it('discovers the principal and both homes from the URL template, and from the bare server URL', async () => {
    const home = `${radicale.url}alice%40contoso.com/`; // the server spells the path its way
    await expect(alice.discover()).resolves.toEqual({ principalUrl: home, calendarHomeUrl: home, addressBookHomeUrl: home });

    const fromRoot = sourceFor(ALICE, radicale.url);
    try {
      await expect(fromRoot.discover()).resolves.toEqual({ principalUrl: home, calendarHomeUrl: home, addressBookHomeUrl: home });
    } finally {
      await fromRoot.close();
    }
  });

  it('lists the address book and the two event calendars with their names, and not the task list', async () => {
    const collections = await alice.listCollections();
    const base = `${radicale.url}alice%40contoso.com/`;
    const token = expect.stringMatching(/^http:\/\/radicale\.org\/ns\/sync\/[0-9a-f]{64}$/);
    expect([...collections].sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      // The main ones (the only address book; no calendar with a usual main name, so the first by URL).
      { id: `${base}contacts/`, kind: 'contact', displayName: 'Kontakte', description: 'Private contacts', syncToken: token, primary: true },
      { id: `${base}family/`, kind: 'event', displayName: '2024', syncToken: token, primary: true },
      { id: `${base}work/`, kind: 'event', displayName: 'Work', description: 'Team meetings', color: '#0078D4FF', syncToken: token },
    ]);
  });

  it('lists every item with its ETag when given no token, with a token for the next pass', async () => {
    const calendar = await collectionNamed(alice, 'Work');
    const changes = await alice.changes(calendar);
    expect(full(changes)).toEqual(versions(work));
    expect(changes.syncToken).toEqual(calendar.syncToken);

    const book = await collectionNamed(alice, 'Kontakte');
    expect(full(await alice.changes(book))).toEqual(versions(contacts));
  });

  it('lists the same items with PROPFIND, the way it does for a server without sync-collection', async () => {
    const calendar = await collectionNamed(alice, 'Work');
    const http = createDavHttp({ username: ALICE.name, password: ALICE.password, server: `127.0.0.1:${radicale.port}`, requestTimeoutMs: 30_000 });
    try {
      const result = await davChanges(calendar, undefined, false, http);
      expect(result.syncCollection).toBe(false);
      expect(full(result.changes)).toEqual(versions(work));
      expect(result.changes.syncToken).toBeUndefined();
    } finally {
      await http.close();
    }
  });

  it('reports an added, a changed and a deleted item after the token, with the changed item under a new ETag', async () => {
    const account = radicale.account(ALICE.name);
    const calendar = await collectionNamed(alice, 'Work');
    const before = await alice.changes(calendar);
    const [kept, changed, deleted] = versions(work) as [ItemVersion, ItemVersion, ItemVersion];

    const added = await putItem(account, calendar.id, vevent('w-4', 'Planning', '20240613T100000'));
    const rewritten = await putItem(account, calendar.id, vevent(uidOf(changed.href), 'Review (moved)', '20240611T150000'), { href: changed.href });
    await deleteItem(account, deleted.href);
    expect(rewritten.etag).not.toEqual(changed.etag);

    const after = await alice.changes(calendar, before.syncToken);
    expect(after.full).toBe(false);
    if (after.full) return;
    expect([...after.changed].sort(byHref)).toEqual([added, { href: changed.href, etag: rewritten.etag }].sort(byHref));
    expect(after.removed).toEqual([deleted.href]);
    expect(after.syncToken).toBeDefined();
    expect(after.syncToken).not.toEqual(before.syncToken);

    const [item] = await alice.fetch(calendar, [changed.href]);
    expect(item).toMatchObject({ href: changed.href, etag: rewritten.etag });
    expect(item?.data).toContain('SUMMARY:Review (moved)');

    // Nothing since: an empty change set, and the same token again.
    await expect(alice.changes(calendar, after.syncToken)).resolves.toEqual({ full: false, changed: [], removed: [], syncToken: after.syncToken });
    work = { url: work.url, items: [kept, { href: changed.href, etag: rewritten.etag }, added] };
  });

  it.each([
    ['a token Radicale has never given', `http://radicale.org/ns/sync/${'0'.repeat(64)}`],
    ['a token that is not one of its tokens at all', 'urn:example:sync:42'],
  ])('falls back to a full listing for %s (DAV:valid-sync-token)', async (_what, token) => {
    const calendar = await collectionNamed(alice, 'Work');
    const changes = await alice.changes(calendar, token);
    expect(full(changes)).toEqual(versions(work));
    expect(changes.syncToken).toMatch(/^http:\/\/radicale\.org\/ns\/sync\//);
  });

  it('fetches vCards with addressbook-multiget, as the server holds them', async () => {
    const book = await collectionNamed(alice, 'Kontakte');
    const items = await alice.fetch(
      book,
      versions(contacts).map((v) => v.href),
    );
    expect(items.map(({ href, etag }) => ({ href, etag }))).toEqual(versions(contacts));
    expect(items[0]?.data).toMatch(/^BEGIN:VCARD\r\n[\s\S]*\r\nFN:Ada Lovelace\r\n[\s\S]*END:VCARD\r\n$/);
  });

  it(`fetches ${BULK} events with calendar-multiget in pages of 100`, async () => {
    const bob = sourceFor(BOB);
    try {
      const archive = await collectionNamed(bob, 'Archive');
      const listed = full(await bob.changes(archive));
      expect(listed).toEqual(versions(bulk));

      const before = bob.requestCount();
      const items = await bob.fetch(
        archive,
        listed.map((v) => v.href),
      );
      expect(bob.requestCount() - before).toBe(3);
      expect(items.map((i) => i.href)).toEqual(listed.map((v) => v.href));
      expect(items.map(({ href, etag }) => ({ href, etag }))).toEqual(listed);
      const uids = new Set(items.map((i) => /^UID:(.*)$/m.exec(i.data)?.[1]?.trim()));
      expect(uids.size).toBe(BULK);
      expect(uids.has('bulk-0') && uids.has(`bulk-${BULK - 1}`)).toBe(true);
    } finally {
      await bob.close();
    }
  });

  it('leaves out an href that is gone', async () => {
    const account = radicale.account(ALICE.name);
    const calendar = await collectionNamed(alice, '2024');
    const doomed = await putItem(account, calendar.id, vevent('f-2', 'Cancelled party'));
    const [kept] = full(await alice.changes(calendar)).filter((v) => v.href !== doomed.href) as [ItemVersion];
    await deleteItem(account, doomed.href);

    const items = await alice.fetch(calendar, [doomed.href, kept.href, `${new URL(calendar.id).pathname}never-there.ics`]);
    expect(items.map((i) => i.href)).toEqual([kept.href]);
    await expect(alice.fetch(calendar, [doomed.href])).resolves.toEqual([]);
  });

  it('refuses a wrong password as a permanent SourceAuthFailed that names the server and login, not the password', async () => {
    const wrong = sourceFor({ name: ALICE.name, password: 'wrong-Secret-42' });
    try {
      const error = await wrong.listCollections().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ name: 'MigrationError', code: 'SourceAuthFailed', errorClass: 'permanent' });
      const message = (error as Error).message;
      expect(message).toContain(`127.0.0.1:${radicale.port}`);
      expect(message).toContain(ALICE.name);
      expect(message).not.toContain('wrong-Secret-42');
    } finally {
      await wrong.close();
    }
  });

  // Last: it stops the file's Radicale.
  it('reports a stopped server as a transient ConnectionFailed, and leaves nothing running', async () => {
    const calendar = await collectionNamed(alice, 'Work');
    await radicale.stop();
    expect(isProcessGroupAlive(radicale.pid)).toBe(false);
    expect(existsSync(radicale.dataDir)).toBe(false);

    const error = await alice.changes(calendar, calendar.syncToken).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'ConnectionFailed', errorClass: 'transient' });
    expect((error as Error).message).toContain(`127.0.0.1:${radicale.port}`);
    expect((error as Error).message).not.toContain(ALICE.password);
  });
});

/** The UID a seeded item was stored under (seedDav names files after their UID). */
function uidOf(href: string): string {
  return decodeURIComponent(
    href
      .split('/')
      .pop()!
      .replace(/\.ics$/, ''),
  );
}
