import { ImapFlow, type ImapFlowError } from 'imapflow';

import { MigrationError } from '../../core/errors/migrationError';
import {
  type FlagState,
  type FolderStatus,
  type MailSource,
  type PageLimits,
  type SourceFolder,
  type SourceMessage,
  type UidSelection,
} from '../../services/ports/mailSource';
import { ImapSession } from './imapSession';
import type { ImapLogin, ImapServer } from './imapConnection';
import { listSourceFolders } from './listSourceFolders';
import { planSizedPage, type SizedUid } from './planPage';
import { toMessageFlags } from './toMessageFlags';
import { toMailError } from './toMailError';
import { isInSelection, toUidRange } from './toUidRange';
import { isExchangeRetrievalStub } from '../../core/mime/exchangeRetrievalStub';
import { MailErrorCode } from '../../core/errors/migrationErrorCode';

/**
 * Reads one legacy mailbox over IMAP (imapflow). Folders are opened read-only (EXAMINE,
 * RFC 3501 section 6.3.2) so reading never changes \Seen or \Recent on the source.
 */
export class ImapMailSource implements MailSource {
  private readonly session: ImapSession;

  constructor(server: ImapServer, login: ImapLogin) {
    this.session = new ImapSession(server, login, 'source');
  }

  async connect(): Promise<void> {
    await this.session.connect();
  }

  async listFolders(): Promise<SourceFolder[]> {
    const client = this.session.require();
    try {
      return await listSourceFolders(client);
    } catch (error) {
      throw toMailError(error, this.session.context());
    }
  }

  async folderStatus(folderPath: string): Promise<FolderStatus> {
    const client = this.session.require();
    try {
      // A connection kept between pages still has the folder selected, and STATUS of the selected
      // folder may answer from that session's view (RFC 3501 section 6.3.10 advises against it):
      // leave it first, so mail that arrived since is counted.
      if (client.mailbox !== false && client.mailbox.path === folderPath) await client.mailboxClose();
      const status = await client.status(folderPath, { messages: true, uidNext: true, uidValidity: true, highestModseq: true });
      if (status === false) throw new MigrationError(MailErrorCode.FolderNotFound, `The source folder "${folderPath}" no longer exists.`);
      let { uidValidity, uidNext } = status;
      // A server may leave items out of STATUS; EXAMINE reports them too (RFC 3501 section 6.3.2).
      // A missing value is never read as "nothing new": without both, the folder cannot be copied safely.
      if (uidValidity === undefined || uidNext === undefined) {
        const lock = await client.getMailboxLock(folderPath, { readOnly: true });
        try {
          if (client.mailbox !== false) {
            uidValidity ??= client.mailbox.uidValidity;
            uidNext ??= client.mailbox.uidNext;
          }
        } finally {
          lock.release();
        }
      }
      if (uidValidity === undefined || uidNext === undefined || !uidNext) {
        throw new MigrationError(
          MailErrorCode.FolderStatusIncomplete,
          `The source server gives no ${uidValidity === undefined ? 'UIDVALIDITY' : 'UIDNEXT'} for "${folderPath}", neither in STATUS nor in EXAMINE, so its progress cannot be tracked; the folder is left out.`,
        );
      }
      return {
        uidValidity: uidValidity.toString(),
        uidNext,
        ...(status.highestModseq !== undefined ? { highestModseq: status.highestModseq.toString() } : {}),
        messages: status.messages ?? 0,
      };
    } catch (error) {
      throw toMailError(error, this.session.context(folderPath));
    }
  }

