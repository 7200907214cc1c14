import type { Readable } from 'node:stream';

/**
 * The contract between the mailbox copy engine and the mail servers it reads from (what it writes to
 * is the CopyTarget port, copyTarget.ts; the MailErrorCodes below are raised by both sides).
 * Values that may cross a Durable activity boundary (folders, flag states) are plain JSON: 64-bit
 * IMAP numbers (UIDVALIDITY, MODSEQ) are decimal strings, dates ISO 8601.
 */

/** RFC 6154 special-use attributes, plus `\Inbox` for the INBOX itself. */
export type SpecialUse = '\\Inbox' | '\\All' | '\\Archive' | '\\Drafts' | '\\Flagged' | '\\Junk' | '\\Sent' | '\\Trash';

export interface SourceFolder {
  /** Full path as the server names it, decoded from modified UTF-7 (RFC 3501 section 5.1.3). */
  path: string;
  /** Last segment of the path. */
  name: string;
  /** Hierarchy delimiter reported by LIST, e.g. `/` or `.`; empty for a flat server. */
  delimiter: string;
  parentPath?: string;
  /** Only what the server itself announced (RFC 6154 SPECIAL-USE or XLIST), never a guess from the name. */
  specialUse?: SpecialUse;
  /** False for `\Noselect` / `\NonExistent` parents, which hold no messages (their counters are 0). */
  selectable: boolean;
  /** UIDVALIDITY (RFC 3501 section 2.3.1.1) as a decimal string. */
  uidValidity: string;
  uidNext: number;
  /** HIGHESTMODSEQ (RFC 7162) as a decimal string, when the server offers CONDSTORE. */
  highestModseq?: string;
  messages: number;
}

export type FolderStatus = Pick<SourceFolder, 'uidValidity' | 'uidNext' | 'highestModseq' | 'messages'>;

/** Which messages to read: a closed or open UID range (`uidTo` absent = up to the newest), or a list. */
export type UidSelection = { uidFrom: number; uidTo?: number } | { uids: number[] };

/** Bounds of one page. At least one message is always returned, even one larger than maxBytes. */
export interface PageLimits {
  maxBytes: number;
  maxCount: number;
  /**
   * Messages larger than this are returned without their content (`oversized`, with the subject
   * from the envelope): they will be skipped, so they are never read into memory.
   */
  skipContentOverBytes?: number;
}

export interface SourceMessage {
  uid: number;
  flags: string[];
  /** INTERNALDATE (RFC 3501 section 2.3.3) as ISO 8601. */
  internalDate: string;
  /** RFC822.SIZE: octets of the message as stored. */
  size: number;
  /** The exact stored octets (empty when `oversized`). Never passed through an activity boundary. */
  source: Buffer | Readable;
  /** Over the page's `skipContentOverBytes`: the content was not read. */
  oversized?: { subject: string };
  /**
   * The server would not give the content (FETCH `NO`, an answer without a body, or Exchange's
   * "Retrieval using the IMAP4 protocol failed" stub in place of the item): a bad item, never a message.
   */
  unreadable?: { detail: string; subject?: string };
  /** Planned for the page but expunged on the source before it was read: deleted, nothing to copy. */
  vanished?: true;
}

export interface FlagState {
  uid: number;
  flags: string[];
  /** MODSEQ of the message (RFC 7162), when the server offers CONDSTORE. */
  modseq?: string;
}

export interface MailSource {
  connect(): Promise<void>;
  listFolders(): Promise<SourceFolder[]>;
  /** One folder's counters (STATUS): what a copy page needs, without listing the whole mailbox. */
  folderStatus(folderPath: string): Promise<FolderStatus>;
  /**
   * Messages in ascending UID order, stopping at the page limits. Every UID planned for the page is
   * yielded exactly once, as a message or marked `oversized`, `unreadable` or `vanished`: none is
   * dropped silently, so the copy never moves past a UID it has not accounted for.
   */
  fetchMessages(folderPath: string, selection: UidSelection, limits: PageLimits): AsyncIterable<SourceMessage>;
  /** Which of these UIDs are still in the folder under this UIDVALIDITY (none when the folder is gone or renumbered). */
  presentUids(folderPath: string, uidValidity: string, uids: number[]): Promise<Set<number>>;
  /** Flags of every message, or only of those changed after `sinceModseq` when CONDSTORE is offered. */
  fetchFlags(folderPath: string, sinceModseq?: string): Promise<FlagState[]>;
  close(): Promise<void>;
}
