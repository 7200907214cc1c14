import { emptyCounts, type ContainerState } from '../../../src/core/ledger/containerState';
import type { ItemRow } from '../../../src/core/ledger/ledgerRows';
import { ledgerStore } from '../../support/copyHarness';
import { useAppTestEnvironment } from '../../support/appTestEnvironment';

/**
 * The copy ledger's table against Azurite: a mailbox's items, containers and lease in one partition,
 * written in entity-group transactions whose refusals name the write refused, and read by the page.
 */
useAppTestEnvironment();

const row = (container: string, state: ItemRow['state'] = 'pending'): ItemRow => ({ container, state, holder: 'run-1' });

function container(key: string): ContainerState {
  return { key, type: 'mail', sourceId: key, displayName: key, order: 0, counts: emptyCounts(), mail: { uidValidity: '1', lastUid: 0 } };
}

describe('the copy ledger in Table Storage', () => {
  it('writes groups whole, several to a transaction, and answers a refused insert with 409 while the others are written', async () => {
    const store = ledgerStore();
    await store.write('ann', [[{ op: 'insert', key: 'mail|a|0000', row: row('c1') }]]);
    const results = await store.write('ann', [
      [{ op: 'insert', key: 'mail|b|0000', row: row('c1') }],
      [
        { op: 'insert', key: 'mail|a|0000', row: row('c1') },
        { op: 'upsert', key: 'pos|x', row: { state: 'copied', flags: '[]', size: 1 } },
      ],
      [{ op: 'insert', key: 'mail|c|0000', row: row('c1') }],
    ]);
    expect(results.map((r) => r.kind)).toEqual(['written', 'refused', 'written']);
    expect(results[1]).toMatchObject({ kind: 'refused', status: 409, index: 0 });
    const rows = await store.read<ItemRow>('ann', ['mail|a|0000', 'mail|b|0000', 'mail|c|0000', 'pos|x']);
    // The refused group's position was not written with it.
    expect([...rows.keys()].sort()).toEqual(['mail|a|0000', 'mail|b|0000', 'mail|c|0000']);
  });

  it('stops at the first refusal when asked, answering the rest untried', async () => {
    const store = ledgerStore();
    await store.write('bob', [[{ op: 'insert', key: 'mail|a|0000', row: row('c1') }]]);
    const results = await store.write('bob', [[{ op: 'insert', key: 'mail|a|0000', row: row('c1') }], [{ op: 'insert', key: 'mail|b|0000', row: row('c1') }]], {
      stopAtRefusal: true,
    });
    expect(results.map((r) => r.kind)).toEqual(['refused', 'untried']);
    expect((await store.read('bob', ['mail|b|0000'])).size).toBe(0);
  });

  it('replaces only over the ETag read: a row another run wrote since answers 412', async () => {
    const store = ledgerStore();
    await store.write('cat', [[{ op: 'insert', key: 'mail|a|0000', row: row('c1') }]]);
    const read = (await store.read<ItemRow>('cat', ['mail|a|0000'])).get('mail|a|0000')!;
    await store.write('cat', [[{ op: 'replace', key: 'mail|a|0000', row: row('c1', 'copied'), etag: read.etag }]]);
    const stale = await store.write('cat', [[{ op: 'replace', key: 'mail|a|0000', row: row('c1', 'skipped'), etag: read.etag }]]);
    expect(stale[0]).toMatchObject({ kind: 'refused', status: 412 });
    expect((await store.read<ItemRow>('cat', ['mail|a|0000'])).get('mail|a|0000')!.row.state).toBe('copied');
  });

  it('reads a page of keys in queries of 14, by prefix, and by range with a field', async () => {
    const store = ledgerStore();
    const keys = Array.from({ length: 40 }, (_, i) => `pos|f|1|${String(i + 1).padStart(10, '0')}`);
    await store.write(
      'dan',
      keys.map((key, i) => [{ op: 'upsert', key, row: { state: 'skipped', flags: '[]', size: i, retryable: i % 2 === 0 } }]),
    );
    expect((await store.read('dan', keys.slice(0, 30))).size).toBe(30);
    expect((await store.readPrefixes('dan', ['pos|f|1|'])).size).toBe(40);
    const retryable = await store.readRange('dan', keys[0]!, keys[39]!, { field: 'retryable', value: true });
    expect(retryable.size).toBe(20);
  });

  it("writes containers and the lease with a page's settlements, all or nothing, and refuses a container another run changed", async () => {
    const store = ledgerStore();
    const first = await store.transact(
      'eve',
      [],
      [
        { op: 'container', container: container('mail|f1') },
        { op: 'lease', lease: { holder: 'run-1', expiresAt: '2030-01-01T00:00:00.000Z' } },
      ],
    );
    expect(first.kind).toBe('written');
    const loaded = await store.loadContainers('eve');
    expect([...loaded.containers.keys()]).toEqual(['mail|f1']);
    expect(loaded.lease?.row.holder).toBe('run-1');
    const etag = loaded.containers.get('mail|f1')!.etag;
    // Another run moves the container on.
    await store.transact('eve', [], [{ op: 'container', container: { ...container('mail|f1'), passDone: 'p1' }, etag }]);
    const stale = await store.transact(
      'eve',
      [[{ op: 'insert', key: 'mail|z|0000', row: row('mail|f1', 'copied') }]],
      [{ op: 'container', container: container('mail|f1'), etag }],
    );
    expect(stale.kind).toBe('sharedRefused');
    expect((await store.read('eve', ['mail|z|0000'])).size).toBe(0);
    const lease = (await store.loadContainers('eve')).lease!;
    await store.transact('eve', [], [{ op: 'lease', lease: 'release', etag: lease.etag }]);
    expect((await store.loadContainers('eve')).lease?.row.holder).toBe('');
  });

  it("forgets a mailbox's copy state but notes that it did, so a later migration looks for its copies", async () => {
    const store = ledgerStore();
    await store.transact(
      'fay',
      [[{ op: 'insert', key: 'mail|a|0000', row: row('mail|f1', 'copied') }]],
      [{ op: 'container', container: container('mail|f1') }],
    );
    expect((await store.loadContainers('fay')).forgotten).toBeUndefined();
    await store.forgetMailbox('fay');
    const after = await store.loadContainers('fay');
    expect(after.containers.size).toBe(0);
    expect(after.forgotten).toBe(true);
    expect((await store.read('fay', ['mail|a|0000'])).size).toBe(0);
  });
});
