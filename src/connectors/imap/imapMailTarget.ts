import { ImapFlow, type ListResponse } from 'imapflow';

import { MigrationError } from '../../core/errors/migrationError';
import { type TargetFolderPath, WELL_KNOWN_DISPLAY_NAMES, type WellKnownFolder } from '../../core/folders/targetFolderPath';
import { type AppendOptions, type AppendResult, MailErrorCode, type MailTarget } from '../../services/ports/mailSource';
import { ImapSession } from './imapSession';
import type { ImapLogin, ImapServer } from './imapConnection';
import { toMailError } from './toMailError';
import { toTargetImapPath } from './toTargetImapPath';

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
 * Writes into a mailbox over IMAP (any IMAP4rev1 server, or Exchange Online with XOAUTH2).
 * Folder ids are the target's full mailbox paths; item ids are `<UIDVALIDITY>:<UID>` from
 * APPENDUID (RFC 4315) when the server offers UIDPLUS.
 */
export class ImapMailTarget implements MailTarget {
  private readonly session: ImapSession;
  private folders: KnownFolders | undefined;

  constructor(server: ImapServer, login: ImapLogin) {
    this.session = new ImapSession(server, login, 'target');
  }

  async connect(): Promise<void> {
    await this.session.connect();
  }

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

  async append(folderId: string, raw: Buffer, options: AppendOptions): Promise<AppendResult> {
    const client = this.session.require();
    // \Recent is session state the server sets; RFC 3501 section 2.3.2 forbids clients to set it.
    const flags = options.flags.filter((flag) => flag.toLowerCase() !== '\\recent');
    try {
      const date = options.internalDate ? new Date(options.internalDate) : undefined;
      const result = await client.append(folderId, raw, flags, date);
      if (!result) throw new MigrationError(MailErrorCode.CommandRejected, `APPEND to "${folderId}" failed.`, 'transient');
      const targetId = result.uid !== undefined && result.uidValidity !== undefined ? `${result.uidValidity}:${result.uid}` : null;
      return { targetId };
    } catch (error) {
      throw toMailError(error, this.session.context(folderId));
    }
  }

  async setFlags(folderId: string, targetId: string, change: { add: string[]; remove: string[] }): Promise<void> {
    const client = this.session.require();
    const [uidValidity, uid] = targetId.split(':');
    const lock = await this.session.lock(folderId, { readOnly: false });
    try {
      if (client.mailbox === false || client.mailbox.uidValidity.toString() !== uidValidity || !uid) {
        throw new MigrationError(MailErrorCode.ItemNotFound, `Item ${targetId} is no longer in "${folderId}" (UIDVALIDITY changed).`);
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
  forgetFolders(): void {
    this.folders = undefined;
  }

  async close(): Promise<void> {
    this.folders = undefined;
    await this.session.close();
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
}
