import { generateCorpus } from '../../../tools/corpus/generateCorpus';
import { seedMailbox } from '../../../tools/corpus/seedMailbox';
import { type RunningDovecot, startDovecot } from '../../../tools/dovecot/startDovecot';
import { type RunningImapFaultProxy, startImapFaultProxy } from '../../../tools/imap-fault-proxy/startImapFaultProxy';
import type { CopyTarget } from '../../../src/services/ports/copyTarget';
import { connectImap, imapToImapCopy, pageTotals, readMailbox, skippedRows } from '../../support/copyHarness';
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
    let flagChanges = 0;
    const copier = await imapToImapCopy({
      mailboxKey: 'ann',
      source,
      sourceUser: ['ann', 'src-pw'],
      target: behind(target, targetProxy),
      targetUser: ['ann', 'dst-pw'],
      wrapTarget: (inner) => ({
        ...inner,
        preferredBatchSize: inner.preferredBatchSize,
        ensureFolder: (f) => inner.ensureFolder(f),
        createItems: (f, items) => inner.createItems(f, items),
        findExisting: (f, i) => inner.findExisting(f, i),
        moveItem: (a, b, c, d) => inner.moveItem(a, b, c, d),
        removeItem: (f, id) => inner.removeItem(f, id),
        setFlags: async (f, changes) => {
          flagChanges += changes.length;
          await inner.setFlags(f, changes);
        },
        close: () => inner.close(),
      }),
    });
    await copier.copyAll();
    expect((await skippedRows('ann')).map((s) => [s.title, s.reason]).sort()).toEqual([
      ['four', 'RejectedByTarget'],
      ['two', 'TooLarge'],
    ]);
    expect((await targetMessages('ann')).map((m) => m.sha).length).toBe(3);

    // The user reads "three" at the source: the flag sync finds its copy by the id looked up after the APPEND.
    const client = await connectImap(source, 'ann', 'src-pw');
    await client.mailboxOpen('INBOX');
    await client.messageFlagsAdd('3', ['\\Seen'], { uid: true });
    await client.logout();
    await copier.copyAll({ newPass: true });
    expect(flagChanges).toBe(1);
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
    const first = await imapToImapCopy({
      mailboxKey: 'bob',
      source: behind(source, sourceProxy),
      sourceUser: ['bob', 'src-pw'],
      target,
      targetUser: ['bob', 'dst-pw'],
      wrapTarget: crashing,
    });
    await expect(first.copyAll()).rejects.toThrow('simulated crash');
    await first.close();
    expect((await targetMessages('bob')).length).toBe(5);

    const again = await imapToImapCopy({
      mailboxKey: 'bob',
      source: behind(source, sourceProxy),
      sourceUser: ['bob', 'src-pw'],
      target,
      targetUser: ['bob', 'dst-pw'],
    });
    const pages = await again.copyAll();
    await again.close();
    expect(pageTotals(pages).matched).toBe(5);
    const copies = await targetMessages('bob');
    expect(copies).toHaveLength(12);
    expect(new Set(copies.map((m) => m.sha)).size).toBe(12);
  });

  it('reports a source folder deleted during the pass and copies the other folders', async () => {
    await seed('cat', { INBOX: [message('in 1'), message('in 2')], Gone: [message('gone 1')], Later: [message('later 1'), message('later 2')] });
    const copier = await imapToImapCopy({
      mailboxKey: 'cat',
      source,
      sourceUser: ['cat', 'src-pw'],
      target,
      targetUser: ['cat', 'dst-pw'],
    });
    await copier.prepare();
    const deleter = await connectImap(source, 'cat', 'src-pw');
    await deleter.mailboxDelete('Gone');
    await deleter.logout();
    let page = await copier.copyPage();
    while (!page.done) page = await copier.copyPage();
    await copier.close();
    const failed = page.containers.filter((c) => c.failed);
    expect(failed).toEqual([
      expect.objectContaining({
        sourceId: 'Gone',
        gone: true,
        failed: expect.objectContaining({ detail: expect.stringContaining('deleted during the sync') }),
      }),
    ]);
    expect((await targetMessages('cat')).length).toBe(4);
    expect(await skippedRows('cat')).toEqual([]);
  });
});
