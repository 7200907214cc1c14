import { generateCorpus } from '../../../tools/corpus/generateCorpus';
import { seedMailbox } from '../../../tools/corpus/seedMailbox';
import { type RunningDovecot, startDovecot } from '../../../tools/dovecot/startDovecot';
import { connectImap, imapToImapCopy, pageTotals, readMailbox, skippedRows, type StoredMessageView } from '../../support/copyHarness';
import { useAppTestEnvironment } from '../../support/appTestEnvironment';
import { ImapMailSource } from '../../../src/connectors/imap/imapMailSource';
import { imapServerOf, passwordLogin } from '../../support/copyHarness';
import type { CopyTarget } from '../../../src/services/ports/copyTarget';
import { mapFolders } from '../../../src/core/folders/mapFolders';
import { toTargetPathText } from '../../../src/core/folders/targetFolderPath';

useAppTestEnvironment();
let source: RunningDovecot;
let target: RunningDovecot;
const LARGE_ITEM_LIMIT = 5 * 1024 * 1024;

beforeAll(async () => {
  source = await startDovecot({
    users: [
      { name: 'ann', password: 'src-pw' },
      { name: 'crash', password: 'src-pw' },
      { name: 'renum', password: 'src-pw' },
    ],
  });
  target = await startDovecot({
    users: [
      { name: 'ann', password: 'dst-pw' },
      { name: 'crash', password: 'dst-pw' },
      { name: 'renum', password: 'dst-pw' },
    ],
    separator: '.',
  });
  const client = await connectImap(source, 'ann', 'src-pw');
  await seedMailbox(client, { messages: generateCorpus({ seed: 7, count: 120, averageBytes: 20_000, largeItemBytes: LARGE_ITEM_LIMIT }) });
  await client.logout();
}, 360_000);

afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
});

/** Messages keyed by content, so source and target (with other folder delimiters and UIDs) compare. */
function byContent(messages: StoredMessageView[], folderOf: (path: string) => string) {
  return messages.map((m) => `${folderOf(m.folder)}|${m.sha}|${m.flags.join(' ')}|${m.internalDate}`).sort();
}

/** Target folders are named by the folder mapping (Sent -> Sent Items...), with `.` as the target's delimiter. */
function expectedTargetFolder(sourcePaths: string[]): (path: string) => string {
  const map = mapFolders(sourcePaths.map((path) => ({ path, delimiter: '/' })));
  return (path) => toTargetPathText(map.mappings.find((m) => m.sourcePath === path)!.target!);
}
const targetFolderName = (path: string) => (path === 'INBOX' ? 'Inbox' : path.replace(/\./g, '/'));

