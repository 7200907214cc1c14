/**
 * Joins target folder segments with the target server's hierarchy delimiter (RFC 3501 section
 * 5.1.1) below its personal namespace prefix (RFC 2342, e.g. `INBOX.` on Courier). A delimiter
 * inside a name cannot be expressed, so it becomes `_` (a source `a.b` under `/` going to a
 * `.` server). A flat server (NIL delimiter) gets the segments joined with `_`.
 */
export function toTargetImapPath(base: string | null, segments: readonly string[], prefix: string, delimiter: string | null): string {
  const separator = delimiter ?? '_';
  const names = segments.map((segment) => (delimiter ? segment.replaceAll(delimiter, '_') : segment));
  if (names.length === 0) return base ?? prefix;
  const rest = names.join(separator);
  return base === null ? `${prefix}${rest}` : `${base}${separator}${rest}`;
}
