import { type NameProblem, sanitizeFolderName, truncate, MAX_FOLDER_NAME_LENGTH } from './sanitizeFolderName';
import { type TargetFolderPath, type WellKnownFolder, toTargetPathText, WELL_KNOWN_DISPLAY_NAMES } from './targetFolderPath';
import { foldName, SPECIAL_USE_TO_WELL_KNOWN, tryWellKnownByName } from './wellKnownFolderNames';

/** What the mapping needs to know of a source folder (a `SourceFolder` fits). */
export interface FolderToMap {
  path: string;
  delimiter: string;
  specialUse?: string;
}

export interface FolderMapping {
  sourcePath: string;
  /** Null for virtual folders (`\All`, `\Flagged`), which are not copied. */
  target: TargetFolderPath | null;
}

export type FolderRemapReason = NameProblem | 'siblingCollision' | 'virtualFolder';

/** A folder whose name could not be kept as it was, for the mailbox's report. */
export interface FolderRemap {
  sourcePath: string;
  targetPath: string;
  reason: FolderRemapReason;
}

export interface FolderMap {
  mappings: FolderMapping[];
  remaps: FolderRemap[];
}

/**
 * Folder names Exchange already uses below the message folder root; a migrated top-level folder
 * of the same name (compared case-insensitively, as Exchange does) would be refused.
 */
const RESERVED_ROOT_NAMES = [
  ...Object.values(WELL_KNOWN_DISPLAY_NAMES),
  'Outbox',
  'Conversation History',
  'Sync Issues',
  'Calendar',
  'Contacts',
  'Tasks',
  'Notes',
  'Journal',
  'RSS Feeds',
];

interface Folder {
  sourcePath: string;
  delimiter: string;
  segments: string[];
  specialUse?: string;
}

/**
 * Maps a mailbox's folder list to target folders. The rules, in order:
 * 1. Courier/Cyrus servers put every folder below `INBOX.` (a namespace prefix, RFC 2342): when
 *    every folder but INBOX itself lies below INBOX, that prefix is dropped. Otherwise folders
 *    below INBOX stay below Inbox.
 * 2. A special-use attribute the server declares (RFC 6154) picks the well-known folder, at any
 *    depth; then top-level names (see wellKnownFolderNames.ts). Each well-known folder is taken by
 *    the first claim (special use first, then source path order); later claimants stay ordinary
 *    folders, so no two source folders are merged.
 * 3. Sub-folders keep their nesting below what their parent became.
 * 4. Names Exchange refuses are sanitised (sanitizeFolderName.ts) and a name equal to a sibling's,
 *    ignoring case, gets ` (2)`, ` (3)`, ... in source path order. Every changed name is reported.
 */
export function mapFolders(folders: readonly FolderToMap[]): FolderMap {
  const parsed = stripInboxPrefix(folders.map(toFolder)).sort((a, b) => compareSegments(a.segments, b.segments));
  const claims = claimWellKnownFolders(parsed);
  const resolved = new Map<string, TargetFolderPath>();
  const siblings = new Map<string, Set<string>>();
  const remaps: FolderRemap[] = [];
  const mappings = new Map<string, TargetFolderPath | null>();

  for (const folder of parsed) {
    if (SPECIAL_USE_TO_WELL_KNOWN[folder.specialUse ?? ''] === 'virtual') {
      mappings.set(folder.sourcePath, null);
      remaps.push({ sourcePath: folder.sourcePath, targetPath: '', reason: 'virtualFolder' });
      continue;
    }
    let target: TargetFolderPath = { segments: [] };
    folder.segments.forEach((segment, depth) => {
      const key = nodeKey(folder.segments.slice(0, depth + 1));
      const known = resolved.get(key);
      if (known) {
        target = known;
        return;
      }
      const wellKnown = claims.get(key);
      const next = wellKnown
        ? { wellKnown, segments: [] }
        : placeChild(target, segment, siblings, (reason, placed) =>
            remaps.push({ sourcePath: sourcePathOf(folder, depth), targetPath: toTargetPathText(placed), reason }),
          );
      resolved.set(key, next);
      target = next;
    });
    mappings.set(folder.sourcePath, target);
  }
  return {
    mappings: folders.map((f) => ({ sourcePath: f.path, target: mappings.get(f.path) ?? null })),
    remaps,
  };
}