  async *fetchMessages(folderPath: string, selection: UidSelection, limits: PageLimits): AsyncIterable<SourceMessage> {
    const client = this.session.require();
    const lock = await this.session.lock(folderPath, { readOnly: true });
    try {
      const sized = await this.planFolderPage(client, selection, limits);
      if (sized.length === 0) return;
      const limit = limits.skipContentOverBytes ?? Number.POSITIVE_INFINITY;
      const oversized = sized.filter((m) => m.size > limit).map((m) => m.uid);
      const found = new Map<number, SourceMessage>();
      if (oversized.length > 0) for await (const message of this.fetchOversized(client, oversized)) found.set(message.uid, message);
      const page = sized.filter((m) => m.size <= limit).map((m) => m.uid);
      if (page.length > 0) for (const message of await this.fetchContent(client, page)) found.set(message.uid, message);
      // Every planned UID is accounted for: what did not come back is either gone or unreadable.
      const missing = sized.map((m) => m.uid).filter((uid) => !found.has(uid));
      for (const message of await this.accountForMissing(client, missing)) found.set(message.uid, message);
      yield* [...found.values()].sort((a, b) => a.uid - b.uid);
    } catch (error) {
      throw toMailError(error, this.session.context(folderPath));
    } finally {
      lock.release();
    }
  }

  async presentUids(folderPath: string, uidValidity: string, uids: number[]): Promise<Set<number>> {
    if (uids.length === 0) return new Set();
    let status: FolderStatus;
    try {
      status = await this.folderStatus(folderPath);
    } catch (error) {
      if (error instanceof MigrationError && (error.code === MailErrorCode.FolderNotFound || error.code === MailErrorCode.FolderStatusIncomplete))
        return new Set();
      throw error;
    }
    if (status.uidValidity !== uidValidity) return new Set();
    const client = this.session.require();
    const lock = await this.session.lock(folderPath, { readOnly: true });
    try {
      const found = await client.search({ uid: [...new Set(uids)].sort((a, b) => a - b).join(',') }, { uid: true });
      const wanted = new Set(uids);
      return new Set((found || []).filter((uid) => wanted.has(uid)));
    } catch (error) {
      throw toMailError(error, this.session.context(folderPath));
    } finally {
      lock.release();
    }
  }

  async fetchFlags(folderPath: string, sinceModseq?: string): Promise<FlagState[]> {
    const client = this.session.require();
    const lock = await this.session.lock(folderPath, { readOnly: true });
    try {
      if (client.mailbox === false || client.mailbox.exists === 0) return [];
      const condstore = client.enabled.has('CONDSTORE') || client.capabilities.has('CONDSTORE');
      const options = { uid: true, ...(condstore && sinceModseq ? { changedSince: BigInt(sinceModseq) } : {}) };
      const states: FlagState[] = [];
      for await (const message of client.fetch('1:*', { uid: true, flags: true }, options)) {
        // Unsolicited FETCH responses (another session changed flags) can arrive without a UID.
        if (typeof message.uid !== 'number') continue;
        states.push({
          uid: message.uid,
          flags: toMessageFlags(message.flags),
          ...(message.modseq !== undefined ? { modseq: message.modseq.toString() } : {}),
        });
      }
      return states.sort((a, b) => a.uid - b.uid);
    } catch (error) {
      throw toMailError(error, this.session.context(folderPath));
    } finally {
      lock.release();
    }
  }

  async close(): Promise<void> {
    await this.session.close();
  }

  /** Messages too large to copy: their envelope, flags and size only, never their content. */
  private async *fetchOversized(client: ImapFlow, uids: number[]): AsyncIterable<SourceMessage> {
    const wanted = new Set(uids);
    for await (const message of client.fetch(uids.join(','), { uid: true, flags: true, internalDate: true, size: true, envelope: true }, { uid: true })) {
      if (!wanted.has(message.uid)) continue;
      yield {
        uid: message.uid,
        flags: toMessageFlags(message.flags),
        internalDate: new Date(message.internalDate ?? 0).toISOString(),
        size: message.size ?? 0,
        source: Buffer.alloc(0),
        oversized: { subject: message.envelope?.subject ?? '' },
      };
    }
  }

  /**
   * Reads the content of the page's messages. A FETCH refused with NO (Exchange does this for items it
   * cannot convert) is read again one message at a time, so only the messages it refuses are bad items.
   */
  private async fetchContent(client: ImapFlow, uids: number[]): Promise<SourceMessage[]> {
    try {
      return await this.fetchBodies(client, uids);
    } catch (error) {
      if (!isRefusal(error) || uids.length === 1) {
        if (isRefusal(error)) return [unreadable(uids[0]!, `The source server refused to give the message: ${refusalText(error)}`)];
        throw error;
      }
    }
    const messages: SourceMessage[] = [];
    for (const uid of uids) messages.push(...(await this.fetchContent(client, [uid])));
    return messages;
  }

