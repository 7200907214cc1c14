import { progressOf } from '../../../src/core/copy/mailboxProgress';
import type { ItemType } from '../../../src/core/copy/itemType';
import { addRowChange, type CountDelta, withDelta, zeroDelta } from '../../../src/core/ledger/containerDeltas';
import { badItemsIn, type ContainerCounts, type ContainerState, emptyCounts } from '../../../src/core/ledger/containerState';
import { type ActionContext, type CopyAction, copyActionOf } from '../../../src/core/ledger/copyAction';
import type { ItemRow } from '../../../src/core/ledger/ledgerRows';
import { readHeaderSummary } from '../../../src/core/mime/readHeaderSummary';

const NOW = '2026-01-05T09:30:00.000Z';
const PASS = '2026-01-05T09:00:00.000Z';

/** A folder, address book or calendar with these counts. */
function container(type: ItemType, displayName: string, counts: Partial<ContainerCounts>, extra: Partial<ContainerState> = {}): ContainerState {
  return {
    key: `${type}|${displayName}`,
    type,
    sourceId: displayName,
    displayName,
    order: 0,
    counts: { ...emptyCounts(), ...counts },
    ...extra,
  };
}

describe("mailbox statistics, from the containers' counts", () => {
  const inbox = container('mail', 'INBOX', { copied: 40, skipped: 2, bytes: 50_000, sourceItems: 150 });
  const sent = container('mail', 'Sent', { copied: 10, bytes: 0, sourceItems: 50 });
  const contacts = container('contact', 'Contacts', { copied: 3, skipped: 1, bytes: 1_200, sourceItems: 4 });
  const calendar = container('event', 'Calendar', { copied: 5, bytes: 3_000, sourceItems: 10 });

  it('counts mail over every folder, works out the percentage and scales the bytes to a size estimate', () => {
    const progress = progressOf([inbox, sent], NOW);

    expect(progress).toEqual({
      syncedItemCount: 50,
      skippedItemCount: 2,
      totalItemsInSourceMailbox: 200,
      bytesTransferred: 50_000,
      // 50,000 bytes for 50 messages, 200 messages in all.
      estimatedTotalTransferSize: 200_000,
      // 52 of 200 settled.
      percentageComplete: 26,
      lastUpdatedTimestamp: NOW,
    });
  });

  it('has no contact or event fields when the mailbox has no address book or calendar (the report leaves them empty)', () => {
    const progress = progressOf([inbox], NOW);

    for (const field of ['contactsSynced', 'contactsSkipped', 'contactsTotal', 'eventsSynced', 'eventsSkipped', 'eventsTotal']) {
      expect(progress).not.toHaveProperty(field);
    }
    expect(progress.groupwareProblemsJson).toBeUndefined();
    expect(progress.folderProblemsJson).toBeUndefined();
  });

  it('counts contacts and events apart from mail, and in the bytes, the estimate and the percentage', () => {
    const progress = progressOf([inbox, sent, contacts, calendar], NOW);

    expect(progress).toMatchObject({
      // Items are mail, as Get-MigrationUserStatistics reports them.
      syncedItemCount: 50,
      skippedItemCount: 2,
      totalItemsInSourceMailbox: 200,
      contactsSynced: 3,
      contactsSkipped: 1,
      contactsTotal: 4,
      eventsSynced: 5,
      eventsSkipped: 0,
      eventsTotal: 10,
      bytesTransferred: 54_200,
      estimatedTotalTransferSize: 204_200,
      // 61 of 214 settled.
      percentageComplete: 28,
    });
  });

  it('gives contact fields for a mailbox with an address book but no calendar, and the other way round', () => {
    const onlyContacts = progressOf([inbox, contacts], NOW);
    expect(onlyContacts).toMatchObject({ contactsSynced: 3, contactsSkipped: 1, contactsTotal: 4 });
    expect(onlyContacts).not.toHaveProperty('eventsTotal');

    const onlyEvents = progressOf([inbox, calendar], NOW);
    expect(onlyEvents).toMatchObject({ eventsSynced: 5, eventsSkipped: 0, eventsTotal: 10 });
    expect(onlyEvents).not.toHaveProperty('contactsTotal');
  });

  it('shows an empty address book as zero contacts, not as no contacts', () => {
    expect(progressOf([inbox, container('contact', 'Empty', {})], NOW)).toMatchObject({ contactsSynced: 0, contactsSkipped: 0, contactsTotal: 0 });
  });

  it('never reports more than 100% when the source grew during the sync', () => {
    const grown = container('mail', 'INBOX', { copied: 12, bytes: 1_200, sourceItems: 10 });

    expect(progressOf([grown], NOW)).toMatchObject({ syncedItemCount: 12, totalItemsInSourceMailbox: 12, percentageComplete: 100 });
  });

  it('a mailbox with nothing to copy is complete, with nothing to transfer', () => {
    expect(progressOf([container('mail', 'INBOX', {})], NOW)).toMatchObject({
      syncedItemCount: 0,
      totalItemsInSourceMailbox: 0,
      bytesTransferred: 0,
      estimatedTotalTransferSize: 0,
      percentageComplete: 100,
    });
  });

  it('before any mail is copied, the estimate is the bytes moved so far (nothing to scale by)', () => {
    const fresh = container('mail', 'INBOX', { sourceItems: 100 });

    expect(progressOf([fresh, contacts], NOW)).toMatchObject({ estimatedTotalTransferSize: 1_200, percentageComplete: 3 });
  });

  it('lists folders that failed as folder problems and address books or calendars that failed as groupware problems', () => {
    const failedFolder = container('mail', 'Archive/2019', {}, { failed: { pass: PASS, detail: 'The server refused SELECT.' } });
    const failedCalendar = container('event', 'Holidays', {}, { failed: { pass: PASS, detail: 'CalDAV REPORT answered 500.' } });

    const progress = progressOf([inbox, failedFolder, contacts, failedCalendar], NOW);

    expect(JSON.parse(progress.folderProblemsJson!)).toEqual([{ displayName: 'Archive/2019', error: 'The server refused SELECT.' }]);
    expect(JSON.parse(progress.groupwareProblemsJson!)).toEqual([{ displayName: 'Holidays', error: 'CalDAV REPORT answered 500.' }]);
  });

  it('a failed folder alone leaves the groupware problems empty, and the other way round', () => {
    const failedFolder = container('mail', 'Junk', {}, { failed: { pass: PASS, detail: 'no' } });
    const failedBook = container('contact', 'Partners', {}, { failed: { pass: PASS, detail: 'no' } });

    expect(progressOf([failedFolder], NOW).groupwareProblemsJson).toBeUndefined();
    expect(progressOf([failedBook], NOW).folderProblemsJson).toBeUndefined();
  });
});

