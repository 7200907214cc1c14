import { ImapFlow } from 'imapflow';
import { readConfig } from '../../src/config';
import { DEFAULT_COPY_LIMITS, type CopyLimits } from '../../src/core/copy/copyLimits';
import { ImapMailSource } from '../../src/connectors/source/imap/imapMailSource';
import { ImapCopyTarget } from '../../src/connectors/target/imap/imapCopyTarget';
import type { CopyTarget } from '../../src/services/copy/copyTarget';
import { MailboxCopier } from '../../src/services/copy/mailboxCopier';
import { FolderStateRepository } from '../../src/storage/folderStateRepository';
import { ItemMapRepository } from '../../src/storage/itemMapRepository';
import { SkippedItemRepository } from '../../src/storage/skippedItemRepository';
import { StorageClients } from '../../src/storage/storageClients';
import type { RunningDovecot } from '../../tools/dovecot/startDovecot';

export function imapServerOf(dovecot: RunningDovecot) {
  return { host: dovecot.host, port: dovecot.port, security: 'none' as const, allowPlaintext: true };
}

export function passwordLogin(user: string, password: string) {
  return { kind: 'password' as const, user, password };
}

export async function connectImap(dovecot: RunningDovecot, user: string, password: string): Promise<ImapFlow> {
  const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, doSTARTTLS: false, logger: false, auth: { user, pass: password } });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

export function copierStores() {
  const storage = new StorageClients(readConfig());
  return {
    folderStates: new FolderStateRepository(() => storage.table('folderState')),
    itemMap: new ItemMapRepository(() => storage.table('itemMap')),
    skippedItems: new SkippedItemRepository(() => storage.table('skippedItems')),
  };
}

/** Builds a copier from a source Dovecot user to a target (an IMAP Dovecot user by default). */
export async function imapToImapCopier(options: {
  batchId: string; mailboxKey: string; source: RunningDovecot; sourceUser: [string, string];
  target: RunningDovecot; targetUser: [string, string]; limits?: Partial<CopyLimits>; wrapTarget?: (t: CopyTarget) => CopyTarget;
}): Promise<MailboxCopier> {
  const source = new ImapMailSource(imapServerOf(options.source), passwordLogin(...options.sourceUser));
  await source.connect();
  const imapTarget = await ImapCopyTarget.connect(imapServerOf(options.target), passwordLogin(...options.targetUser));
  const target = options.wrapTarget ? options.wrapTarget(imapTarget) : imapTarget;
  return new MailboxCopier({ batchId: options.batchId, mailboxKey: options.mailboxKey }, source, target, copierStores(), { ...DEFAULT_COPY_LIMITS, ...options.limits });
}

/**
 * Runs pages until every folder is done; returns the page results. `attempts` > 1 retries a
 * failed page as the orchestration's activity retry does (the item map makes that safe). A page
 * that ends with `resumeAt` is followed by a wait until then, as the orchestration's durable timer.
 */
export async function copyWholeMailbox(copier: MailboxCopier, attempts = 1) {
  const { folders } = await copier.prepareFolders();
  const results = [];
  for (const folder of folders) {
    for (;;) {
      const page = await withAttempts(attempts, () => copier.copyPage(folder.sourcePath));
      results.push(page);
      if (page.resumeAt) await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(page.resumeAt!) - Date.now())));
      if (page.done) break;
    }
  }
  return { folders, results };
}

async function withAttempts<T>(attempts: number, work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((r) => setTimeout(r, 1000 * attempt));
    }
  }
}

export interface StoredMessageView { folder: string; uid: number; flags: string[]; internalDate: string; sha: string; size: number }

/** Every message of a mailbox, folder by folder, with flags, date and a hash of its bytes. */
export async function readMailbox(client: ImapFlow): Promise<StoredMessageView[]> {
  const { createHash } = await import('node:crypto');
  const out: StoredMessageView[] = [];
  for (const folder of await client.list()) {
    if (folder.flags.has('\\Noselect')) continue;
    const lock = await client.getMailboxLock(folder.path, { readOnly: true });
    try {
      if (client.mailbox === false || client.mailbox.exists === 0) continue;
      for await (const m of client.fetch('1:*', { uid: true, flags: true, internalDate: true, source: true })) {
        out.push({
          folder: folder.path, uid: m.uid, flags: [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort(),
          internalDate: new Date(m.internalDate ?? 0).toISOString(), sha: createHash('sha256').update(m.source!).digest('hex'), size: m.source!.length,
        });
      }
    } finally {
      lock.release();
    }
  }
  return out;
}
