import { MigrationError } from '../../core/errors/migrationError';
import type { TargetFolderPath } from '../../core/folders/targetFolderPath';

/**
 * The target will take no more work until `resumeAt` (its request or upload budget is spent, or it
 * asked for a long Retry-After). Not a failure: the copy stops where it is and comes back then.
 */
export class TargetPaused extends MigrationError {
  constructor(
    readonly resumeAt: Date,
    why: string,
  ) {
    super(
      'TargetBudgetExhausted',
      `Paused until ${resumeAt.toISOString()}: ${why}`,
      'transient',
      Math.max(1, Math.ceil((resumeAt.getTime() - Date.now()) / 1000)),
    );
    this.name = 'TargetPaused';
  }
}

/** One message on its way to the target. `raw` never crosses an activity boundary. */
export interface CopyItem {
  uid: number;
  raw: Buffer;
  flags: string[];
  internalDate: string;
  size: number;
  /** Stamped on the copy where the target allows it, so a copy made before a crash can be found. */
  marker: string;
  /**
   * Copies that belong to other source items with the same bytes: a target that finds copies by their
   * content (IMAP) must not take one of these for this item's copy.
   */
  excludeTargetIds?: string[];
}

/** A change of read/flagged state: only what changed on the source is sent, so what the user set in the target stays. */
export interface FlagChange {
  targetId: string;
  add: string[];
  remove: string[];
}

export type CreateOutcome =
  | { ok: true; targetId: string }
  /** The item can never be copied to this target as it is: skipped, with the reason for the errors report. */
  | { ok: false; reason: 'Unparseable' | 'RejectedByTarget' | 'TooLarge'; detail: string; subject?: string }
  /** Not sent at all: the target's budget is spent until `resumeAt` (ISO). Safe to send later as new. */
  | { ok: false; reason: 'Deferred'; resumeAt: string }
  /** Sent, but whether a whole copy exists is not known (no answer, 503/504, unfinished attachments): look for it later. */
  | { ok: false; reason: 'Unknown'; detail: string }
  /** The target folder no longer exists (the user deleted it): the copy re-creates it and tries again. */
  | { ok: false; reason: 'FolderMissing'; detail: string };

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
  /**
   * The id of a whole copy of `item` made by an earlier, interrupted run, if there is one. A copy the
   * earlier run left unfinished (attachments missing) is finished first; one that cannot be is removed,
   * and then there is none.
   */
  findExisting(folderId: string, item: CopyItem): Promise<string | undefined>;
  /**
   * Moves a copy made for another folder into `toFolderId` (its source item was moved, or its folder
   * renamed, on the source); returns its id there, or undefined when the copy no longer exists (the user
   * deleted it in the target) and none with the item's marker is in `toFolderId` either.
   */
  moveItem(fromFolderId: string | undefined, targetId: string, toFolderId: string, item: CopyItem): Promise<string | undefined>;
  /**
   * Removes a copy this run made that turned out to be extra: another run took the item over while this
   * one was stalled, and made or found its copy. A copy that is already gone is not an error.
   */
  removeItem(folderId: string, targetId: string): Promise<void>;
  /** Applies read/flagged changes to copies made earlier. Copies that no longer exist are passed over. */
  setFlags(folderId: string, changes: FlagChange[]): Promise<void>;
  close(): Promise<void>;
}
