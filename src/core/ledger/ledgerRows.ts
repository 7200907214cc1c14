import type { ItemType } from '../copy/itemType';

/**
 * `pending`: the copy is being made (or a run died making it): look for its marker before making it.
 * `copied`: the copy exists at `targetId`. `skipped`: no copy, for the reason given. `gone`: the copy
 * existed and the user deleted it in the target: it is not made again.
 */
export type ItemState = 'pending' | 'copied' | 'skipped' | 'gone';

/**
 * One item of a mailbox and what became of it: the only record of whether its copy exists. Every type
 * keeps the same rule (services/copy/itemLedger.ts): a row is held (`pending`, naming the run) before
 * the target is asked, and settled after, each write conditional on the row as it was read.
 */
export interface ItemRow {
  state: ItemState;
  /** The run that holds a pending row (or retries a skipped one); another run finds its copy by marker. */
  holder?: string;
  /** The container the item is in at the source now (its key in the containers table). */
  container: string;
  /** The source version the copy was made from (a DAV ETag); mail is known by its bytes and has none. */
  version?: string;
  targetId?: string;
  /** The target folder or collection the copy is in, or is being made in while pending. */
  targetContainerId?: string;
  /** Mail: the source message that owns this occurrence now. */
  sourcePath?: string;
  uidValidity?: string;
  uid?: number;
  /** Contacts and events: the item's href at the source. */
  href?: string;
  /** A subject or a name, for reports. */
  title?: string;
  size?: number;
  /** Why a skipped item was skipped: a code, and the sentence the errors report gives. */
  reason?: string;
  detail?: string;
  /** A skip a later pass tries again (the target refused it, the source would not give it). */
  retryable?: boolean;
  /** The pass (its start time) that last settled or tried the item. */
  pass?: string;
}

/**
 * Where a mail item is on the source: one row per folder, UIDVALIDITY and UID, pointing at its item row.
 * It lets a flag sync find a UID's copy, and a pass retry the UIDs it skipped, without the bytes.
 */
export interface PositionRow {
  /** The item row (`mail|content|occurrence`); absent for a message skipped before its bytes were read. */
  itemKey?: string;
  state: Exclude<ItemState, 'pending'>;
  targetId?: string;
  /** Source flags last applied to the copy (JSON list), so only what changed is sent. */
  flags: string;
  size: number;
  retryable?: boolean;
  pass?: string;
}

/** An item the copy skipped, as the errors report (MigrationErrors.csv) lists it. */
export interface SkipRow {
  type: ItemType;
  /** The container's key, and its name as the report shows it (a folder path, an address book's name). */
  container: string;
  where: string;
  title: string;
  size: number;
  reason: string;
  detail: string;
  pass: string;
  /** A later try copied it after all: kept, no longer reported. */
  cleared?: boolean;
}

/** A row with the table ETag it was read (or written) with. */
export interface Stored<T> {
  row: T;
  etag: string;
}