  private async fetchBodies(client: ImapFlow, uids: number[]): Promise<SourceMessage[]> {
    const planned = new Set(uids);
    const messages: SourceMessage[] = [];
    const query = { uid: true, flags: true, internalDate: true, size: true, source: true };
    for await (const message of client.fetch(uids.join(','), query, { uid: true })) {
      // Skips unsolicited FETCH responses (flag changes from other sessions, RFC 3501 7.4.2).
      if (!message.source || !planned.has(message.uid)) continue;
      planned.delete(message.uid);
      if (isExchangeRetrievalStub(message.source)) {
        messages.push(
          unreadable(
            message.uid,
            'The source server could not convert the item to MIME and sent its "Retrieval using the IMAP4 protocol failed" notice instead.',
            message.size ?? message.source.length,
          ),
        );
        continue;
      }
      messages.push({
        uid: message.uid,
        flags: toMessageFlags(message.flags),
        internalDate: new Date(message.internalDate ?? 0).toISOString(),
        size: message.size ?? message.source.length,
        source: message.source,
      });
    }
    return messages;
  }

  /** Planned UIDs that came back without content: expunged meanwhile (vanished), or asked once more, then unreadable. */
  private async accountForMissing(client: ImapFlow, uids: number[]): Promise<SourceMessage[]> {
    if (uids.length === 0) return [];
    const present = new Set((await client.search({ uid: uids.join(',') }, { uid: true })) || []);
    const out: SourceMessage[] = uids
      .filter((uid) => !present.has(uid))
      .map((uid) => ({ uid, flags: [], internalDate: new Date(0).toISOString(), size: 0, source: Buffer.alloc(0), vanished: true as const }));
    const again = uids.filter((uid) => present.has(uid));
    const reread = again.length > 0 ? await this.fetchContent(client, again) : [];
    const got = new Set(reread.map((m) => m.uid));
    out.push(
      ...reread,
      ...again.filter((uid) => !got.has(uid)).map((uid) => unreadable(uid, 'The source server answered the FETCH without the message content, twice.')),
    );
    return out;
  }

  /** Sizes first (RFC822.SIZE only), so a page is planned before any message body is read. */
  private async planFolderPage(client: ImapFlow, selection: UidSelection, limits: PageLimits): Promise<SizedUid[]> {
    const range = toUidRange(selection);
    if (range === null || client.mailbox === false || client.mailbox.exists === 0) return [];
    const found = await client.search({ uid: range }, { uid: true });
    const uids = (found || []).filter((uid) => isInSelection(uid, selection)).sort((a, b) => a - b);
    const candidates = uids.slice(0, Math.max(1, limits.maxCount));
    if (candidates.length === 0) return [];
    const sized: SizedUid[] = [];
    for await (const message of client.fetch(candidates.join(','), { uid: true, size: true }, { uid: true })) {
      sized.push({ uid: message.uid, size: message.size ?? 0 });
    }
    return planSizedPage(sized, limits);
  }
}

function unreadable(uid: number, detail: string, size = 0): SourceMessage {
  return { uid, flags: [], internalDate: new Date(0).toISOString(), size, source: Buffer.alloc(0), unreadable: { detail } };
}

/** A command the server answered NO (not a dropped connection or a throttle): retrying it as it is will not help. */
function isRefusal(error: unknown): boolean {
  const e = error as ImapFlowError | undefined;
  return e?.responseStatus === 'NO' || e?.responseStatus === 'BAD';
}

function refusalText(error: unknown): string {
  const e = error as ImapFlowError;
  return `${e.responseStatus}${e.serverResponseCode ? ` [${e.serverResponseCode}]` : ''} ${typeof e.responseText === 'string' ? e.responseText.slice(0, 200) : ''}`.trim();
}
