import type { ItemRow, ItemState } from '../../../src/core/ledger/ledgerRows';
import {
  decideOccurrence,
  type MailOwner,
  type Occurrence,
  type OccurrenceDecision,
  ownerOf,
  ownersToCheck,
  sameOwner,
} from '../../../src/core/ledger/mailOccurrences';

/**
 * Which copy a source message owns: byte-identical messages of a mailbox share a content key and are
 * told apart by occurrence. A message keeps its own occurrence, takes over one whose owner has left the
 * source (a move, a rename, a renumbered folder), or gets a new one.
 */

const owner = (sourcePath: string, uid: number, uidValidity = '1'): MailOwner => ({ sourcePath, uidValidity, uid });

/** An occurrence owned by `of`, its copy (if any) in the target folder `targetFolder`. */
function occurrence(index: number, state: ItemState, of: MailOwner | undefined, targetFolder?: string): Occurrence {
  const row: ItemRow = {
    state,
    container: `mail|${of?.sourcePath ?? 'unknown'}`,
    ...(of ?? {}),
    ...(targetFolder ? { targetContainerId: targetFolder } : {}),
    ...(state === 'copied' ? { targetId: `t-${index}` } : {}),
  };
  return { index, row };
}

const nobodyThere = () => false;
const everyoneThere = () => true;

