import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Issue 13: `docs/architecture.md` names only files that exist. Every repository path the orientation
 * documents cite as inline code (`src/...`, `tools/...`, `eslint.layers.cjs`, `host.json`...) must be a
 * file or folder of this repository, so a moved or deleted file fails here, naming the line to fix.
 *
 * What counts as a cited path: an inline code span that contains a `/` or ends in one of
 * KNOWN_EXTENSIONS, and is nothing but path characters (letters, digits, `_ . - /`). Spans with
 * spaces, placeholders (`<batch>/...`), `%`, `|` or a leading `/` (commands, blob names, table keys, API
 * routes) are not paths. Build output and run-time data (GENERATED) and paths outside the repository
 * (`../...`) are not checked. A glob is refused: cite a real file or folder. Fenced code blocks are not
 * read. A trailing `/` means a folder.
 */
const root = path.resolve(__dirname, '../../..');

const DOCUMENTS = ['docs/architecture.md', 'tools/README.md'];

const KNOWN_EXTENSIONS = ['.ts', '.js', '.cjs', '.mjs', '.json', '.md', '.bicep', '.sh', '.csproj', '.yaml', '.yml'];

/** Made by the build, by npm or at run time: named as places, never part of the checkout. */
const GENERATED = ['dist/', 'node_modules/', '.data/'];

interface Citation {
  text: string;
  line: number;
}

type Verdict = { kind: 'path'; path: string } | { kind: 'glob' } | { kind: 'notAPath' };

/** The inline code spans of a Markdown text, with their line; fenced blocks are blanked first. */
function inlineCode(markdown: string): Citation[] {
  const unfenced = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (block) => block.replace(/[^\n]/g, ''));
  const citations: Citation[] = [];
  for (const match of unfenced.matchAll(/`([^`]+)`/g)) {
    citations.push({ text: match[1]!, line: unfenced.slice(0, match.index).split('\n').length });
  }
  return citations;
}

function classify(span: string): Verdict {
  const text = span.trim();
  const looksLikePath = text.includes('/') || KNOWN_EXTENSIONS.some((ext) => text.endsWith(ext));
  if (!looksLikePath || /\s/.test(text) || text.startsWith('/') || text.includes('://') || text.startsWith('../')) return { kind: 'notAPath' };
  if (/[*?[\]{}]/.test(text) && /^[\w.\-/*?[\]{},]+$/.test(text)) return { kind: 'glob' };
  if (!/^[\w.\-/]+$/.test(text)) return { kind: 'notAPath' };
  if (GENERATED.some((prefix) => text === prefix.slice(0, -1) || text.startsWith(prefix))) return { kind: 'notAPath' };
  return { kind: 'path', path: text };
}

/** Whether a cited path is a file or folder inside the repository (a folder when it ends in `/`). */
function existsInRepository(cited: string): boolean {
  const absolute = path.resolve(root, cited);
  const relative = path.relative(root, absolute);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return false;
  if (!existsSync(absolute)) return false;
  return !cited.endsWith('/') || statSync(absolute).isDirectory();
}

interface Check {
  cited: string[];
  missing: string[];
  globs: string[];
}

function check(document: string, markdown: string): Check {
  const result: Check = { cited: [], missing: [], globs: [] };
  for (const citation of inlineCode(markdown)) {
    const verdict = classify(citation.text);
    const where = `${document}:${citation.line} \`${citation.text}\``;
    if (verdict.kind === 'glob') result.globs.push(where);
    if (verdict.kind !== 'path') continue;
    result.cited.push(verdict.path);
    if (!existsInRepository(verdict.path)) result.missing.push(where);
  }
  return result;
}

describe.each(DOCUMENTS)('%s', (document) => {
  const file = path.join(root, document);

  it('exists', () => {
    expect(existsSync(file)).toBe(true);
  });

  it('names only files and folders that exist in the repository', () => {
    const { cited, missing, globs } = check(document, readFileSync(file, 'utf8'));
    // A document that cites nothing would pass vacuously: it must cite real paths for this test to mean anything.
    expect(cited.length).toBeGreaterThanOrEqual(10);
    // Each entry is `<document>:<line> \`<path>\``: fix the line, or the path.
    expect(missing).toEqual([]);
    expect(globs).toEqual([]);
  });
});

describe('the path check itself', () => {
  const sample = [
    'The root `src/compositionRoot.ts`, the folder `src/core/`, the rules in `eslint.layers.cjs` and `host.json`.',
    'Gone: `src/core/nowhere/missing.ts`, `tools/no-such-tool/`, `no-such-root-file.json`.',
    'A file cited as a folder: `src/index.ts/`.',
    'Not paths: `POST /api/batches`, `<batch>/MigrationStatistics.csv`, `m|<mailboxKey>`, `%TASKHUB_NAME%`,',
    '`MigrationStatistics.csv`, `/api/dashboard`, `https://learn.microsoft.com/graph/errors`, `TARGET_IMAP_*`.',
    'Generated or outside: `dist/src/index.js`, `.data/azurite`, `node_modules/`, `../shared/design/architecture.md`.',
    'A pattern: `src/**/*.ts`.',
    '```text',
    'src/fenced/only.ts and `src/fenced/too.ts`',
    '```',
    'A span over two lines is one span (and, with its line break, no path): `src/core/',
    'errors/migrationError.ts`.',
  ].join('\n');

  it('finds the cited paths, reports the missing ones with their line, and refuses globs', () => {
    const { cited, missing, globs } = check('sample.md', sample);
    expect(cited).toEqual([
      'src/compositionRoot.ts',
      'src/core/',
      'eslint.layers.cjs',
      'host.json',
      'src/core/nowhere/missing.ts',
      'tools/no-such-tool/',
      'no-such-root-file.json',
      'src/index.ts/',
    ]);
    expect(missing).toEqual([
      'sample.md:2 `src/core/nowhere/missing.ts`',
      'sample.md:2 `tools/no-such-tool/`',
      'sample.md:2 `no-such-root-file.json`',
      'sample.md:3 `src/index.ts/`',
    ]);
    expect(globs).toEqual(['sample.md:7 `src/**/*.ts`']);
  });

  it('never accepts a path that leaves the repository', () => {
    expect(existsInRepository('src/../../outside.ts')).toBe(false);
    expect(existsInRepository('src/core/')).toBe(true);
  });
});
