import { ImapFlow, type ImapFlowError } from 'imapflow';

import { MigrationError } from '../../../core/errors/migrationError';
import {
  type FlagState,
  type FolderStatus,
  MailErrorCode,
  type MailSource,
  type PageLimits,
  type SourceFolder,
  type SourceMessage,
  type UidSelection,
} from '../../mailTypes';
import { closeImapClient } from './closeImapClient';
import type { ImapLogin, ImapServer } from './imapConnection';
import { listSourceFolders } from './listSourceFolders';
import { planPage, type SizedUid } from './planPage';
import { toImapFlowOptions, toLoginName } from './toImapFlowOptions';
import { toMessageFlags } from './toMessageFlags';
import { type ErrorContext, toMailError } from './toMailError';
import { isInSelection, toUidRange } from './toUidRange';
import { isExchangeRetrievalStub } from '../../../core/mime/exchangeRetrievalStub';

/**
 * Reads one legacy mailbox over IMAP (imapflow). Folders are opened read-only (EXAMINE,
 * RFC 3501 section 6.3.2) so reading never changes \Seen or \Recent on the source.
 */
export class ImapMailSource implements MailSource {
  private client: ImapFlow | undefined;

  constructor(
    private readonly server: ImapServer,
    private readonly login: ImapLogin,
  ) {}

  async connect(): Promise<void> {
    if (this.client?.usable) return;
    this.client?.close(); // a dropped connection is replaced, not leaked
    const client = new ImapFlow(toImapFlowOptions(this.server, this.login));
    // imapflow emits 'error' on socket failures; without a listener Node would crash the host.
    // The failing command rejects as well, and that is where the error is mapped.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      client.close();
      throw toMailError(error, this.context());
    }
    this.client = client;
  }

  async listFolders(): Promise<SourceFolder[]> {
    const client = this.requireClient();
    try {
      return await listSourceFolders(client);
    } catch (error) {
      throw toMailError(error, this.context());
    }
  }

  async folderStatus(folderPath: string): Promise<FolderStatus> {
    const client = this.requireClient();
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
      throw toMailError(error, this.context(folderPath));
    }
  }

  async *fetchMessages(folderPath: string, selection: UidSelection, limits: PageLimits): AsyncIterable<SourceMessage> {
    const client = this.requireClient();
    const lock = await this.lock(folderPath);
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
      throw toMailError(error, this.context(folderPath));
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
    const client = this.requireClient();
    const lock = await this.lock(folderPath);
    try {
      const found = await client.search({ uid: [...new Set(uids)].sort((a, b) => a - b).join(',') }, { uid: true });
      const wanted = new Set(uids);
      return new Set((found || []).filter((uid) => wanted.has(uid)));
    } catch (error) {
      throw toMailError(error, this.context(folderPath));
    } finally {
      lock.release();
    }
  }

  async fetchFlags(folderPath: string, sinceModseq?: string): Promise<FlagState[]> {
    const client = this.requireClient();
    const lock = await this.lock(folderPath);
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
      throw toMailError(error, this.context(folderPath));
    } finally {
      lock.release();
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await closeImapClient(client);
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
    // Oversized messages are not read, so they take no room in the page's byte budget.
    const limit = limits.skipContentOverBytes ?? Number.POSITIVE_INFINITY;
    const uidsInPage = new Set(
      planPage(
        sized.map((m) => (m.size > limit ? { ...m, size: 0 } : m)),
        limits,
      ),
    );
    return sized.filter((m) => uidsInPage.has(m.uid)).sort((a, b) => a.uid - b.uid);
  }

  private async lock(folderPath: string): Promise<{ release(): void }> {
    try {
      return await this.requireClient().getMailboxLock(folderPath, { readOnly: true });
    } catch (error) {
      throw toMailError(error, this.context(folderPath));
    }
  }

  private requireClient(): ImapFlow {
    if (!this.client) throw new MigrationError(MailErrorCode.NotConnected, 'The IMAP source is not connected: call connect() first.');
    return this.client;
  }

  private context(folder?: string): ErrorContext {
    return { side: 'source', server: `${this.server.host}:${this.server.port}`, login: toLoginName(this.login), folder };
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