describe('which occurrence a source message owns', () => {
  const me = owner('Archive', 3);

  it.each<[string, Occurrence[], (o: MailOwner) => boolean, string | undefined, number[], OccurrenceDecision]>([
    [
      'a rerun of the same message finds its own occurrence, even a pending one elsewhere in the list',
      [occurrence(0, 'copied', owner('Sent', 2), 'f-sent'), occurrence(1, 'pending', me, 'f-archive')],
      everyoneThere,
      'f-archive',
      [],
      { kind: 'mine', index: 1 },
    ],
    [
      'its own occurrence wins even when another one is free and copied in its folder',
      [occurrence(0, 'copied', owner('Inbox', 9), 'f-archive'), occurrence(1, 'skipped', me)],
      nobodyThere,
      'f-archive',
      [],
      { kind: 'mine', index: 1 },
    ],
    [
      'a message moved to another folder takes over the copy its old place owned',
      [occurrence(0, 'copied', owner('Inbox', 9), 'f-inbox')],
      nobodyThere,
      'f-archive',
      [],
      { kind: 'takeOver', index: 0 },
    ],
    [
      'the same bytes filed twice, both still on the source: a new occurrence after the only one',
      [occurrence(0, 'copied', owner('Inbox', 9), 'f-inbox')],
      everyoneThere,
      'f-archive',
      [],
      { kind: 'new', index: 1 },
    ],
    [
      'a new occurrence comes after the highest one used, not into a gap',
      [occurrence(0, 'copied', owner('Inbox', 1), 'f'), occurrence(5, 'copied', owner('Inbox', 2), 'f')],
      everyoneThere,
      'f',
      [],
      { kind: 'new', index: 6 },
    ],
    ['the first message with these bytes gets occurrence 0', [], everyoneThere, 'f', [], { kind: 'new', index: 0 }],
    [
      'indices handed to other messages of the same page are not free, and a new one comes after them',
      [occurrence(0, 'copied', owner('Inbox', 1), 'f'), occurrence(1, 'copied', owner('Inbox', 2), 'f')],
      nobodyThere,
      'f',
      [0, 1, 2],
      { kind: 'new', index: 3 },
    ],
    ['an index taken in the page, with no stored occurrence yet, is still counted as used', [], everyoneThere, 'f', [0], { kind: 'new', index: 1 }],
    [
      'an occurrence whose owner is still on the source is not free, so the one whose owner left is taken over',
      [occurrence(0, 'copied', owner('Inbox', 1), 'f'), occurrence(1, 'copied', owner('Inbox', 2), 'f')],
      (o: MailOwner) => o.uid === 1,
      'f',
      [],
      { kind: 'takeOver', index: 1 },
    ],
    [
      'an occurrence without an owner (the row names no source message) is free whatever the source holds',
      [occurrence(0, 'copied', owner('Inbox', 1), 'f'), occurrence(1, 'copied', undefined, 'f')],
      everyoneThere,
      'f',
      [],
      { kind: 'takeOver', index: 1 },
    ],
    [
      "prefers a made copy in the message's own target folder over a pending one there",
      [occurrence(0, 'pending', owner('x', 1), 'f-mine'), occurrence(1, 'copied', owner('y', 2), 'f-mine')],
      nobodyThere,
      'f-mine',
      [],
      { kind: 'takeOver', index: 1 },
    ],
    [
      "prefers a made copy in another folder over a pending one in the message's own folder",
      [occurrence(0, 'pending', owner('x', 1), 'f-mine'), occurrence(1, 'copied', owner('y', 2), 'f-other')],
      nobodyThere,
      'f-mine',
      [],
      { kind: 'takeOver', index: 1 },
    ],
    [
      "among made copies, prefers the one in the message's own target folder",
      [occurrence(0, 'copied', owner('x', 1), 'f-other'), occurrence(1, 'copied', owner('y', 2), 'f-mine')],
      nobodyThere,
      'f-mine',
      [],
      { kind: 'takeOver', index: 1 },
    ],
    [
      'among copies alike, takes the lowest index',
      [occurrence(4, 'copied', owner('x', 1), 'f'), occurrence(2, 'copied', owner('y', 2), 'f'), occurrence(3, 'copied', owner('z', 3), 'f')],
      nobodyThere,
      'f',
      [],
      { kind: 'takeOver', index: 2 },
    ],
    [
      'a skipped occurrence ranks with the pending ones, after a made copy',
      [occurrence(0, 'skipped', owner('x', 1), 'f'), occurrence(1, 'copied', owner('y', 2), 'f-other')],
      nobodyThere,
      'f',
      [],
      { kind: 'takeOver', index: 1 },
    ],
    [
      'a copy the user deleted stays deleted: its occurrence is taken over (ranked as made), not made again',
      [occurrence(0, 'pending', owner('x', 1), 'f-renamed'), occurrence(1, 'gone', owner('Inbox', 4))],
      nobodyThere,
      'f-renamed',
      [],
      { kind: 'takeOver', index: 1 },
    ],
    [
      'a pending or skipped occurrence whose owner left is still taken over before a new one is made',
      [occurrence(0, 'pending', owner('x', 1), 'f-other')],
      nobodyThere,
      'f',
      [],
      { kind: 'takeOver', index: 0 },
    ],
  ])('%s', (_, occurrences, stillThere, targetFolder, taken, decision) => {
    expect(decideOccurrence(occurrences, me, stillThere, targetFolder, new Set(taken))).toEqual(decision);
  });

  it('a folder renumbered twice: each new UID takes over one old copy, never the same one twice, then new ones follow', () => {
    const old = [occurrence(0, 'copied', owner('Inbox', 1, '100'), 'f'), occurrence(1, 'copied', owner('Inbox', 2, '100'), 'f')];
    const taken = new Set<number>();
    const decisions = [1, 2, 3].map((uid) => {
      const decision = decideOccurrence(old, owner('Inbox', uid, '300'), nobodyThere, 'f', taken);
      taken.add(decision.index);
      return decision;
    });
    expect(decisions).toEqual([
      { kind: 'takeOver', index: 0 },
      { kind: 'takeOver', index: 1 },
      { kind: 'new', index: 2 },
    ]);
  });

  it('asks the source only what it needs: nothing for a rerun, every other owner otherwise', () => {
    const occurrences = [
      occurrence(0, 'copied', owner('Inbox', 9), 'f'),
      occurrence(1, 'copied', undefined, 'f'),
      occurrence(2, 'pending', owner('Sent', 4), 'f'),
    ];
    expect(ownersToCheck(occurrences, me)).toEqual([owner('Inbox', 9), owner('Sent', 4)]);
    expect(ownersToCheck([...occurrences, occurrence(3, 'pending', me, 'f')], me)).toEqual([]);
    expect(ownersToCheck([], me)).toEqual([]);
  });

  it('a message is the same owner only at the same folder, UIDVALIDITY and UID', () => {
    expect(sameOwner(owner('Inbox', 9), owner('Inbox', 9))).toBe(true);
    expect(sameOwner(owner('Inbox', 9), owner('Inbox', 10))).toBe(false);
    expect(sameOwner(owner('Inbox', 9, '1'), owner('Inbox', 9, '2'))).toBe(false);
    expect(sameOwner(owner('Inbox', 9), owner('Archive', 9))).toBe(false);
    expect(sameOwner(undefined, owner('Inbox', 9))).toBe(false);
  });

  it("reads a row's owner only when the row names folder, UIDVALIDITY and UID", () => {
    expect(ownerOf(occurrence(0, 'copied', owner('Inbox', 9, '7')).row)).toEqual(owner('Inbox', 9, '7'));
    expect(ownerOf({ state: 'copied', container: 'c', sourcePath: 'Inbox', uid: 9 })).toBeUndefined();
    expect(ownerOf({ state: 'copied', container: 'c' })).toBeUndefined();
    // UID 0 and an empty UIDVALIDITY are values, not absences.
    expect(ownerOf({ state: 'copied', container: 'c', sourcePath: '', uidValidity: '', uid: 0 })).toEqual(owner('', 0, ''));
  });
});
