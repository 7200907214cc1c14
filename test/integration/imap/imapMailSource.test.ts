import { MigrationError } from '../../../src/core/errors/migrationError';
import type { PageLimits, SourceMessage, UidSelection } from '../../../src/services/ports/mailSource';
import { ImapMailSource } from '../../../src/connectors/imap/imapMailSource';
import { type CorpusMessage, generateCorpus } from '../../../tools/corpus/generateCorpus';
import { type SeedResult, seedMailbox } from '../../../tools/corpus/seedMailbox';
import { findFreePort } from '../../../tools/net/findFreePort';
import { type RunningDovecot, startDovecot } from '../../../tools/dovecot/startDovecot';
import { plainServer, rawClient } from './imapTestClients';

const ALICE = { name: 'alice', password: 'alice-Secret-1' };
const corpus: CorpusMessage[] = [...generateCorpus({ seed: 7, count: 30 })];
const inInbox = corpus.filter((m) => m.folder.join('/') === 'INBOX');

let dovecot: RunningDovecot;
let seeded: SeedResult;
let source: ImapMailSource;

beforeAll(async () => {
  dovecot = await startDovecot({ users: [ALICE] });
  const client = await rawClient(dovecot, ALICE.name, ALICE.password);
  seeded = await seedMailbox(client, { folders: [['Archiv', '2006']], messages: corpus });
  await client.mailboxCreate('Leer/Unterordner'); // parent exists only implicitly (\NonExistent)
  await client.logout();
  source = new ImapMailSource(plainServer(dovecot), { kind: 'password', user: ALICE.name, password: ALICE.password });
  await source.connect();
});

afterAll(async () => {
  await source?.close();
  await dovecot?.stop();
});

async function collect(folder: string, selection: UidSelection, limits: PageLimits): Promise<SourceMessage[]> {
  const messages: SourceMessage[] = [];
  for await (const message of source.fetchMessages(folder, selection, limits)) messages.push(message);
  return messages;
}

const uidOf = (message: CorpusMessage): number => seeded.uids.get(message.index)!;
const sizeOf = (message: CorpusMessage): number => message.raw.length;
const unlimited: PageLimits = { maxBytes: 1e9, maxCount: 10_000 };

