/**
 * Where the copy of one source folder stands: the checkpoint a `copyPage` step reads and returns.
 * UIDs only grow within one UIDVALIDITY (RFC 3501 section 2.3.1.1), so "every UID up to
 * `lastCopiedUid` is settled" is a complete description of the progress of an initial sync.
 */
export interface FolderCheckpoint {
  sourcePath: string;
  /** The UIDVALIDITY the UIDs below belong to (decimal string). */
  uidValidity: string;
  /** Every message with a UID up to this one is copied, skipped with a reason, or deleted on the source. */
  lastCopiedUid: number;
  /** HIGHESTMODSEQ seen at the last flag sync (RFC 7162), so the next asks only for changes. */
  flagsModseq?: string;
  /** The target folder's id, once created, so later passes need no folder look-ups. */
  targetFolderId?: string;
  /** The target path as text, for reports. */
  targetPath: string;
  /** Items of this UIDVALIDITY settled as copied (made, found, or moved from another folder). */
  copiedCount: number;
  skippedCount: number;
  bytesCopied: number;
  /** The pass (its start time) whose retry of earlier skipped items is done for this folder. */
  retriedPass?: string;
  /** The source folder was deleted (during or before this pass): nothing more to copy until it comes back. */
  gone?: boolean;
}

export type PageDecision = { kind: 'copy'; fromUid: number } | { kind: 'uidValidityChanged'; checkpoint: FolderCheckpoint } | { kind: 'upToDate' };

/**
 * What the next page of a folder must do, given its checkpoint and the folder's current status.
 * A changed UIDVALIDITY restarts the UIDs from 1; messages copied before are recognised by their
 * content (the item claims), however many times the folder was renumbered, and not copied again.
 */
export function decideNextPage(checkpoint: FolderCheckpoint, status: { uidValidity: string; uidNext: number }): PageDecision {
  if (status.uidValidity !== checkpoint.uidValidity) {
    return {
      kind: 'uidValidityChanged',
      checkpoint: { ...checkpoint, uidValidity: status.uidValidity, lastCopiedUid: 0, flagsModseq: undefined, copiedCount: 0, skippedCount: 0, bytesCopied: 0 },
    };
  }
  if (checkpoint.lastCopiedUid + 1 >= status.uidNext) return { kind: 'upToDate' };
  return { kind: 'copy', fromUid: checkpoint.lastCopiedUid + 1 };
}
