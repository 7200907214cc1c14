import { readConfig } from '../../../src/config';
import { GroupwareCollectionRepository, GroupwareItemRepository } from '../../../src/storage/groupwareRepositories';
import { StorageClients } from '../../../src/storage/storageClients';
import { useAppTestEnvironment } from '../../support/appTestEnvironment';

useAppTestEnvironment();
const storage = new StorageClients(readConfig());
const items = new GroupwareItemRepository(() => storage.table('groupwareItems'));
const collections = new GroupwareCollectionRepository(() => storage.table('groupwareCollections'));
const CALENDAR = 'http://127.0.0.1:5232/ann@contoso.com/calendar/';

describe('groupware item map (Azurite)', () => {
  it('inserts an entry only once, replaces it only with the ETag it was read with, and keeps types and collections apart', async () => {
    const href = '/ann@contoso.com/calendar/weekly?x=1#a.ics';
    const first = await items.insert('ann@contoso.com', 'event', CALENDAR, { href, sourceEtag: '"1"', state: 'pending', heldBy: 'run-a' });
    expect(first).toEqual(expect.any(String));
    // A second run finds the entry there: it must reconcile, not create.
    expect(await items.insert('ann@contoso.com', 'event', CALENDAR, { href, sourceEtag: '"1"', state: 'pending', heldBy: 'run-b' })).toBeUndefined();

    const settled = await items.replace('ann@contoso.com', 'event', CALENDAR, { href, sourceEtag: '"1"', state: 'copied', targetId: 'AAMk1' }, first!);
    expect(settled).toEqual(expect.any(String));
    // The stale ETag loses.
    expect(await items.replace('ann@contoso.com', 'event', CALENDAR, { href, sourceEtag: '"1"', state: 'copied', targetId: 'AAMk2' }, first!)).toBeUndefined();

    const listed = await items.list('ann@contoso.com', 'event', CALENDAR);
    expect([...listed.values()].map((s) => s.entry)).toEqual([{ href, sourceEtag: '"1"', state: 'copied', targetId: 'AAMk1' }]);
    expect((await items.list('ann@contoso.com', 'contact', CALENDAR)).size).toBe(0);
    expect((await items.list('ann@contoso.com.au', 'event', CALENDAR)).size).toBe(0);

    await items.remove('ann@contoso.com', 'event', CALENDAR, href, listed.get(href)!.etag);
    expect((await items.list('ann@contoso.com', 'event', CALENDAR)).size).toBe(0);
  });

  it('keeps each collection with its target and sync token, and forgets a mailbox without touching a mailbox whose key it prefixes', async () => {
    await collections.save('bob@contoso.com', {
      collectionId: CALENDAR,
      kind: 'event',
      displayName: 'Calendar',
      targetId: 'AAMkCal',
      syncToken: 'http://radicale.org/ns/sync/1',
    });
    await collections.save('bob@contoso.com', {
      collectionId: CALENDAR,
      kind: 'event',
      displayName: 'Calendar',
      targetId: 'AAMkCal',
      syncToken: 'http://radicale.org/ns/sync/2',
    });
    await collections.save('bob@contoso.com.au', { collectionId: CALENDAR, kind: 'event', displayName: 'Other' });
    await items.insert('bob@contoso.com', 'contact', 'book', { href: 'c1.vcf', sourceEtag: '"a"', state: 'copied', targetId: 'AAMkC1' });
    await items.insert('bob@contoso.com.au', 'contact', 'book', { href: 'c1.vcf', sourceEtag: '"a"', state: 'copied', targetId: 'AAMkC9' });
    expect(await collections.list('bob@contoso.com')).toEqual([
      { collectionId: CALENDAR, kind: 'event', displayName: 'Calendar', targetId: 'AAMkCal', syncToken: 'http://radicale.org/ns/sync/2' },
    ]);

    await collections.deleteMailbox('bob@contoso.com');
    await items.deleteMailbox('bob@contoso.com');
    expect(await collections.list('bob@contoso.com')).toEqual([]);
    expect((await items.list('bob@contoso.com', 'contact', 'book')).size).toBe(0);
    expect(await collections.list('bob@contoso.com.au')).toHaveLength(1);
    expect((await items.list('bob@contoso.com.au', 'contact', 'book')).size).toBe(1);
  });
});