describe('ImapMailSource against Dovecot', () => {
  it('lists folders with hierarchy, decoded non-ASCII names and server-declared special use', async () => {
    const folders = await source.listFolders();
    const byPath = new Map(folders.map((f) => [f.path, f]));
    expect([...byPath.keys()].sort()).toEqual([
      'Archiv',
      'Archiv/2006',
      'Données',
      'Données/2007',
      'Entwürfe',
      'INBOX',
      'Leer',
      'Leer/Unterordner',
      'Projekte',
      'Projekte/Alpha',
      'Sent',
      'Trash',
    ]);
    expect(byPath.get('Données/2007')).toMatchObject({ name: '2007', delimiter: '/', parentPath: 'Données', selectable: true });
    expect(byPath.get('Leer')).toMatchObject({ selectable: false, messages: 0 });
    expect(byPath.get('INBOX')?.specialUse).toBe('\\Inbox');
    expect(byPath.get('Sent')?.specialUse).toBe('\\Sent');
    expect(byPath.get('Trash')?.specialUse).toBe('\\Trash');
    expect(byPath.get('Entwürfe')?.specialUse).toBeUndefined();
  });

  it('reports UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ and the message count of each folder', async () => {
    const folders = await source.listFolders();
    for (const folder of folders.filter((f) => f.selectable)) {
      const expected = corpus.filter((m) => m.folder.join('/') === folder.path);
      expect(folder.messages).toBe(expected.length);
      expect(folder.uidNext).toBe(Math.max(0, ...expected.map(uidOf)) + 1);
      expect(folder.uidValidity).toMatch(/^[1-9]\d*$/);
      expect(folder.highestModseq).toMatch(/^[1-9]\d*$/);
    }
  });

  it('streams a UID range in UID order with the exact stored bytes, flags and internal date', async () => {
    const messages = await collect('INBOX', { uidFrom: 1 }, unlimited);
    expect(messages.map((m) => m.uid)).toEqual(inInbox.map(uidOf));
    messages.forEach((message, i) => {
      const expected = inInbox[i]!;
      expect(Buffer.isBuffer(message.source) && message.source.equals(expected.raw)).toBe(true);
      expect(message.size).toBe(expected.raw.length);
      expect(message.flags).toEqual([...expected.flags].sort());
      expect(message.internalDate).toBe(expected.internalDate);
    });
  });

  it('stops a page at the byte cap, and at the count cap', async () => {
    const [first, second] = inInbox;
    const byBytes = await collect('INBOX', { uidFrom: 1 }, { maxBytes: sizeOf(first!) + sizeOf(second!) + 1, maxCount: 100 });
    expect(byBytes.map((m) => m.uid)).toEqual([uidOf(first!), uidOf(second!)]);
    const byCount = await collect('INBOX', { uidFrom: 1 }, { maxBytes: 1e9, maxCount: 3 });
    expect(byCount).toHaveLength(3);
  });

  it('returns a message larger than the byte cap alone, whole', async () => {
    const big = corpus.find((m) => m.kind === 'over3MB')!;
    expect(big.raw.length).toBeGreaterThan(3 * 1024 * 1024);
    const page = await collect('INBOX', { uidFrom: uidOf(big) }, { maxBytes: 1000, maxCount: 100 });
    expect(page).toHaveLength(1);
    expect((page[0]!.source as Buffer).equals(big.raw)).toBe(true);
  });

  it('moves a whole folder exactly once when paged from a checkpoint', async () => {
    const seen: number[] = [];
    let next = 1;
    for (let guard = 0; guard < 100; guard += 1) {
      const page = await collect('INBOX', { uidFrom: next }, { maxBytes: 200_000, maxCount: 4 });
      if (page.length === 0) break;
      seen.push(...page.map((m) => m.uid));
      next = page[page.length - 1]!.uid + 1;
    }
    expect(seen).toEqual(inInbox.map(uidOf));
  });

  it('returns nothing past the newest UID (an open range n:* would match the last message)', async () => {
    const folder = (await source.listFolders()).find((f) => f.path === 'INBOX')!;
    expect(await collect('INBOX', { uidFrom: folder.uidNext }, unlimited)).toEqual([]);
    expect(await collect('INBOX', { uidFrom: 5, uidTo: 4 }, unlimited)).toEqual([]);
  });

  it('releases the folder when the reader stops early, so the next folder can be read', async () => {
    const firstUids: number[] = [];
    for await (const message of source.fetchMessages('INBOX', { uidFrom: 1 }, unlimited)) {
      firstUids.push(message.uid);
      break;
    }
    expect(firstUids).toEqual([uidOf(inInbox[0]!)]);
    const sent = corpus.filter((m) => m.folder.join('/') === 'Sent');
    expect(sent.length).toBeGreaterThan(0);
    expect((await collect('Sent', { uidFrom: 1 }, unlimited)).map((m) => m.uid)).toEqual(sent.map(uidOf));
  });

  it('fetches an explicit list of UIDs', async () => {
    const wanted = [uidOf(inInbox[3]!), uidOf(inInbox[1]!)];
    const page = await collect('INBOX', { uids: wanted }, unlimited);
    expect(page.map((m) => m.uid)).toEqual([...wanted].sort((a, b) => a - b));
  });

  it('reads flags of a folder, and only the changed ones since a HIGHESTMODSEQ', async () => {
    const all = await source.fetchFlags('INBOX');
    expect(all.map((s) => [s.uid, s.flags])).toEqual(inInbox.map((m) => [uidOf(m), [...m.flags].sort()]));
    const before = (await source.listFolders()).find((f) => f.path === 'INBOX')!.highestModseq!;
    const target = inInbox[2]!;
    const writer = await rawClient(dovecot, ALICE.name, ALICE.password);
    const lock = await writer.getMailboxLock('INBOX');
    try {
      await writer.messageFlagsAdd(String(uidOf(target)), ['\\Answered'], { uid: true });
    } finally {
      lock.release();
    }
    await writer.logout();
    const changed = await source.fetchFlags('INBOX', before);
    expect(changed).toEqual([{ uid: uidOf(target), flags: [...target.flags, '\\Answered'].sort(), modseq: expect.stringMatching(/^\d+$/) }]);
    expect(BigInt(changed[0]!.modseq!)).toBeGreaterThan(BigInt(before));
  });

  it('logs in as an administrator with the per-user login name (Dovecot master user)', async () => {
    const admin = new ImapMailSource(plainServer(dovecot), {
      kind: 'admin',
      user: ALICE.name,
      adminUser: dovecot.masterUser.name,
      adminPassword: dovecot.masterUser.password,
      loginFormat: '{user}*{admin}',
    });
    await admin.connect();
    try {
      const paths = (await admin.listFolders()).map((f) => f.path);
      expect(paths).toContain('Données/2007');
    } finally {
      await admin.close();
    }
  });

  it('fails a wrong password with a permanent SourceAuthFailed that does not contain the password', async () => {
    const wrong = new ImapMailSource(plainServer(dovecot), { kind: 'password', user: ALICE.name, password: 'not-the-Password-9' });
    const error = await wrong.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({ code: 'SourceAuthFailed', errorClass: 'permanent' });
    expect((error as Error).message).toContain('alice');
    expect((error as Error).message).not.toContain('not-the-Password-9');
  });

  it('fails a wrong admin password with SourceAuthFailed naming the admin login', async () => {
    const wrong = new ImapMailSource(plainServer(dovecot), {
      kind: 'admin',
      user: ALICE.name,
      adminUser: dovecot.masterUser.name,
      adminPassword: 'wrong-admin-pw',
    });
    await expect(wrong.connect()).rejects.toMatchObject({ code: 'SourceAuthFailed', message: expect.stringContaining(`alice*${dovecot.masterUser.name}`) });
  });

  it('refuses cleartext unless explicitly allowed', async () => {
    const insecure = new ImapMailSource({ ...plainServer(dovecot), allowPlaintext: false }, { kind: 'password', user: ALICE.name, password: ALICE.password });
    await expect(insecure.connect()).rejects.toMatchObject({ code: 'InsecureConnectionRefused', errorClass: 'permanent' });
  });

  it('reports a missing folder as FolderNotFound', async () => {
    await expect(collect('Gibt es nicht', { uidFrom: 1 }, unlimited)).rejects.toMatchObject({ code: 'FolderNotFound', errorClass: 'permanent' });
  });

  it('reports a server that does not answer as a transient ConnectionFailed', async () => {
    const port = await findFreePort();
    const nowhere = new ImapMailSource({ host: '127.0.0.1', port, security: 'none', allowPlaintext: true }, { kind: 'password', user: 'x', password: 'y' });
    await expect(nowhere.connect()).rejects.toMatchObject({ code: 'ConnectionFailed', errorClass: 'transient' });
  });
});