describe('container counts follow the ledger rows', () => {
  const row = (state: ItemRow['state'], where: string, extra: Partial<ItemRow> = {}): ItemRow => ({ state, container: where, ...extra });
  const deltasOf = (...changes: [ItemRow | undefined, ItemRow | undefined][]) => {
    const deltas = new Map<string, CountDelta>();
    for (const [before, after] of changes) addRowChange(deltas, before, after);
    return Object.fromEntries(deltas);
  };

  it('a new copy counts once, in its container', () => {
    expect(deltasOf([undefined, row('copied', 'inbox')])).toEqual({ inbox: { ...zeroDelta(), copied: 1 } });
  });

  it('a hold counts nothing; its settlement counts once', () => {
    expect(deltasOf([undefined, row('pending', 'inbox')])).toEqual({ inbox: zeroDelta() });
    expect(deltasOf([undefined, row('pending', 'inbox')], [row('pending', 'inbox'), row('copied', 'inbox')])).toEqual({ inbox: { ...zeroDelta(), copied: 1 } });
  });

  it('a message moved to another folder leaves the first folder and counts in the second', () => {
    expect(deltasOf([row('copied', 'inbox'), row('copied', 'archive')])).toEqual({
      inbox: { ...zeroDelta(), copied: -1 },
      archive: { ...zeroDelta(), copied: 1 },
    });
  });

  it('a skip that a later pass copied after all leaves the skipped and retryable counts', () => {
    expect(deltasOf([row('skipped', 'inbox', { retryable: true }), row('copied', 'inbox')])).toEqual({
      inbox: { ...zeroDelta(), copied: 1, skipped: -1, retryable: -1 },
    });
  });

  it('a skip counts as retryable only when a later pass tries it again', () => {
    expect(deltasOf([undefined, row('skipped', 'inbox', { retryable: true })], [undefined, row('skipped', 'sent')])).toEqual({
      inbox: { ...zeroDelta(), skipped: 1, retryable: 1 },
      sent: { ...zeroDelta(), skipped: 1 },
    });
    expect(deltasOf([row('skipped', 'inbox', { retryable: true }), row('skipped', 'inbox')])).toEqual({ inbox: { ...zeroDelta(), retryable: -1 } });
  });

  it('a copy the user deleted in the target still counts as migrated', () => {
    expect(deltasOf([row('copied', 'inbox'), row('gone', 'inbox')])).toEqual({ inbox: zeroDelta() });
    expect(deltasOf([undefined, row('gone', 'inbox')])).toEqual({ inbox: { ...zeroDelta(), copied: 1 } });
  });

  it('a row retired leaves its container', () => {
    expect(deltasOf([row('copied', 'inbox'), undefined])).toEqual({ inbox: { ...zeroDelta(), copied: -1 } });
  });

  it("adds a page's delta to a container's counts, bytes included", () => {
    const inbox = container('mail', 'INBOX', { copied: 10, skipped: 2, retryable: 1, bytes: 1_000, sourceItems: 20 });
    const after = withDelta(inbox, { copied: 5, skipped: -1, retryable: -1, bytes: 500, bad: 0 }, PASS);

    expect(after.counts).toEqual({ copied: 15, skipped: 1, retryable: 0, bytes: 1_500, sourceItems: 20 });
    expect(inbox.counts.copied).toBe(10);
  });

  it('leaves a container without a delta as it is', () => {
    const inbox = container('mail', 'INBOX', { copied: 10 });
    expect(withDelta(inbox, undefined, PASS)).toBe(inbox);
  });

  it('never counts below zero', () => {
    const inbox = container('mail', 'INBOX', { copied: 1 });
    expect(withDelta(inbox, { ...zeroDelta(), copied: -3, skipped: -1, retryable: -1 }, PASS).counts).toMatchObject({ copied: 0, skipped: 0, retryable: 0 });
  });

  it('counts bad items per pass: they add up within a pass and start again in the next', () => {
    const inbox = container('mail', 'INBOX', {});
    const first = withDelta(inbox, { ...zeroDelta(), skipped: 2, bad: 2 }, PASS);
    const again = withDelta(first, { ...zeroDelta(), skipped: 1, bad: 1 }, PASS);
    expect(badItemsIn(again, PASS)).toBe(3);

    const nextPass = '2026-01-06T09:00:00.000Z';
    expect(badItemsIn(again, nextPass)).toBe(0);
    const next = withDelta(again, { ...zeroDelta(), skipped: 1, bad: 1 }, nextPass);
    expect(badItemsIn(next, nextPass)).toBe(1);
    expect(next.counts.bad).toEqual({ pass: nextPass, count: 1 });
  });

  it("a page without bad items keeps the pass's count", () => {
    const withBad = withDelta(container('mail', 'INBOX', {}), { ...zeroDelta(), skipped: 2, bad: 2 }, PASS);
    expect(badItemsIn(withDelta(withBad, { ...zeroDelta(), copied: 4 }, PASS), PASS)).toBe(2);
  });
});

