/**
 * Batch names, as administrators type them, and the ids derived from them. Like Exchange Online, a
 * batch is known by its name; the id is the name lower-cased with spaces as dashes, so it reads
 * well in URLs and instance ids (`batch-{id}`) and two names that differ only in case collide.
 */
const BATCH_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;

export function tryBatchIdFromName(name: string): string | undefined {
  const trimmed = name.trim();
  if (!BATCH_NAME_PATTERN.test(trimmed)) return undefined;
  return trimmed.toLowerCase().replace(/ +/g, '-');
}

export const BATCH_NAME_RULE = 'A batch name is 1 to 64 characters: letters, digits, spaces, dots, dashes and underscores, starting with a letter or digit.';
