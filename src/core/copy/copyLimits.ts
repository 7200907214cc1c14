/**
 * Limits of one mailbox's copy, after Exchange Online's migration batch settings: LargeItemLimit
 * (150 MB in Exchange Online) and BadItemLimit (how many items may fail before the mailbox fails).
 */
export interface CopyLimits {
  largeItemLimitBytes: number;
  badItemLimit: number;
  /** A page stops after this many messages... */
  pageMaxCount: number;
  /** ...or this many bytes (at least one message is always taken). */
  pageMaxBytes: number;
}

export const DEFAULT_COPY_LIMITS: CopyLimits = {
  largeItemLimitBytes: 150 * 1024 * 1024,
  badItemLimit: 50,
  pageMaxCount: 200,
  pageMaxBytes: 8 * 1024 * 1024,
};

/**
 * Why an item (or a folder) was not copied. `SourceUnreadable`: the source refused to give the item
 * (FETCH NO, no body, or Exchange's "Retrieval using the IMAP4 protocol failed" stub). `FolderFailed`:
 * a whole folder could not be read or created; its row names the folder, and the other folders go on.
 */
export type SkipReason = 'TooLarge' | 'Unparseable' | 'RejectedByTarget' | 'SourceUnreadable' | 'FolderFailed';

/** Skips the target caused and a later pass may get past (a folder re-created, a quota raised): tried again each pass. */
export function isRetryableSkip(reason: SkipReason): boolean {
  return reason === 'RejectedByTarget' || reason === 'SourceUnreadable';
}

/** An item that could not be copied, for the mailbox's errors report. */
export interface SkippedItem {
  sourcePath: string;
  uid: number;
  subject: string;
  size: number;
  reason: SkipReason;
  detail: string;
}

export function percentComplete(settled: number, total: number): number {
  if (total <= 0) return 100;
  return Math.min(100, Math.floor((settled / total) * 100));
}
