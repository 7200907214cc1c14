import type { FlagChange } from '../ports/copyTarget';

/** The flags the copy keeps in step: read and flagged (and answered, for an IMAP target). */
const SYNCED_FLAGS: readonly string[] = ['\\Seen', '\\Flagged', '\\Answered'];

/** Only these flags have a meaning on the target, sorted: the form stored in the item map. */
export function relevantFlags(flags: string[]): string[] {
  return flags.filter((f) => SYNCED_FLAGS.includes(f)).sort();
}

/** What changed between the flags last applied (null: not known, then the whole state is sent) and the source's now. */
export function flagChange(targetId: string, before: string[] | null, now: string[]): FlagChange {
  if (before === null) return { targetId, add: now, remove: SYNCED_FLAGS.filter((f) => !now.includes(f)) };
  return { targetId, add: now.filter((f) => !before.includes(f)), remove: before.filter((f) => !now.includes(f)) };
}
