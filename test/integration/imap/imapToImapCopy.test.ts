import type { CopyItem } from '../../../src/services/ports/copyTarget';
import type { SourceMessage } from '../../../src/services/ports/mailSource';
import { ImapMailSource } from '../../../src/connectors/imap/imapMailSource';
import { ImapCopyTarget } from '../../../src/connectors/imap/imapCopyTarget';
import { mapFolders } from '../../../src/core/folders/mapFolders';
import { type CorpusMessage, generateCorpus } from '../../../tools/corpus/generateCorpus';
import { seedMailbox } from '../../../tools/corpus/seedMailbox';
import { type RunningDovecot, startDovecot } from '../../../tools/dovecot/startDovecot';
import { plainServer, rawClient } from './imapTestClients';

const OLD = { name: 'dora', password: 'dora-old-server' };
const NEW = { name: 'dora', password: 'dora-new-server' };
const FOLDERS = [['INBOX'], ['Sent'], ['Trash'], ['Données', '2007'], ['Version 1.2']];
const corpus: CorpusMessage[] = [...generateCorpus({ seed: 11, count: 24, folders: FOLDERS })];

let legacy: RunningDovecot;
let modern: RunningDovecot;
let source: ImapMailSource;
let target: ImapCopyTarget;
const copied = new Map<string, { folderId: string; targetIds: (string | null)[] }>();

async function readAll(reader: ImapMailSource, folder: string): Promise<SourceMessage[]> {
  const messages: SourceMessage[] = [];
  for await (const message of reader.fetchMessages(folder, { uidFrom: 1 }, { maxBytes: 1e9, maxCount: 1000 })) messages.push(message);
  return messages;
}

/** A message as the copy engine hands it to the target (an IMAP target stamps no marker). */
function copyItem(message: SourceMessage): CopyItem {
  const raw = message.source as Buffer;
  return { uid: message.uid, raw, flags: message.flags, internalDate: message.internalDate, size: raw.length, marker: '' };
}

/** Flags of every message in a folder of the target, read on a connection of its own. */
async function targetFlags(folder: string): Promise<{ uid: number; flags: string[] }[]> {
  const reader = new ImapMailSource(plainServer(modern), { kind: 'password', user: NEW.name, password: NEW.password });
  await reader.connect();
  try {
    return (await reader.fetchFlags(folder)).map(({ uid, flags }) => ({ uid, flags }));
  } finally {
    await reader.close();
  }
}

beforeAll(async () => {
  // Source uses "/" (and a layout that allows "." in names), target "." (Courier-like), so every
  // nested path has to be re-joined and a "." inside a name replaced.
  legacy = await startDovecot({ users: [OLD], separator: '/', layout: 'fs' });
  modern = await startDovecot({ users: [NEW], separator: '.' });
  const seeder = await rawClient(legacy, OLD.name, OLD.password);
  await seedMailbox(seeder, { folders: FOLDERS, messages: corpus });
  await seeder.logout();
  const prepare = await rawClient(modern, NEW.name, NEW.password);
  await prepare.mailboxCreate('Sent'); // carries \Sent on the target (test Dovecot config)
  await prepare.logout();

  source = new ImapMailSource(plainServer(legacy), { kind: 'password', user: OLD.name, password: OLD.password });
  await source.connect();
  target = await ImapCopyTarget.connect(plainServer(modern), { kind: 'password', user: NEW.name, password: NEW.password });

  const folders = await source.listFolders();
  const { mappings } = mapFolders(folders);
  for (const folder of folders.filter((f) => f.selectable)) {
    const mapped = mappings.find((m) => m.sourcePath === folder.path)?.target;
    if (!mapped) continue;
    const folderId = await target.ensureFolder(mapped);
    const outcomes = await target.createItems(folderId, (await readAll(source, folder.path)).map(copyItem));
    const targetIds = outcomes.map((outcome) => (outcome.ok ? outcome.targetId : null));
    copied.set(folder.path, { folderId, targetIds });
  }
});

afterAll(async () => {
  await source?.close();
  await target?.close();
  await legacy?.stop();
  await modern?.stop();
});

describe('IMAP to IMAP copy between two Dovecots', () => {
  it('creates target folders with the target delimiter, and replaces that delimiter inside names', () => {
    expect(copied.get('Données/2007')?.folderId).toBe('Données.2007');
    expect(copied.get('Version 1.2')?.folderId).toBe('Version 1_2');
  });

  it('puts well-known folders where the target keeps them: by special use, or created by name', () => {
    expect(copied.get('INBOX')?.folderId).toBe('INBOX');
    expect(copied.get('Sent')?.folderId).toBe('Sent');
    expect(copied.get('Trash')?.folderId).toBe('Deleted Items');
  });

  it('preserves the exact bytes, flags and internal date of every message', async () => {
    const reader = new ImapMailSource(plainServer(modern), { kind: 'password', user: NEW.name, password: NEW.password });
    await reader.connect();
    try {
      const targetFolders = new Map((await reader.listFolders()).map((f) => [f.path, f]));
      expect(targetFolders.get('Données.2007')).toMatchObject({ delimiter: '.', parentPath: 'Données' });
      for (const [sourcePath, { folderId }] of copied) {
        const expected = corpus.filter((m) => m.folder.join('/') === sourcePath);
        const actual = await readAll(reader, folderId);
        expect(actual.map((m) => (m.source as Buffer).toString('base64'))).toEqual(expected.map((m) => m.raw.toString('base64')));
        expect(actual.map((m) => m.flags)).toEqual(expected.map((m) => [...m.flags].sort()));
        expect(actual.map((m) => m.internalDate)).toEqual(expected.map((m) => m.internalDate));
      }
    } finally {
      await reader.close();
    }
  });

  it('returns APPENDUID-based target ids and can change flags through them', async () => {
    const inbox = copied.get('INBOX')!;
    expect(inbox.targetIds.every((id) => id !== null && /^\d+:\d+$/.test(id))).toBe(true);
    const targetId = inbox.targetIds[0]!;
    await target.setFlags(inbox.folderId, [{ targetId, add: ['\\Answered', '\\Seen'], remove: [] }]);
    const states = await targetFlags('INBOX');
    expect(states.find((s) => s.uid === Number(targetId.split(':')[1]))?.flags).toEqual(['\\Answered', '\\Seen']);
  });

  it('creating an existing folder again is harmless (a retried page)', async () => {
    const again = await target.ensureFolder({ segments: ['Données', '2007'] });
    expect(again).toBe('Données.2007');
  });

  it('passes over flags for an id from another UIDVALIDITY (the copy is gone) and changes no other message', async () => {
    const before = await targetFlags('INBOX');
    await expect(target.setFlags('INBOX', [{ targetId: '1:1', add: ['\\Flagged', '$NotForThisCopy'], remove: ['\\Seen'] }])).resolves.toBeUndefined();
    expect(await targetFlags('INBOX')).toEqual(before);
  });

  it('fails a wrong target password with TargetAuthFailed', async () => {
    const wrong = ImapCopyTarget.connect(plainServer(modern), { kind: 'password', user: NEW.name, password: 'nope-nope' });
    await expect(wrong).rejects.toMatchObject({ code: 'TargetAuthFailed', errorClass: 'permanent' });
  });
});
