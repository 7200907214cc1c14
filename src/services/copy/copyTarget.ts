import type { TargetFolderPath } from '../../core/folders/targetFolderPath';

/** One message on its way to the target. `raw` never crosses an activity boundary. */
export interface CopyItem {
  uid: number;
  raw: Buffer;
  flags: string[];
  internalDate: string;
  size: number;
  /** Stamped on the copy where the target allows it, so a copy made before a crash can be found. */
  marker: string;
}

export type CreateOutcome =
  | { ok: true; targetId: string }
  | { ok: false; reason: 'Unparseable' | 'RejectedByTarget'; detail: string; subject?: string };

/**
 * What the copy engine needs of a target mailbox (Microsoft 365 through Graph, or an IMAP server).
 * Transient failures (throttling beyond the retries, connection loss) are thrown; failures of one
 * item that retrying cannot fix are returned as outcomes, so the rest of the page goes on.
 */
export interface CopyTarget {
  /** How many items `createItems` should be given at once (Graph `$batch` takes 20). */
  readonly preferredBatchSize: number;
  ensureFolder(folder: TargetFolderPath): Promise<string>;
  /** Creates the items in the folder; one outcome per item, in order. */
  createItems(folderId: string, items: CopyItem[]): Promise<CreateOutcome[]>;
  /** The id of a copy of `item` made by an earlier, interrupted run, if there is one. */
  findExisting(folderId: string, item: CopyItem): Promise<string | undefined>;
  /** Applies read/flagged state to copies made earlier. */
  setFlags(folderId: string, changes: { targetId: string; flags: string[] }[]): Promise<void>;
  close(): Promise<void>;
}
