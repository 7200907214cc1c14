/**
 * Makes one folder name acceptable to Exchange Online. The store itself takes almost any name,
 * but `/` and `\` are path separators for Outlook and for Graph path lookups, control characters
 * are refused, names are at most 255 characters (Exchange's PR_DISPLAY_NAME limit for folders),
 * and an empty name is refused. Rule: each such character becomes `_`, surrounding whitespace is
 * trimmed (and reported), an empty result becomes `_`, and longer names are cut to 255 UTF-16 code units
 * (never inside a surrogate pair).
 */
export const MAX_FOLDER_NAME_LENGTH = 255;

export type NameProblem = 'invalidCharacters' | 'emptyName' | 'nameTooLong' | 'surroundingSpaces';

export interface SanitizedName {
  name: string;
  problem?: NameProblem;
}

// eslint-disable-next-line no-control-regex
const INVALID = /[\u0000-\u001f\u007f/\\]/g;

export function sanitizeFolderName(original: string): SanitizedName {
  let name = original.normalize('NFC');
  let problem: NameProblem | undefined;
  const replaced = name.replace(INVALID, '_');
  if (replaced !== name) {
    name = replaced;
    problem = 'invalidCharacters';
  }
  // No page says Exchange keeps spaces around a folder name, and Outlook trims what is typed, so they go
  // (the stricter choice), and the renamed folder is reported.
  const trimmed = name.trim();
  if (trimmed === '') return { name: '_', problem: 'emptyName' };
  if (trimmed !== name) problem ??= 'surroundingSpaces';
  name = trimmed;
  if (name.length > MAX_FOLDER_NAME_LENGTH) {
    name = truncate(name, MAX_FOLDER_NAME_LENGTH);
    problem ??= 'nameTooLong';
  }
  return problem ? { name, problem } : { name };
}

export function truncate(name: string, length: number): string {
  let cut = name.slice(0, length);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut.trimEnd();
}