describe('IMAP to IMAP copy', () => {
  it('copies every message byte for byte with flags and dates, skipping and reporting the item over the large-item limit', async () => {
    const copy = await imapToImapCopy({
      mailboxKey: 'ann',
      source,
      sourceUser: ['ann', 'src-pw'],
      target,
      targetUser: ['ann', 'dst-pw'],
      limits: { largeItemLimitBytes: LARGE_ITEM_LIMIT, pageMaxCount: 25 },
    });
    const pages = await copy.copyAll();
    await copy.close();

    const src = await connectImap(source, 'ann', 'src-pw');
    const dst = await connectImap(target, 'ann', 'dst-pw');
    const sourceMessages = await readMailbox(src);
    const targetMessages = await readMailbox(dst);
    await Promise.all([src.logout(), dst.logout()]);

    const large = sourceMessages.filter((m) => m.size > LARGE_ITEM_LIMIT);
    expect(large).toHaveLength(1);
    const sourceFolder = expectedTargetFolder([...new Set(sourceMessages.map((m) => m.folder))]);
    const expected = byContent(
      sourceMessages.filter((m) => m.size <= LARGE_ITEM_LIMIT),
      sourceFolder,
    );
    expect(expected.some((line) => line.startsWith('Sent Items|'))).toBe(true);
    expect(byContent(targetMessages, targetFolderName)).toEqual(expected);
    const skipped = await skippedRows('ann');
    expect(skipped).toEqual([expect.objectContaining({ type: 'mail', reason: 'TooLarge', size: large[0]!.size, where: 'INBOX' })]);
    expect(skipped[0]!.title.length).toBeGreaterThan(0);
    expect(pageTotals(pages).created).toBe(expected.length);
    // Pages of 25 items span folders: the whole mailbox took about as many pages as 25-item chunks.
    expect(pages.length).toBeLessThanOrEqual(Math.ceil((expected.length + 1) / 25) + 1);
  });

  it('copies nothing on a second pass over an unchanged mailbox, and only new mail and flag changes on an incremental one', async () => {
    const counting = { creates: 0, flagChanges: 0 };
    const wrapTarget = (inner: CopyTarget): CopyTarget => ({
      preferredBatchSize: inner.preferredBatchSize,
      ensureFolder: (f) => inner.ensureFolder(f),
      createItems: async (id, items) => {
        counting.creates += items.length;
        return inner.createItems(id, items);
      },
      findExisting: (id, item) => inner.findExisting(id, item),
      moveItem: (from, id, to, item) => inner.moveItem(from, id, to, item),
      removeItem: (folder, id) => inner.removeItem(folder, id),
      setFlags: async (id, changes) => {
        counting.flagChanges += changes.length;
        return inner.setFlags(id, changes);
      },
      close: () => inner.close(),
    });
    const again = await imapToImapCopy({
      mailboxKey: 'ann',
      source,
      sourceUser: ['ann', 'src-pw'],
      target,
      targetUser: ['ann', 'dst-pw'],
      limits: { largeItemLimitBytes: LARGE_ITEM_LIMIT },
      wrapTarget,
    });
    const unchanged = await again.copyAll({ newPass: true });
    expect(unchanged).toHaveLength(1);
    expect(pageTotals(unchanged).created).toBe(0);
    expect(counting).toEqual({ creates: 0, flagChanges: 0 });

    const src = await connectImap(source, 'ann', 'src-pw');
    await src.append('INBOX', Buffer.from('From: new@x.example\r\nTo: ann@x.example\r\nSubject: arrived later\r\nMessage-ID: <later@x>\r\n\r\nhello\r\n'), [
      '\\Seen',
    ]);
    const lock = await src.getMailboxLock('INBOX');
    await src.messageFlagsAdd('1:3', ['\\Flagged']);
    lock.release();
    await src.logout();

    const incremental = await again.copyAll({ newPass: true });
    await again.close();
    expect(pageTotals(incremental).created).toBe(1);
    expect(counting.creates).toBe(1);
    expect(counting.flagChanges).toBeGreaterThanOrEqual(1);
    expect(counting.flagChanges).toBeLessThanOrEqual(3);

    const s = await connectImap(source, 'ann', 'src-pw');
    const d = await connectImap(target, 'ann', 'dst-pw');
    const srcAll = (await readMailbox(s)).filter((m) => m.size <= LARGE_ITEM_LIMIT);
    const dstAll = await readMailbox(d);
    await Promise.all([s.logout(), d.logout()]);
    const sourceFolder = expectedTargetFolder([...new Set(srcAll.map((m) => m.folder))]);
    expect(byContent(dstAll, targetFolderName)).toEqual(byContent(srcAll, sourceFolder));
  });

  it('never reads the content of a message over the large-item limit', async () => {
    const reader = new ImapMailSource(imapServerOf(source), passwordLogin('ann', 'src-pw'));
    await reader.connect();
    const page = [];
    for await (const message of reader.fetchMessages('INBOX', { uidFrom: 1 }, { maxBytes: 1e9, maxCount: 1000, skipContentOverBytes: LARGE_ITEM_LIMIT }))
      page.push(message);
    await reader.close();
    const oversized = page.filter((m) => m.oversized);
    expect(oversized).toHaveLength(1);
    expect(oversized[0]!.size).toBeGreaterThan(LARGE_ITEM_LIMIT);
    expect((oversized[0]!.source as Buffer).length).toBe(0);
    expect(oversized[0]!.oversized!.subject.length).toBeGreaterThan(0);
    expect(page.filter((m) => !m.oversized).every((m) => (m.source as Buffer).length === m.size)).toBe(true);
  });
});