describe('what the target must do for an item', () => {
  const mail: ActionContext = { targetContainerId: 'f-inbox', unknownCopies: false };
  const contact: ActionContext = { targetContainerId: 'ab-1', version: '"etag-2"', unknownCopies: false };

  it.each<[string, ItemRow | undefined, ActionContext, CopyAction]>([
    ['never held, every copy of its container known: create', undefined, mail, { kind: 'create' }],
    ['never held, but copies the ledger does not know may exist: look for it by marker', undefined, { ...mail, unknownCopies: true }, { kind: 'find' }],
    ['held by a run that died before it named a copy: look for it by marker', { state: 'pending', container: 'c' }, mail, { kind: 'find' }],
    [
      'held by a run that died while replacing a known copy: look for it, knowing the earlier copy',
      { state: 'pending', container: 'c', targetId: 't-1' },
      mail,
      { kind: 'find', earlier: 't-1' },
    ],
    ['skipped before, no copy: create it now', { state: 'skipped', container: 'c', reason: 'RejectedByTarget' }, mail, { kind: 'create' }],
    [
      'skipped, with a copy of an earlier readable version: update that copy',
      { state: 'skipped', container: 'c', targetId: 't-1', version: '"etag-1"' },
      contact,
      { kind: 'update', targetId: 't-1' },
    ],
    ['deleted by the user in the target: not made again', { state: 'gone', container: 'c', targetId: 't-1' }, mail, { kind: 'gone' }],
    ['deleted by the user, even with copies unknown to the ledger', { state: 'gone', container: 'c' }, { ...mail, unknownCopies: true }, { kind: 'gone' }],
    ['copied, but the row names no copy: look for it', { state: 'copied', container: 'c' }, mail, { kind: 'find' }],
    [
      'mail copied into the folder it belongs in: keep',
      { state: 'copied', container: 'c', targetId: 't-1', targetContainerId: 'f-inbox' },
      mail,
      { kind: 'keep', targetId: 't-1' },
    ],
    [
      'mail copied into another folder (moved or renamed on the source): move it from there',
      { state: 'copied', container: 'c', targetId: 't-1', targetContainerId: 'f-archive' },
      mail,
      { kind: 'move', targetId: 't-1', from: 'f-archive' },
    ],
    [
      'mail copied where the row does not say: move it, from nowhere known',
      { state: 'copied', container: 'c', targetId: 't-1' },
      mail,
      { kind: 'move', targetId: 't-1', from: undefined },
    ],
    [
      'a contact copied from the same version: keep',
      { state: 'copied', container: 'c', targetId: 't-1', version: '"etag-2"', targetContainerId: 'ab-1' },
      contact,
      { kind: 'keep', targetId: 't-1' },
    ],
    [
      'a contact changed on the source since its copy: update the copy',
      { state: 'copied', container: 'c', targetId: 't-1', version: '"etag-1"', targetContainerId: 'ab-1' },
      contact,
      { kind: 'update', targetId: 't-1' },
    ],
    [
      'a contact whose copy recorded no version: update the copy',
      { state: 'copied', container: 'c', targetId: 't-1', targetContainerId: 'ab-1' },
      contact,
      { kind: 'update', targetId: 't-1' },
    ],
    [
      'an event of the same version is kept, whatever the target collection the row names',
      { state: 'copied', container: 'c', targetId: 't-1', version: '"etag-2"', targetContainerId: 'cal-old' },
      { ...contact, targetContainerId: 'cal-new' },
      { kind: 'keep', targetId: 't-1' },
    ],
    [
      'a known copy is kept even while copies unknown to the ledger may exist',
      { state: 'copied', container: 'c', targetId: 't-1', targetContainerId: 'f-inbox' },
      { ...mail, unknownCopies: true },
      { kind: 'keep', targetId: 't-1' },
    ],
  ])('%s', (_, found, item, action) => {
    expect(copyActionOf(found, item)).toEqual(action);
  });
});

describe('header summaries for reports', () => {
  it('decodes an RFC 2047 subject folded over two lines', () => {
    const raw = Buffer.from('From: a@x.example\r\nSubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n =?UTF-8?Q?_aus_K=C3=B6ln?=\r\nMessage-ID: <m1@x>\r\n\r\nbody');
    expect(readHeaderSummary(raw)).toEqual({ subject: 'Grüße aus Köln', messageId: '<m1@x>' });
  });

  it('gives an empty subject, not an error, for a message without headers', () => {
    expect(readHeaderSummary(Buffer.from('no headers at all'))).toEqual({ subject: '' });
  });
});
