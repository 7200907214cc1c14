import { type FolderToMap, mapFolders } from '../../../src/core/folders/mapFolders';
import type { TargetFolderPath } from '../../../src/core/folders/targetFolderPath';

function targetOf(folders: FolderToMap[], path: string): TargetFolderPath | null | undefined {
  return mapFolders(folders).mappings.find((m) => m.sourcePath === path)?.target;
}

const slash = (path: string, specialUse?: string): FolderToMap => ({ path, delimiter: '/', ...(specialUse ? { specialUse } : {}) });
const dot = (path: string, specialUse?: string): FolderToMap => ({ path, delimiter: '.', ...(specialUse ? { specialUse } : {}) });

describe('mapFolders: well-known folders', () => {
  it.each<[string, FolderToMap, TargetFolderPath]>([
    ['INBOX', slash('INBOX'), { wellKnown: 'inbox', segments: [] }],
    ['inbox in lower case (RFC 3501 5.1: INBOX is case-insensitive)', slash('inbox'), { wellKnown: 'inbox', segments: [] }],
    ['\\Sent special use', slash('Gesendet 2007', '\\Sent'), { wellKnown: 'sentitems', segments: [] }],
    ['Sent', slash('Sent'), { wellKnown: 'sentitems', segments: [] }],
    ['Sent Items', slash('Sent Items'), { wellKnown: 'sentitems', segments: [] }],
    ['Sent Messages', slash('Sent Messages'), { wellKnown: 'sentitems', segments: [] }],
    ['Gesendete Objekte', slash('Gesendete Objekte'), { wellKnown: 'sentitems', segments: [] }],
    ['Éléments envoyés', slash('Éléments envoyés'), { wellKnown: 'sentitems', segments: [] }],
    ['Éléments envoyés in NFD (as macOS writes it)', slash('Éléments envoyés'.normalize('NFD')), { wellKnown: 'sentitems', segments: [] }],
    ['Elementos enviados', slash('Elementos enviados'), { wellKnown: 'sentitems', segments: [] }],
    ['Posta inviata', slash('Posta inviata'), { wellKnown: 'sentitems', segments: [] }],
    ['\\Trash special use', slash('Mülleimer', '\\Trash'), { wellKnown: 'deleteditems', segments: [] }],
    ['Trash', slash('Trash'), { wellKnown: 'deleteditems', segments: [] }],
    ['Deleted Items', slash('Deleted Items'), { wellKnown: 'deleteditems', segments: [] }],
    ['Deleted Messages', slash('Deleted Messages'), { wellKnown: 'deleteditems', segments: [] }],
    ['Gelöschte Objekte', slash('Gelöschte Objekte'), { wellKnown: 'deleteditems', segments: [] }],
    ['Éléments supprimés', slash('Éléments supprimés'), { wellKnown: 'deleteditems', segments: [] }],
    ['\\Drafts special use', slash('Concepts', '\\Drafts'), { wellKnown: 'drafts', segments: [] }],
    ['Entwürfe', slash('Entwürfe'), { wellKnown: 'drafts', segments: [] }],
    ['Brouillons', slash('Brouillons'), { wellKnown: 'drafts', segments: [] }],
    ['\\Junk special use', slash('Werbung', '\\Junk'), { wellKnown: 'junkemail', segments: [] }],
    ['Junk', slash('Junk'), { wellKnown: 'junkemail', segments: [] }],
    ['Spam', slash('SPAM'), { wellKnown: 'junkemail', segments: [] }],
    ['Junk E-mail', slash('Junk E-mail'), { wellKnown: 'junkemail', segments: [] }],
    ['Bulk Mail', slash('Bulk Mail'), { wellKnown: 'junkemail', segments: [] }],
    ['\\Archive special use', slash('Alt', '\\Archive'), { wellKnown: 'archive', segments: [] }],
    ['a nested \\Sent folder (special use counts at any depth)', slash('INBOX/Sent', '\\Sent'), { wellKnown: 'sentitems', segments: [] }],
  ])('%s', (_name, folder, expected) => {
    expect(targetOf([folder], folder.path)).toEqual(expected);
  });

  it('lets a special-use flag win over a name: "Sent" without the flag stays an ordinary folder', () => {
    const folders = [slash('Sent'), slash('Sent Mail 2007', '\\Sent')];
    expect(targetOf(folders, 'Sent Mail 2007')).toEqual({ wellKnown: 'sentitems', segments: [] });
    expect(targetOf(folders, 'Sent')).toEqual({ segments: ['Sent'] });
  });

  it('gives a well-known folder to the first of two names in path order and keeps the other', () => {
    const folders = [slash('Trash'), slash('Deleted Messages')];
    expect(targetOf(folders, 'Deleted Messages')).toEqual({ wellKnown: 'deleteditems', segments: [] });
    expect(targetOf(folders, 'Trash')).toEqual({ segments: ['Trash'] });
  });

  it('only matches names at the top level', () => {
    expect(targetOf([slash('Projekte/Entwürfe')], 'Projekte/Entwürfe')).toEqual({ segments: ['Projekte', 'Entwürfe'] });
  });

  it('does not copy virtual folders and reports them', () => {
    const result = mapFolders([slash('All Mail', '\\All'), slash('Starred', '\\Flagged')]);
    expect(result.mappings).toEqual([
      { sourcePath: 'All Mail', target: null },
      { sourcePath: 'Starred', target: null },
    ]);
    expect(result.remaps.map((r) => r.reason)).toEqual(['virtualFolder', 'virtualFolder']);
  });
});

