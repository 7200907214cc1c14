import { generateCorpus } from '../../../tools/corpus/generateCorpus';
import { seedMailbox } from '../../../tools/corpus/seedMailbox';
import { type RunningDovecot, startDovecot } from '../../../tools/dovecot/startDovecot';
import { type RunningImapFaultProxy, startImapFaultProxy } from '../../../tools/imap-fault-proxy/startImapFaultProxy';
import type { CopyTarget } from '../../../src/services/ports/copyTarget';
import { connectImap, copierStores, copyWholeMailbox, imapToImapCopier, readMailbox } from '../../support/copyHarness';
import { useAppTestEnvironment } from '../../support/appTestEnvironment';

/**
 * Issue 11, holes 5 and 8, against real Dovecots behind the IMAP fault proxy: an IMAP target that
 * refuses APPENDs and has no UIDPLUS, a source that only estimates RFC822.SIZE (Exchange 2007/2010
 * without EnableExactRFC822Size), and a source folder deleted during a pass.
 */
useAppTestEnvironment();
const USERS = ['ann', 'bob', 'cat'];
let source: RunningDovecot;
let target: RunningDovecot;
let sourceProxy: RunningImapFaultProxy;
let targetProxy: RunningImapFaultProxy;

const behind = (dovecot: RunningDovecot, proxy: RunningImapFaultProxy): RunningDovecot => ({ ...dovecot, host: proxy.host, port: proxy.port });

function message(subject: string, body = 'Hello.'): Buffer {
  return Buffer.from(
    `From: a@contoso.com\r\nTo: b@contoso.com\r\nSubject: ${subject}\r\nDate: Mon, 05 Mar 2007 10:00:00 +0000\r\nMessage-ID: <${subject.replace(/\W/g, '')}@contoso.com>\r\n\r\n${body}\r\n`,
  );
}

async function seed(user: string, folders: Record<string, Buffer[]>): Promise<void> {
  const client = await connectImap(source, user, 'src-pw');
  try {
    for (const [folder, raws] of Object.entries(folders)) {
      if (folder !== 'INBOX') await client.mailboxCreate(folder);
      for (const raw of raws) await client.append(folder, raw, [], new Date('2007-03-05T10:00:00Z'));
    }
  } finally {
    await client.logout();
  }
}

async function targetMessages(user: string) {
  const client = await connectImap(target, user, 'dst-pw');
  try {
    return await readMailbox(client);
  } finally {
    await client.logout();
  }
}

beforeAll(async () => {
  source = await startDovecot({ users: USERS.map((name) => ({ name, password: 'src-pw' })) });
  target = await startDovecot({ users: USERS.map((name) => ({ name, password: 'dst-pw' })) });
  sourceProxy = await startImapFaultProxy({ upstream: { host: source.host, port: source.port } });
  targetProxy = await startImapFaultProxy({ upstream: { host: target.host, port: target.port } });
}, 180_000);

afterAll(async () => {
  await Promise.all([sourceProxy?.stop(), targetProxy?.stop()]);
  await Promise.all([source?.stop(), target?.stop()]);
});

