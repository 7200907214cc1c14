import { createHash } from 'node:crypto';
import { ImapFlow, type ListResponse } from 'imapflow';
import { type TargetFolderPath, WELL_KNOWN_DISPLAY_NAMES, type WellKnownFolder } from '../../core/folders/targetFolderPath';
import { readHeaderSummary } from '../../core/mime/readHeaderSummary';
import type { CopyItem, CopyTarget, CreateOutcome, FlagChange } from '../../services/ports/copyTarget';
import { MigrationError } from '../../core/errors/migrationError';
import type { ImapLogin, ImapServer } from './imapConnection';
import { ImapSession } from './imapSession';
import { multiAppend, supportsMultiAppend } from './multiAppend';
import { toImapFlowOptions } from './toImapFlowOptions';
import { ImapCommandRefused, toMailError } from './toMailError';
import { toTargetImapPath } from './toTargetImapPath';
import { MailErrorCode } from '../../core/errors/migrationErrorCode';

/** Messages, and bytes, sent in one MULTIAPPEND command at most: a refused batch is sent again one by one. */
const MULTIAPPEND_COUNT = 100;
const MULTIAPPEND_BYTES = 16 * 1024 * 1024;

/** The items in batches for MULTIAPPEND, each within the count and the bytes (a larger message alone). */
function multiAppendBatches(items: CopyItem[]): CopyItem[][] {
  const batches: CopyItem[][] = [];
  let batch: CopyItem[] = [];
  let bytes = 0;
  for (const item of items) {
    if (batch.length > 0 && (batch.length >= MULTIAPPEND_COUNT || bytes + item.raw.length > MULTIAPPEND_BYTES)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(item);
    bytes += item.raw.length;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

const SPECIAL_USE_OF: Readonly<Record<WellKnownFolder, string>> = {
  inbox: '\\Inbox',
  sentitems: '\\Sent',
  deleteditems: '\\Trash',
  drafts: '\\Drafts',
  junkemail: '\\Junk',
  archive: '\\Archive',
};

/** The target's folders as listed once per connection, plus the ones created since. */
interface KnownFolders {
  listed: ListResponse[];
  paths: Set<string>;
}

/**
 * The copy engine's view of an IMAP target: writes into a mailbox over IMAP (any IMAP4rev1 server, or
 * Exchange Online with XOAUTH2). Folder ids are the target's full mailbox paths; item ids are
 * `<UIDVALIDITY>:<UID>` from APPENDUID (RFC 4315) when the server offers UIDPLUS.
 *
 * Messages are appended byte for byte, so no marker can be stamped on them: a copy is found by the
 * bytes that were sent (not the source's RFC822.SIZE, which Exchange 2007/2010 only estimate), or, when
 * the target rewrote them, by Message-ID and Date. Copies that belong to other items with the same
 * bytes are never taken for this one.
 */
export class ImapCopyTarget implements CopyTarget {
  readonly preferredBatchSize = 100;
  private readonly session: ImapSession;
  private folders: KnownFolders | undefined;
  private searchClient: ImapFlow | undefined;

  private constructor(
    private readonly server: ImapServer,
    private readonly login: ImapLogin,
  ) {
    this.session = new ImapSession(server, login, 'target');
  }

  static async connect(server: ImapServer, login: ImapLogin): Promise<ImapCopyTarget> {
    const target = new ImapCopyTarget(server, login);
    await target.session.connect();
    return target;
  }

  /** Creates the folder (and its parents) unless it exists; returns the target's id for it. */
  async ensureFolder(folder: TargetFolderPath): Promise<string> {
    const client = this.session.require();
    try {
      const folders = await this.knownFolders(client);
      const prefix = client.namespace?.prefix ?? '';
      const delimiter = client.namespace?.delimiter ?? folders.listed[0]?.delimiter ?? '/';
      let path = folder.wellKnown ? this.findWellKnown(folders, folder.wellKnown) : null;
      if (folder.wellKnown && path === null) {
        path = toTargetImapPath(null, [WELL_KNOWN_DISPLAY_NAMES[folder.wellKnown]], prefix, delimiter);
        await this.create(client, path);
      }
      // One level at a time: RFC 3501 lets servers refuse to create missing parents.
      for (const segment of folder.segments) {
        path = toTargetImapPath(path, [segment], prefix, delimiter);
        await this.create(client, path);
      }
      if (path === null) throw new MigrationError(MailErrorCode.FolderNotFound, 'A target folder needs a well-known folder or a name.');
      return path;
    } catch (error) {
      throw toMailError(error, this.session.context());
    }
  }

  /**
   * Appends the items, several to one MULTIAPPEND command where the server offers it (RFC 3502): one round
   * trip and one transaction for a batch instead of one per message. A batch the server refuses (MULTIAPPEND
   * appends all or none) is appended again one by one, so only the message it refuses is skipped.
   */
  async createItems(folderId: string, items: CopyItem[]): Promise<CreateOutcome[]> {
    const client = this.session.require();
    if (items.length < 2 || !supportsMultiAppend(client)) return this.createOneByOne(folderId, items);
    const outcomes: CreateOutcome[] = [];
    for (const batch of multiAppendBatches(items)) {
      let ids: (string | null)[];
      try {
        ids = await multiAppend(client, folderId, batch);
      } catch (error) {
        const mapped = toMailError(error, this.session.context(folderId));
        if (!(mapped instanceof ImapCommandRefused) || mapped.errorClass === 'transient') throw mapped;
        outcomes.push(...(await this.createOneByOne(folderId, batch)));
        continue;
      }
      for (const [index, item] of batch.entries()) outcomes.push(await this.confirmed(folderId, item, ids[index] ?? null));
    }
    return outcomes;
  }

  private async createOneByOne(folderId: string, items: CopyItem[]): Promise<CreateOutcome[]> {
    const outcomes: CreateOutcome[] = [];
    for (const item of items) outcomes.push(await this.createItem(folderId, item));
    return outcomes;
  }

  /**
   * Appends one message. An APPEND the server refuses (NO: TOOBIG, OVERQUOTA, bytes it will not take)
   * skips the item, and the page goes on; only a lost connection is thrown, for the page to be retried.
   * Without UIDPLUS the server names no UID, so the copy is looked up: its id must be real, or every
   * later flag change would miss it.
   */
  private async createItem(folderId: string, item: CopyItem): Promise<CreateOutcome> {
    let appended: string | null;
    try {
      appended = await this.append(folderId, item);
    } catch (error) {
      if (!(error instanceof ImapCommandRefused) || error.errorClass === 'transient' || error.responseCode === undefined) throw error;
      const subject = readHeaderSummary(item.raw).subject;
      if (error.responseCode === 'TRYCREATE') {
        this.forgetFolders();
        return { ok: false, reason: 'FolderMissing', detail: error.message };
      }
      if (error.responseCode === 'TOOBIG') return { ok: false, reason: 'TooLarge', detail: error.message, subject };
      return { ok: false, reason: 'RejectedByTarget', detail: error.message, subject };
    }
    return this.confirmed(folderId, item, appended);
  }

  /** A message the server took: its id as the server named it, or (no UIDPLUS) as looked up by its bytes. */
  private async confirmed(folderId: string, item: CopyItem, appended: string | null): Promise<CreateOutcome> {
    const targetId = appended ?? (await this.findExisting(folderId, item));
    if (!targetId)
      return {
        ok: false,
        reason: 'Unknown',
        detail: `"${folderId}" took the message but gave no UID (no UIDPLUS), and it was not found yet; it is looked for again later.`,
      };
    return { ok: true, targetId };
  }

  async findExisting(folderId: string, item: CopyItem): Promise<string | undefined> {
    const client = await this.searcher();
    const lock = await this.lockFolder(client, folderId, true);
    if (!lock) return undefined;
    try {
      if (client.mailbox === false) return undefined;
      const uidValidity = client.mailbox.uidValidity.toString();
      const taken = new Set(item.excludeTargetIds ?? []);
      const free = (uid: number) => !taken.has(`${uidValidity}:${uid}`);
      const bySize = ((await client.search({ larger: item.raw.length - 1, smaller: item.raw.length + 1 }, { uid: true })) || []).filter(free);
      if (bySize.length > 0) {
        const wanted = createHash('sha256').update(item.raw).digest('hex');
        for await (const message of client.fetch(bySize.join(','), { uid: true, source: true }, { uid: true })) {
          if (message.source && free(message.uid) && createHash('sha256').update(message.source).digest('hex') === wanted)
            return `${uidValidity}:${message.uid}`;
        }
      }
      // A target that rewrites what it stores (adds headers, re-encodes) never has the same bytes.
      const { messageId, date } = identityHeaders(item.raw);
      if (!messageId) return undefined;
      const byId = ((await client.search({ header: { 'message-id': messageId } }, { uid: true })) || []).filter(free);
      if (byId.length === 0) return undefined;
      for await (const message of client.fetch(byId.join(','), { uid: true, envelope: true }, { uid: true })) {
        if (!free(message.uid)) continue;
        const sent = message.envelope?.date ? new Date(message.envelope.date).getTime() : undefined;
        if (date === undefined || sent === undefined || sent === date) return `${uidValidity}:${message.uid}`;
      }
      return undefined;
    } catch (error) {
      throw toMailError(error, this.session.context(folderId));
    } finally {
      lock.release();
    }
  }

  async moveItem(fromFolderId: string | undefined, targetId: string, toFolderId: string, item: CopyItem): Promise<string | undefined> {
    const [uidValidity, uid] = targetId.split(':');
    if (fromFolderId && uid) {
      const client = await this.searcher();
      const lock = await this.lockFolder(client, fromFolderId, false);
      if (lock) {
        try {
          if (client.mailbox !== false && client.mailbox.uidValidity.toString() === uidValidity) {
            const moved = await client.messageMove(uid, toFolderId, { uid: true });
            const newUid = moved ? moved.uidMap?.get(Number(uid)) : undefined;
            if (moved && newUid !== undefined && moved.uidValidity !== undefined) return `${moved.uidValidity}:${newUid}`;
          }
        } catch (error) {
          throw toMailError(error, this.session.context(fromFolderId));
        } finally {
          lock.release();
        }
      }
    }
    // Moved without a UID to tell (no UIDPLUS), moved earlier by a run that died, or deleted by the user.
    return this.findExisting(toFolderId, item);
  }

  async removeItem(folderId: string, targetId: string): Promise<void> {
    const [uidValidity, uid] = targetId.split(':');
    const client = await this.searcher();
    const lock = uid ? await this.lockFolder(client, folderId, false) : undefined;
    if (!lock) return;
    try {
      // Only the copy named: with UIDPLUS's UID EXPUNGE (RFC 4315), nothing else flagged \Deleted goes.
      if (client.mailbox !== false && client.mailbox.uidValidity.toString() === uidValidity) await client.messageDelete(uid!, { uid: true });
    } catch (error) {
      throw toMailError(error, this.session.context(folderId));
    } finally {
      lock.release();
    }
  }

  async setFlags(folderId: string, changes: FlagChange[]): Promise<void> {
    for (const change of changes) {
      try {
        await this.setItemFlags(folderId, change);
      } catch (error) {
        // The copy was deleted or moved on the target by its user: nothing to update.
        if (error instanceof MigrationError && error.code === MailErrorCode.ItemNotFound) continue;
        throw error;
      }
    }
  }

  async close(): Promise<void> {
    const searcher = this.searchClient;
    this.searchClient = undefined;
    this.folders = undefined;
    await Promise.allSettled([this.session.close(), searcher?.logout()]);
  }

  /**
   * APPENDs the exact bytes with the item's flags, and its internal date kept as the target's
   * INTERNALDATE. Returns the copy's id from APPENDUID (RFC 4315), or null when the server names none
   * (no UIDPLUS).
   */
  private async append(folderId: string, item: CopyItem): Promise<string | null> {
    const client = this.session.require();
    // \Recent is session state the server sets; RFC 3501 section 2.3.2 forbids clients to set it.
    const flags = item.flags.filter((flag) => flag.toLowerCase() !== '\\recent');
    try {
      const date = item.internalDate ? new Date(item.internalDate) : undefined;
      const result = await client.append(folderId, item.raw, flags, date);
      if (!result) throw new MigrationError(MailErrorCode.CommandRejected, `APPEND to "${folderId}" failed.`, 'transient');
      return result.uid !== undefined && result.uidValidity !== undefined ? `${result.uidValidity}:${result.uid}` : null;
    } catch (error) {
      throw toMailError(error, this.session.context(folderId));
    }
  }

  /** Adds and removes flags of one copy appended earlier; flags not named are left as the user set them. */
  private async setItemFlags(folderId: string, change: FlagChange): Promise<void> {
    const client = this.session.require();
    const [uidValidity, uid] = change.targetId.split(':');
    const lock = await this.session.lock(folderId, { readOnly: false });
    try {
      if (client.mailbox === false || client.mailbox.uidValidity.toString() !== uidValidity || !uid) {
        throw new MigrationError(MailErrorCode.ItemNotFound, `Item ${change.targetId} is no longer in "${folderId}" (UIDVALIDITY changed).`);
      }
      // Only the flags that changed on the source: a flag the user set on the target stays (RFC 3501 STORE +FLAGS/-FLAGS).
      const add = change.add.filter((flag) => flag.toLowerCase() !== '\\recent');
      const remove = change.remove.filter((flag) => flag.toLowerCase() !== '\\recent');
      if (add.length > 0) await client.messageFlagsAdd(uid, add, { uid: true });
      if (remove.length > 0) await client.messageFlagsRemove(uid, remove, { uid: true });
    } catch (error) {
      throw toMailError(error, this.session.context(folderId));
    } finally {
      lock.release();
    }
  }

  /** Forgets the folders listed so far: one turned out deleted, and the next ensureFolder lists them again. */
  private forgetFolders(): void {
    this.folders = undefined;
  }

  private findWellKnown(folders: KnownFolders, wellKnown: WellKnownFolder): string | null {
    if (wellKnown === 'inbox') return 'INBOX';
    const flag = SPECIAL_USE_OF[wellKnown];
    const entries = folders.listed;
    // Declared special use first (RFC 6154); then imapflow's guess from well-known names.
    const match = entries.find((e) => e.specialUse === flag && e.specialUseSource === 'extension') ?? entries.find((e) => e.specialUse === flag);
    return match?.path ?? null;
  }

  private async create(client: ImapFlow, path: string): Promise<void> {
    const folders = await this.knownFolders(client);
    if (folders.paths.has(path)) return;
    // mailboxCreate treats ALREADYEXISTS (RFC 5530) as success, so a retried page is harmless.
    await client.mailboxCreate(path);
    folders.paths.add(path);
  }

  private async knownFolders(client: ImapFlow): Promise<KnownFolders> {
    if (!this.folders) {
      const listed = await client.list();
      this.folders = { listed, paths: new Set(listed.map((entry) => entry.path)) };
    }
    return this.folders;
  }

  /** The folder opened on the second connection, or undefined when it does not exist (any more). */
  private async lockFolder(client: ImapFlow, folderId: string, readOnly: boolean): Promise<{ release(): void } | undefined> {
    try {
      return await client.getMailboxLock(folderId, { readOnly });
    } catch (error) {
      const mapped = toMailError(error, this.session.context(folderId));
      if (mapped.code === MailErrorCode.FolderNotFound || (mapped.code === MailErrorCode.CommandRejected && mapped.errorClass === 'permanent'))
        return undefined;
      throw mapped;
    }
  }

  /** A second connection, opened only when copies must be looked for or moved. */
  private async searcher(): Promise<ImapFlow> {
    if (!this.searchClient?.usable) {
      this.searchClient?.close();
      const client = new ImapFlow(toImapFlowOptions(this.server, this.login));
      client.on('error', () => undefined);
      await client.connect();
      this.searchClient = client;
    }
    return this.searchClient;
  }
}

/** Message-ID and Date of a message, the fallback identity when a target rewrote its bytes. */
function identityHeaders(raw: Buffer): { messageId?: string; date?: number } {
  const head = raw.subarray(0, Math.min(raw.length, 64 * 1024)).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const unfolded = (end >= 0 ? head.slice(0, end) : head).replace(/\r?\n[ \t]+/g, ' ');
  const header = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(unfolded)?.[1]?.trim();
  const messageId = header('Message-ID');
  const dateText = header('Date');
  const date = dateText ? Date.parse(dateText) : Number.NaN;
  return { ...(messageId ? { messageId } : {}), ...(Number.isNaN(date) ? {} : { date }) };
}