describe('mapFolders: INBOX prefix and nesting', () => {
  it('strips the Courier/Cyrus INBOX. prefix when every folder lives below INBOX', () => {
    const folders = [dot('INBOX'), dot('INBOX.Sent'), dot('INBOX.Projekte'), dot('INBOX.Projekte.2007')];
    expect(mapFolders(folders).mappings).toEqual([
      { sourcePath: 'INBOX', target: { wellKnown: 'inbox', segments: [] } },
      { sourcePath: 'INBOX.Sent', target: { wellKnown: 'sentitems', segments: [] } },
      { sourcePath: 'INBOX.Projekte', target: { segments: ['Projekte'] } },
      { sourcePath: 'INBOX.Projekte.2007', target: { segments: ['Projekte', '2007'] } },
    ]);
  });

  it('keeps sub-folders of INBOX below Inbox when other folders live at the top level', () => {
    const folders = [slash('INBOX'), slash('INBOX/Kunden'), slash('Archiv')];
    expect(targetOf(folders, 'INBOX/Kunden')).toEqual({ wellKnown: 'inbox', segments: ['Kunden'] });
    expect(targetOf(folders, 'Archiv')).toEqual({ segments: ['Archiv'] });
  });

  it('nests sub-folders below the well-known folder their parent became', () => {
    expect(targetOf([slash('Sent'), slash('Sent/2007')], 'Sent/2007')).toEqual({ wellKnown: 'sentitems', segments: ['2007'] });
  });

  it('keeps non-ASCII names and nesting of ordinary folders, with either delimiter', () => {
    expect(targetOf([slash('Données/2007/Q1')], 'Données/2007/Q1')).toEqual({ segments: ['Données', '2007', 'Q1'] });
    expect(targetOf([dot('Données.2007')], 'Données.2007')).toEqual({ segments: ['Données', '2007'] });
  });

  it('treats a flat server (no delimiter) as one level', () => {
    expect(targetOf([{ path: 'a/b.c', delimiter: '' }], 'a/b.c')).toEqual({ segments: ['a_b.c'] });
  });
});

describe('mapFolders: names the target refuses', () => {
  it.each<[string, string, string, string]>([
    ['a backslash', 'Kunden\\Alt', 'Kunden_Alt', 'invalidCharacters'],
    ['a slash inside a dot-delimited name', 'Q1/Q2', 'Q1_Q2', 'invalidCharacters'],
    ['a control character', 'Tab\there', 'Tab_here', 'invalidCharacters'],
    ['only spaces', '   ', '_', 'emptyName'],
    ['spaces around it', '  Spaced out ', 'Spaced out', 'surroundingSpaces'],
    ['300 characters', 'x'.repeat(300), 'x'.repeat(255), 'nameTooLong'],
  ])('renames a name with %s and reports it', (_what, name, expected, reason) => {
    const result = mapFolders([dot(name)]);
    expect(result.mappings[0]?.target).toEqual({ segments: [expected] });
    expect(result.remaps).toEqual([{ sourcePath: name, targetPath: expected, reason }]);
  });

  it('suffixes siblings that collide ignoring case, in source path order', () => {
    const result = mapFolders([slash('Projekte'), slash('PROJEKTE'), slash('projekte')]);
    expect(result.mappings).toEqual([
      { sourcePath: 'Projekte', target: { segments: ['Projekte (2)'] } },
      { sourcePath: 'PROJEKTE', target: { segments: ['PROJEKTE'] } },
      { sourcePath: 'projekte', target: { segments: ['projekte (3)'] } },
    ]);
    expect(result.remaps).toEqual([
      { sourcePath: 'Projekte', targetPath: 'Projekte (2)', reason: 'siblingCollision' },
      { sourcePath: 'projekte', targetPath: 'projekte (3)', reason: 'siblingCollision' },
    ]);
  });

  it('renames a top-level folder that collides with a name Exchange already uses, and its children follow', () => {
    const folders = [slash('Deleted Messages', '\\Trash'), slash('Deleted Items'), slash('Deleted Items/Old')];
    expect(targetOf(folders, 'Deleted Items')).toEqual({ segments: ['Deleted Items (2)'] });
    expect(targetOf(folders, 'Deleted Items/Old')).toEqual({ segments: ['Deleted Items (2)', 'Old'] });
    expect(mapFolders(folders).remaps).toEqual([{ sourcePath: 'Deleted Items', targetPath: 'Deleted Items (2)', reason: 'siblingCollision' }]);
  });

  it('creates a parent the server did not list and keeps children apart from colliding siblings', () => {
    const folders = [slash('A/x'), slash('a/y')];
    expect(targetOf(folders, 'A/x')).toEqual({ segments: ['A', 'x'] });
    expect(targetOf(folders, 'a/y')).toEqual({ segments: ['a (2)', 'y'] });
  });
});