describe('an IMAP target and source as Exchange 2007 has them', () => {
  it('skips an APPEND the target refuses (TOOBIG, OVERQUOTA) and goes on; without UIDPLUS every copy still gets a real id, so flag changes reach it', async () => {
    await seed('ann', { INBOX: [message('one'), message('two', 'REFUSE-TOOBIG'), message('three'), message('four', 'REFUSE-QUOTA'), message('five')] });
    targetProxy.faults.set('ann', {
      hideCapabilities: ['UIDPLUS'],
      appendNo: [
        { code: 'TOOBIG', whenContains: 'REFUSE-TOOBIG' },
        { code: 'OVERQUOTA', whenContains: 'REFUSE-QUOTA' },
      ],
    });
    const stores = copierStores();
    const copier = await imapToImapCopier({
      batchId: 'imapfaults',
      mailboxKey: 'ann',
      source,
      sourceUser: ['ann', 'src-pw'],
      target: behind(target, targetProxy),
      targetUser: ['ann', 'dst-pw'],
      stores,
    });
    const { results } = await copyWholeMailbox(copier);
    expect(results.flatMap((r) => r.skippedItems).map((s) => [s.subject, s.reason])).toEqual([
      ['two', 'TooLarge'],
      ['four', 'RejectedByTarget'],
    ]);
    expect((await targetMessages('ann')).map((m) => m.sha).length).toBe(3);
    const skippedRows = (await stores.skippedItems.listBatch('imapfaults')).filter((s) => s.mailboxKey === 'ann');
    expect(skippedRows.map((s) => s.reason).sort()).toEqual(['RejectedByTarget', 'TooLarge']);

    // The user reads "three" at the source: the flag sync finds its copy by the id looked up after the APPEND.
    const client = await connectImap(source, 'ann', 'src-pw');
    await client.mailboxOpen('INBOX');
    await client.messageFlagsAdd('3', ['\\Seen'], { uid: true });
    await client.logout();
    expect(await copier.syncFlags('INBOX')).toEqual({ updated: 1 });
    await copier.close();
    const three = (await targetMessages('ann')).find((m) => m.size === message('three').length);
    expect(three?.flags).toContain('\\Seen');
  });

  it('after a crash mid-page with estimated sizes at the source, finds the copies by the bytes sent and makes none twice', async () => {
    const client = await connectImap(source, 'bob', 'src-pw');
    await seedMailbox(client, { messages: generateCorpus({ seed: 21, count: 12, averageBytes: 5_000, folders: [['INBOX']] }) });
    await client.logout();
    sourceProxy.faults.set('bob', { estimatedSizes: true, hideCapabilities: ['CONDSTORE'] });
    let creates = 0;
    const crashing = (inner: CopyTarget): CopyTarget => ({
      ...inner,
      preferredBatchSize: inner.preferredBatchSize,
      ensureFolder: (f) => inner.ensureFolder(f),
      createItems: async (folderId, items) => {
        const outcomes = [];
        for (const item of items) {
          if (creates === 5) throw new Error('simulated crash after 5 creates');
          outcomes.push(...(await inner.createItems(folderId, [item])));
          creates += 1;
        }
        return outcomes;
      },
      findExisting: (f, i) => inner.findExisting(f, i),
      moveItem: (a, b, c, d) => inner.moveItem(a, b, c, d),
      removeItem: (f, id) => inner.removeItem(f, id),
      setFlags: (f, c) => inner.setFlags(f, c),
      close: () => inner.close(),
    });
    const first = await imapToImapCopier({
      batchId: 'imapfaults',
      mailboxKey: 'bob',
      source: behind(source, sourceProxy),
      sourceUser: ['bob', 'src-pw'],
      target,
      targetUser: ['bob', 'dst-pw'],
      wrapTarget: crashing,
    });
    await expect(copyWholeMailbox(first)).rejects.toThrow('simulated crash');
    await first.close();
    expect((await targetMessages('bob')).length).toBe(5);

    const again = await imapToImapCopier({
      batchId: 'imapfaults',
      mailboxKey: 'bob',
      source: behind(source, sourceProxy),
      sourceUser: ['bob', 'src-pw'],
      target,
      targetUser: ['bob', 'dst-pw'],
    });
    const { results } = await copyWholeMailbox(again);
    await again.close();
    expect(results.reduce((n, r) => n + r.matched, 0)).toBe(5);
    const copies = await targetMessages('bob');
    expect(copies).toHaveLength(12);
    expect(new Set(copies.map((m) => m.sha)).size).toBe(12);
  });

  it('reports a source folder deleted during the pass and copies the other folders', async () => {
    await seed('cat', { INBOX: [message('in 1'), message('in 2')], Gone: [message('gone 1')], Later: [message('later 1'), message('later 2')] });
    const stores = copierStores();
    const copier = await imapToImapCopier({
      batchId: 'imapfaults',
      mailboxKey: 'cat',
      source,
      sourceUser: ['cat', 'src-pw'],
      target,
      targetUser: ['cat', 'dst-pw'],
      stores,
    });
    const { folders } = await copier.prepareFolders();
    const deleter = await connectImap(source, 'cat', 'src-pw');
    await deleter.mailboxDelete('Gone');
    await deleter.logout();
    const skipped = [];
    for (const folder of folders) {
      for (let done = false; !done;) {
        const page = await copier.copyPage(folder.sourcePath);
        skipped.push(...page.skippedItems);
        done = page.done;
      }
    }
    await copier.close();
    expect(skipped).toEqual([
      expect.objectContaining({ sourcePath: 'Gone', reason: 'FolderFailed', detail: expect.stringContaining('deleted during the sync') }),
    ]);
    expect((await targetMessages('cat')).length).toBe(4);
    expect((await stores.skippedItems.listBatch('imapfaults')).filter((s) => s.mailboxKey === 'cat').map((s) => s.reason)).toEqual(['FolderFailed']);
  });
});