function toFolder(folder: FolderToMap): Folder {
  const segments = folder.delimiter === '' ? [folder.path] : folder.path.split(folder.delimiter);
  return { sourcePath: folder.path, delimiter: folder.delimiter, segments, specialUse: folder.specialUse };
}

function isInbox(segment: string | undefined): boolean {
  return segment !== undefined && segment.toUpperCase() === 'INBOX';
}

function stripInboxPrefix(folders: Folder[]): Folder[] {
  const others = folders.filter((f) => !(f.segments.length === 1 && isInbox(f.segments[0])));
  const prefixed = others.length > 0 && others.every((f) => f.segments.length > 1 && isInbox(f.segments[0]));
  if (!prefixed) return folders;
  return folders.map((f) => (f.segments.length > 1 ? { ...f, segments: f.segments.slice(1) } : f));
}

/** Which node (source path prefix) fills which well-known folder. */
function claimWellKnownFolders(folders: Folder[]): Map<string, WellKnownFolder> {
  const claims = new Map<string, WellKnownFolder>();
  const taken = new Set<WellKnownFolder>();
  const claim = (folder: Folder, wellKnown: WellKnownFolder | 'virtual' | undefined): void => {
    const key = nodeKey(folder.segments);
    if (!wellKnown || wellKnown === 'virtual' || taken.has(wellKnown) || claims.has(key)) return;
    claims.set(key, wellKnown);
    taken.add(wellKnown);
  };
  folders.forEach((f) => claim(f, SPECIAL_USE_TO_WELL_KNOWN[f.specialUse ?? '']));
  folders.filter((f) => f.segments.length === 1 && f.specialUse === undefined).forEach((f) => claim(f, tryWellKnownByName(f.segments[0] ?? '')));
  return claims;
}

type ReportRemap = (reason: FolderRemapReason, placed: TargetFolderPath) => void;

function placeChild(parent: TargetFolderPath, segment: string, siblings: Map<string, Set<string>>, report: ReportRemap): TargetFolderPath {
  const parentKey = `${parent.wellKnown ?? ''}\u0000${parent.segments.map(foldName).join('\u0000')}`;
  let used = siblings.get(parentKey);
  if (!used) {
    used = new Set(parent.wellKnown === undefined && parent.segments.length === 0 ? RESERVED_ROOT_NAMES.map(foldName) : []);
    siblings.set(parentKey, used);
  }
  const sanitized = sanitizeFolderName(segment);
  let name = sanitized.name;
  let reason: FolderRemapReason | undefined = sanitized.problem;
  for (let n = 2; used.has(foldName(name)); n += 1) {
    const suffix = ` (${n})`;
    name = `${truncate(sanitized.name, MAX_FOLDER_NAME_LENGTH - suffix.length)}${suffix}`;
    reason ??= 'siblingCollision';
  }
  used.add(foldName(name));
  const placed: TargetFolderPath = { ...(parent.wellKnown ? { wellKnown: parent.wellKnown } : {}), segments: [...parent.segments, name] };
  if (reason) report(reason, placed);
  return placed;
}

function nodeKey(segments: string[]): string {
  return segments.join('\u0000');
}

function sourcePathOf(folder: Folder, depth: number): string {
  const extra = folder.segments.length - (depth + 1);
  const all = folder.sourcePath.split(folder.delimiter || '\u0000');
  return folder.delimiter === '' ? folder.sourcePath : all.slice(0, all.length - extra).join(folder.delimiter);
}

function compareSegments(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
