import { ImapMailSource } from '../../../src/connectors/imap/imapMailSource';
import { mapFolders } from '../../../src/core/folders/mapFolders';
import { generateCorpus } from '../../../tools/corpus/generateCorpus';
import { seedMailbox } from '../../../tools/corpus/seedMailbox';
import { type RunningDovecot, startDovecot } from '../../../tools/dovecot/startDovecot';
import { plainServer, rawClient } from './imapTestClients';

const USER = { name: 'carol', password: 'carol-pw-2007' };
const FOLDERS = [['INBOX'], ['Sent'], ['Entwürfe'], ['Données', '2007'], ['Kunden', 'Müller GmbH']];

async function listWith(options: { separator: '/' | '.'; inboxPrefix?: boolean }): Promise<{ dovecot: RunningDovecot; source: ImapMailSource }> {
  const dovecot = await startDovecot({ users: [USER], ...options });
  const client = await rawClient(dovecot, USER.name, USER.password);
  await seedMailbox(client, { folders: FOLDERS, messages: generateCorpus({ seed: 3, count: 6, folders: FOLDERS }) });
  await client.logout();
  const source = new ImapMailSource(plainServer(dovecot), { kind: 'password', user: USER.name, password: USER.password });
  await source.connect();
  return { dovecot, source };
}

describe('folder listing with other delimiters', () => {
  it('lists a "." server with its delimiter and decoded non-ASCII names', async () => {
    const { dovecot, source } = await listWith({ separator: '.' });
    try {
      const folders = await source.listFolders();
      const byPath = new Map(folders.map((f) => [f.path, f]));
      expect(byPath.get('Données.2007')).toMatchObject({ name: '2007', delimiter: '.', parentPath: 'Données', selectable: true });
      expect(byPath.get('Kunden.Müller GmbH')).toMatchObject({ name: 'Müller GmbH', delimiter: '.' });
      expect(byPath.get('Sent')?.specialUse).toBe('\\Sent');
      expect(mapFolders(folders).mappings.find((m) => m.sourcePath === 'Données.2007')?.target).toEqual({ segments: ['Données', '2007'] });
    } finally {
      await source.close();
      await dovecot.stop();
    }
  });

  it('lists a Courier-style server (everything below INBOX.) and the mapping drops the prefix', async () => {
    const { dovecot, source } = await listWith({ separator: '.', inboxPrefix: true });
    try {
      const folders = await source.listFolders();
      const paths = folders.map((f) => f.path);
      expect(paths).toEqual(expect.arrayContaining(['INBOX', 'INBOX.Sent', 'INBOX.Entwürfe', 'INBOX.Données.2007']));
      const { mappings } = mapFolders(folders);
      const targetOf = (path: string): unknown => mappings.find((m) => m.sourcePath === path)?.target;
      expect(targetOf('INBOX')).toEqual({ wellKnown: 'inbox', segments: [] });
      expect(targetOf('INBOX.Sent')).toEqual({ wellKnown: 'sentitems', segments: [] });
      expect(targetOf('INBOX.Entwürfe')).toEqual({ wellKnown: 'drafts', segments: [] });
      expect(targetOf('INBOX.Kunden.Müller GmbH')).toEqual({ segments: ['Kunden', 'Müller GmbH'] });
    } finally {
      await source.close();
      await dovecot.stop();
    }
  });
});
