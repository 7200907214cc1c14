/**
 * Where the copy of one source folder stands: the checkpoint a `copyPage` step reads and returns.
 * UIDs only grow within one UIDVALIDITY (RFC 3501 section 2.3.1.1), so "every UID up to
 * `lastCopiedUid` is settled" is a complete description of the progress of an initial sync.
 */
export interface FolderCheckpoint {
  sourcePath: string;
  /** The UIDVALIDITY the UIDs below belong to (decimal string). */
  uidValidity: string;
  /** Every message with a UID up to this one is copied or recorded as skipped. */
  lastCopiedUid: number;
  /** HIGHESTMODSEQ seen at the last flag sync (RFC 7162), so the next asks only for changes. */
  flagsModseq?: string;
  /** The target folder's id, once created, so later passes need no folder look-ups. */
  targetFolderId?: string;
  /** The target path as text, for reports. */
  targetPath: string;
  copiedCount: number;
  skippedCount: number;
  bytesCopied: number;
  /** Set when the UIDVALIDITY changed: the UIDVALIDITY whose copies may be matched again by content. */
  previousUidValidity?: string;
}

export type PageDecision =
  | { kind: 'copy'; fromUid: number }
  | { kind: 'uidValidityChanged'; checkpoint: FolderCheckpoint }
  | { kind: 'upToDate' };

/**
 * What the next page of a folder must do, given its checkpoint and the folder's current status.
 * A changed UIDVALIDITY restarts the UIDs from 1 and keeps the old value so that messages already
 * copied can be recognised by content instead of copied a second time.
 */
export function decideNextPage(checkpoint: FolderCheckpoint, status: { uidValidity: string; uidNext: number }): PageDecision {
  if (status.uidValidity !== checkpoint.uidValidity) {
    return {
      kind: 'uidValidityChanged',
      checkpoint: { ...checkpoint, uidValidity: status.uidValidity, lastCopiedUid: 0, previousUidValidity: checkpoint.uidValidity, flagsModseq: undefined },
    };
  }
  if (checkpoint.lastCopiedUid + 1 >= status.uidNext) return { kind: 'upToDate' };
  return { kind: 'copy', fromUid: checkpoint.lastCopiedUid + 1 };
}
