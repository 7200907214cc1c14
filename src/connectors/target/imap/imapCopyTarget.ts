import { createHash } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import type { TargetFolderPath } from '../../../core/folders/targetFolderPath';
import type { CopyItem, CopyTarget, CreateOutcome } from '../../../services/copy/copyTarget';
import type { ImapLogin, ImapServer } from '../../source/imap/imapConnection';
import { toImapFlowOptions } from '../../source/imap/toImapFlowOptions';
import { ImapMailTarget } from './imapMailTarget';

/**
 * The copy engine's view of an IMAP target. Messages are appended byte for byte, so no marker
 * can be stamped on them: a copy left by an interrupted run is found by its exact size and then
 * its bytes (SHA-256), which identifies it without changing it.
 */
export class ImapCopyTarget implements CopyTarget {
  readonly preferredBatchSize = 50;
  private searchClient: ImapFlow | undefined;

  constructor(private readonly target: ImapMailTarget, private readonly server: ImapServer, private readonly login: ImapLogin) {}

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
    for (const item of items) {
      const result = await this.target.append(folderId, item.raw, { flags: item.flags, internalDate: item.internalDate });
      // Without UIDPLUS the server gives no id; the folder and size still let the copy be found.
      outcomes.push({ ok: true, targetId: result.targetId ?? `unknown:${item.uid}` });
    }
    return outcomes;
  }

  async findExisting(folderId: string, item: CopyItem): Promise<string | undefined> {
    const client = await this.searcher();
    const lock = await client.getMailboxLock(folderId, { readOnly: true });
    try {
      if (client.mailbox === false) return undefined;
      const uidValidity = client.mailbox.uidValidity.toString();
      const uids = await client.search({ larger: item.size - 1, smaller: item.size + 1 }, { uid: true });
      if (!uids || uids.length === 0) return undefined;
      const wanted = createHash('sha256').update(item.raw).digest('hex');
      for await (const message of client.fetch(uids.join(','), { uid: true, source: true }, { uid: true })) {
        if (message.source && createHash('sha256').update(message.source).digest('hex') === wanted) return `${uidValidity}:${message.uid}`;
      }
      return undefined;
    } finally {
      lock.release();
    }
  }

  async setFlags(folderId: string, changes: { targetId: string; flags: string[] }[]): Promise<void> {
    for (const change of changes) await this.target.setFlags(folderId, change.targetId, change.flags);
  }

  async close(): Promise<void> {
    const searcher = this.searchClient;
    this.searchClient = undefined;
    await Promise.allSettled([this.target.close(), searcher?.logout()]);
  }

  /** A second connection, opened only when a crashed run left pending items to look for. */
  private async searcher(): Promise<ImapFlow> {
    if (!this.searchClient) {
      const client = new ImapFlow(toImapFlowOptions(this.server, this.login));
      client.on('error', () => undefined);
      await client.connect();
      this.searchClient = client;
    }
    return this.searchClient;
  }
}
