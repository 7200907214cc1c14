import { createHash } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import type { TargetFolderPath } from '../../core/folders/targetFolderPath';
import { readHeaderSummary } from '../../core/mime/readHeaderSummary';
import type { CopyItem, CopyTarget, CreateOutcome, FlagChange } from '../../services/ports/copyTarget';
import { MigrationError } from '../../core/errors/migrationError';
import { MailErrorCode } from '../../services/ports/mailSource';
import type { ImapLogin, ImapServer } from './imapConnection';
import { toImapFlowOptions, toLoginName } from './toImapFlowOptions';
import { type ErrorContext, ImapCommandRefused, toMailError } from './toMailError';
import { ImapMailTarget } from './imapMailTarget';

/**
 * The copy engine's view of an IMAP target. Messages are appended byte for byte, so no marker can be
 * stamped on them: a copy is found by the bytes that were sent (not the source's RFC822.SIZE, which
 * Exchange 2007/2010 only estimate), or, when the target rewrote them, by Message-ID and Date.
 * Copies that belong to other items with the same bytes are never taken for this one.
 */
export class ImapCopyTarget implements CopyTarget {
  readonly preferredBatchSize = 50;
  private searchClient: ImapFlow | undefined;

  constructor(
    private readonly target: ImapMailTarget,
    private readonly server: ImapServer,
    private readonly login: ImapLogin,
  ) {}

  static async connect(server: ImapServer, login: ImapLogin): Promise<ImapCopyTarget> {
    const target = new ImapMailTarget(server, login);
    await target.connect();
    return new ImapCopyTarget(target, server, login);
  }

  ensureFolder(folder: TargetFolderPath): Promise<string> {
    return this.target.ensureFolder(folder);
  }

  async createItems(folderId: string, items: CopyItem[]): Promise<CreateOutcome[]> {
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
      appended = (await this.target.append(folderId, item.raw, { flags: item.flags, internalDate: item.internalDate })).targetId;
    } catch (error) {
      if (!(error instanceof ImapCommandRefused) || error.errorClass === 'transient' || error.responseCode === undefined) throw error;
      const subject = readHeaderSummary(item.raw).subject;
      if (error.responseCode === 'TRYCREATE') {
        this.target.forgetFolders();
        return { ok: false, reason: 'FolderMissing', detail: error.message };
      }
      if (error.responseCode === 'TOOBIG') return { ok: false, reason: 'TooLarge', detail: error.message, subject };
      return { ok: false, reason: 'RejectedByTarget', detail: error.message, subject };
    }
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
      throw toMailError(error, this.context(folderId));
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
          throw toMailError(error, this.context(fromFolderId));
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
      throw toMailError(error, this.context(folderId));
    } finally {
      lock.release();
    }
  }

  async setFlags(folderId: string, changes: FlagChange[]): Promise<void> {
    for (const change of changes) {
      try {
        await this.target.setFlags(folderId, change.targetId, change);
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
    await Promise.allSettled([this.target.close(), searcher?.logout()]);
  }

  /** The folder opened on the second connection, or undefined when it does not exist (any more). */
  private async lockFolder(client: ImapFlow, folderId: string, readOnly: boolean): Promise<{ release(): void } | undefined> {
    try {
      return await client.getMailboxLock(folderId, { readOnly });
    } catch (error) {
      const mapped = toMailError(error, this.context(folderId));
      if (mapped.code === MailErrorCode.FolderNotFound || (mapped.code === MailErrorCode.CommandRejected && mapped.errorClass === 'permanent'))
        return undefined;
      throw mapped;
    }
  }

  private context(folder: string): ErrorContext {
    return { side: 'target', server: `${this.server.host}:${this.server.port}`, login: toLoginName(this.login), folder };
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
