import { decideClaim, type ItemOwner, type Occurrence, ownersToCheck } from '../../../src/core/copy/itemClaims';

const owner = (folderKey: string, uid: number, uidValidity = '1'): ItemOwner => ({ folderKey, sourcePath: folderKey, uidValidity, uid });
const copied = (of: ItemOwner, targetFolderId: string, targetId = `t-${of.folderKey}-${of.uid}`): Occurrence => ({
  owner: of,
  state: 'copied',
  targetId,
  targetFolderId,
});

describe('which copy a source item owns', () => {
  it('a rerun of the same item finds its own occurrence, and asks the source nothing', () => {
    const me = owner('inbox', 7);
    const occurrences = [copied(owner('sent', 2), 'f-sent'), { owner: me, state: 'pending' as const, targetFolderId: 'f-inbox' }];
    expect(ownersToCheck(occurrences, me)).toEqual([]);
    expect(decideClaim(occurrences, me, () => true, 'f-inbox')).toEqual({ kind: 'mine', index: 1 });
  });

  it('a message moved to another folder takes over the copy its old place owned', () => {
    const me = owner('archive', 3);
    const occurrences = [copied(owner('inbox', 9), 'f-inbox')];
    expect(ownersToCheck(occurrences, me)).toEqual([owner('inbox', 9)]);
    expect(decideClaim(occurrences, me, () => false, 'f-archive')).toEqual({ kind: 'takeOver', index: 0 });
  });

  it('the same bytes filed twice, both still on the source, get two copies', () => {
    const me = owner('archive', 3);
    expect(decideClaim([copied(owner('inbox', 9), 'f-inbox')], me, () => true, 'f-archive')).toEqual({ kind: 'new', index: 1 });
  });

  it('a folder renumbered twice: each new UID takes over one old copy, never the same one twice', () => {
    const old = [copied(owner('inbox', 1, '100'), 'f'), copied(owner('inbox', 2, '100'), 'f')];
    const taken = new Set<number>();
    const first = decideClaim(old, owner('inbox', 1, '300'), () => false, 'f', taken);
    taken.add(first.index);
    const second = decideClaim(old, owner('inbox', 2, '300'), () => false, 'f', taken);
    taken.add(second.index);
    const third = decideClaim(old, owner('inbox', 3, '300'), () => false, 'f', taken);
    expect([first.kind, second.kind, third.kind]).toEqual(['takeOver', 'takeOver', 'new']);
    expect(new Set([first.index, second.index]).size).toBe(2);
  });

  it("prefers a made copy in the item's own folder over a pending one elsewhere", () => {
    const occurrences: Occurrence[] = [{ owner: owner('x', 1), state: 'pending', targetFolderId: 'f-other' }, copied(owner('y', 2), 'f-mine')];
    expect(decideClaim(occurrences, owner('z', 5), () => false, 'f-mine')).toEqual({ kind: 'takeOver', index: 1 });
  });

  it('a copy the user deleted stays deleted: its occurrence is taken over, not made again', () => {
    const occurrences: Occurrence[] = [{ owner: owner('inbox', 4), state: 'gone' }];
    expect(decideClaim(occurrences, owner('renamed', 4), () => false, 'f-renamed')).toEqual({ kind: 'takeOver', index: 0 });
  });
});
