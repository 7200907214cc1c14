/**
 * IMAP sequence sets (RFC 3501 section 9, `sequence-set`): `7`, `1:5,7`, `3:*`, `*:3`.
 * `*` stands for the largest UID in the mailbox, which the proxy does not know; it is taken as
 * "no upper bound", so `3:*` includes every UID from 3 on. That is exact for a UID that exists
 * (the only UIDs a fault names), and `n:*` with n past the last UID still matches the last message
 * on a real server, so treating it as a match never hides a fault the server would hit.
 */
export interface UidRange {
  from: number;
  to: number;
}

/** Undefined for text that is not a sequence set, such as `$` (RFC 5182 SEARCHRES). */
export function parseSequenceSet(text: string): UidRange[] | undefined {
  const ranges: UidRange[] = [];
  for (const part of text.split(',')) {
    const match = /^(\d+|\*)(?::(\d+|\*))?$/.exec(part);
    if (!match) return undefined;
    const first = bound(match[1]!);
    const second = match[2] === undefined ? first : bound(match[2]);
    ranges.push({ from: Math.min(first, second), to: Math.max(first, second) });
  }
  return ranges;
}

export function setIncludes(ranges: readonly UidRange[], uid: number): boolean {
  return ranges.some((range) => uid >= range.from && uid <= range.to);
}

function bound(value: string): number {
  return value === '*' ? Number.POSITIVE_INFINITY : Number(value);
}
