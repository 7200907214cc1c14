/**
 * A message's flags as a sorted list. `\Recent` is dropped: it describes the session, not the
 * message (RFC 3501 section 2.3.2), and no client may set it on the target.
 */
export function toMessageFlags(flags: Iterable<string> | undefined): string[] {
  return [...(flags ?? [])].filter((flag) => flag.toLowerCase() !== '\\recent').sort();
}
