import { decideNextPage, type FolderCheckpoint } from '../../../src/core/copy/folderCheckpoint';
import { contentKey, itemMarker, itemRowKey } from '../../../src/core/copy/itemKeys';
import { withPageProgress, withSourceTotals } from '../../../src/core/copy/mailboxProgress';
import { newQueuedMailbox } from '../../../src/core/mailbox/migrationMailbox';
import { readHeaderSummary } from '../../../src/core/mime/readHeaderSummary';

const checkpoint: FolderCheckpoint = {
  sourcePath: 'INBOX',
  uidValidity: '100',
  lastCopiedUid: 40,
  targetPath: 'Inbox',
  copiedCount: 40,
  skippedCount: 0,
  bytesCopied: 4000,
};

describe('the next page of a folder', () => {
  it('continues after the last UID copied', () => {
    expect(decideNextPage(checkpoint, { uidValidity: '100', uidNext: 60 })).toEqual({ kind: 'copy', fromUid: 41 });
  });

  it('is up to date when no UID above the last one can exist', () => {
    expect(decideNextPage(checkpoint, { uidValidity: '100', uidNext: 41 })).toEqual({ kind: 'upToDate' });
  });

  it('starts the UIDs and the counts again when the server renumbered the folder (copies are matched by content)', () => {
    expect(decideNextPage({ ...checkpoint, flagsModseq: '77' }, { uidValidity: '200', uidNext: 45 })).toEqual({
      kind: 'uidValidityChanged',
      checkpoint: { ...checkpoint, uidValidity: '200', lastCopiedUid: 0, flagsModseq: undefined, copiedCount: 0, skippedCount: 0, bytesCopied: 0 },
    });
  });
});

describe('item keys', () => {
  it('orders rows by UID within a UIDVALIDITY', () => {
    expect(itemRowKey('7', 9) < itemRowKey('7', 10)).toBe(true);
    expect(itemRowKey('7', 42)).toBe('7_0000000042');
  });

  it('gives the same content key for the same bytes only', () => {
    expect(contentKey(Buffer.from('a'))).toBe(contentKey(Buffer.from('a')));
    expect(contentKey(Buffer.from('a'))).not.toBe(contentKey(Buffer.from('b')));
  });

  it('marks each item of each mailbox differently, and the same item the same way whatever its batch or folder', () => {
    const markers = new Set([itemMarker('ann', 'k1', 0), itemMarker('ann', 'k1', 1), itemMarker('bob', 'k1', 0), itemMarker('ann', 'k2', 0)]);
    expect(markers.size).toBe(4);
    expect(itemMarker('ann', 'k1', 0)).toBe(itemMarker('ann', 'k1', 0));
  });
});

describe('mailbox statistics', () => {
  const mailbox = newQueuedMailbox({ batchId: 'b', mailboxKey: 'a@x.com', emailAddress: 'a@x.com', csvLine: 2, now: 't0', hasPendingPassword: false });

  it('adds a page and works out the percentage and the size estimate', () => {
    const withTotals = withSourceTotals(mailbox, 200, 't1');
    const after = withPageProgress(withTotals, { copied: 40, matched: 10, skipped: 2, bytes: 50_000 }, 't2');
    expect(after).toMatchObject({
      syncedItemCount: 50,
      skippedItemCount: 2,
      bytesTransferred: 50_000,
      totalItemsInSourceMailbox: 200,
      percentageComplete: 26,
      estimatedTotalTransferSize: 200_000,
      lastUpdatedTimestamp: 't2',
    });
  });

  it('never reports more than 100% when the source grew during the sync', () => {
    const after = withPageProgress(withSourceTotals(mailbox, 10, 't1'), { copied: 12, matched: 0, skipped: 0, bytes: 1200 }, 't2');
    expect(after).toMatchObject({ totalItemsInSourceMailbox: 12, percentageComplete: 100 });
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
