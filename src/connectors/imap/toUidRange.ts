import type { UidSelection } from '../../services/ports/mailSource';

/**
 * The UID set (RFC 3501 section 9, sequence-set) for a selection, or null when it selects nothing.
 * Note: `n:*` also matches the highest UID when that is below n (RFC 3501 section 6.4.8), so
 * callers must still drop UIDs outside the selection.
 */
export function toUidRange(selection: UidSelection): string | null {
  if ('uids' in selection) {
    const uids = [...new Set(selection.uids.filter((uid) => Number.isInteger(uid) && uid > 0))].sort((a, b) => a - b);
    return uids.length > 0 ? uids.join(',') : null;
  }
  const from = Math.max(1, Math.floor(selection.uidFrom));
  if (selection.uidTo === undefined) return `${from}:*`;
  return selection.uidTo >= from ? `${from}:${Math.floor(selection.uidTo)}` : null;
}

export function isInSelection(uid: number, selection: UidSelection): boolean {
  if ('uids' in selection) return selection.uids.includes(uid);
  return uid >= selection.uidFrom && (selection.uidTo === undefined || uid <= selection.uidTo);
}
