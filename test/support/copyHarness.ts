import { type FetchMessageObject, ImapFlow } from 'imapflow';
import { readConfig } from '../../src/config';
import { DEFAULT_COPY_LIMITS, type CopyLimits } from '../../src/core/copy/copyLimits';
import { ImapMailSource } from '../../src/connectors/imap/imapMailSource';
import { ImapCopyTarget } from '../../src/connectors/imap/imapCopyTarget';
import type { CopyTarget } from '../../src/services/ports/copyTarget';
import { type CopierRun, type CopyPageResult, MailboxCopier } from '../../src/services/copy/mailboxCopier';
import { HeldCopyLease } from '../../src/services/copy/heldCopyLease';
import { createGraphSession, type GraphConnection } from '../../src/connectors/graph/graphConnection';
import { GraphCopyTarget } from '../../src/connectors/graph/graphCopyTarget';
import { CopyLeaseRepository } from '../../src/storage/copyLeaseRepository';
import { FolderStateRepository } from '../../src/storage/folderStateRepository';
import { ItemMapRepository } from '../../src/storage/itemMapRepository';
import { ItemClaimRepository } from '../../src/storage/itemClaimRepository';
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
    itemClaims: new ItemClaimRepository(() => storage.table('itemClaims')),
    skippedItems: new SkippedItemRepository(() => storage.table('skippedItems')),
  };
}

/** Builds a copier from a source Dovecot user to a target (an IMAP Dovecot user by default). */
export async function imapToImapCopier(options: {
  batchId: string;
  mailboxKey: string;
  source: RunningDovecot;
  sourceUser: [string, string];
  target: RunningDovecot;
  targetUser: [string, string];
  limits?: Partial<CopyLimits>;
  wrapTarget?: (t: CopyTarget) => CopyTarget;
  /** The run (pass and lease check); the default run when absent. */
  run?: CopierRun;
  stores?: ReturnType<typeof copierStores>;
}): Promise<MailboxCopier> {
  const source = new ImapMailSource(imapServerOf(options.source), passwordLogin(...options.sourceUser));
  await source.connect();
  const imapTarget = await ImapCopyTarget.connect(imapServerOf(options.target), passwordLogin(...options.targetUser));
  const target = options.wrapTarget ? options.wrapTarget(imapTarget) : imapTarget;
  return new MailboxCopier(
    { batchId: options.batchId, mailboxKey: options.mailboxKey },
    source,
    target,
    options.stores ?? copierStores(),
    { ...DEFAULT_COPY_LIMITS, ...options.limits },
    options.run,
  );
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

export interface StoredMessageView {
  folder: string;
  uid: number;
  flags: string[];
  internalDate: string;
  sha: string;
  size: number;
}

/**
 * Visits every message of a mailbox, folder by folder (read-only; \Noselect parents hold none), fetched with
 * UID, flags, INTERNALDATE and its bytes.
 */
export async function forEachStoredMessage(client: ImapFlow, visit: (folder: string, message: FetchMessageObject) => Promise<void> | void): Promise<void> {
  for (const folder of await client.list()) {
    if (folder.flags.has('\\Noselect')) continue;
    const lock = await client.getMailboxLock(folder.path, { readOnly: true });
    try {
      if (client.mailbox === false || client.mailbox.exists === 0) continue;
      for await (const m of client.fetch('1:*', { uid: true, flags: true, internalDate: true, source: true })) await visit(folder.path, m);
    } finally {
      lock.release();
    }
  }
}

/** Every message of a mailbox, folder by folder, with flags, date and a hash of its bytes. */
export async function readMailbox(client: ImapFlow): Promise<StoredMessageView[]> {
  const { createHash } = await import('node:crypto');
  const out: StoredMessageView[] = [];
  await forEachStoredMessage(client, (folder, m) => {
    out.push({
      folder,
      uid: m.uid,
      flags: [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort(),
      internalDate: new Date(m.internalDate ?? 0).toISOString(),
      sha: createHash('sha256').update(m.source!).digest('hex'),
      size: m.source!.length,
    });
  });
  return out;
}

/** How often each key occurs: two such maps compared show what is missing and what is there twice. */
export function tally(keys: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

// ---- Added for issue 11's kill-point and concurrency tests (killPoints, concurrentPages). ----

/** What `createGraphSession` needs to reach a running m365-sandbox (plain data: it crosses to a child process as JSON). */
export function sandboxConnection(sandbox: {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  origin: string;
  authorityHost: string;
  caCertificatePem: string | undefined;
}): GraphConnection {
  return {
    tenantId: sandbox.tenantId,
    clientId: sandbox.clientId,
    clientSecret: sandbox.clientSecret,
    baseUrl: `${sandbox.origin}/`,
    authorityHost: sandbox.authorityHost,
    caCertificatePem: sandbox.caCertificatePem!,
  };
}

/** Builds a copier from a source Dovecot user to a Microsoft 365 mailbox through Graph (the sandbox). */
export async function imapToGraphCopier(options: {
  batchId: string;
  mailboxKey: string;
  source: { host: string; port: number };
  sourceUser: [string, string];
  graph: GraphConnection;
  upn: string;
  limits?: Partial<CopyLimits>;
  run?: CopierRun;
  wrapTarget?: (t: CopyTarget) => CopyTarget;
  stores?: ReturnType<typeof copierStores>;
}): Promise<MailboxCopier> {
  const source = new ImapMailSource(imapServerOf(options.source as RunningDovecot), passwordLogin(...options.sourceUser));
  await source.connect();
  const graphTarget = new GraphCopyTarget(createGraphSession(options.graph), options.upn);
  const target = options.wrapTarget ? options.wrapTarget(graphTarget) : graphTarget;
  return new MailboxCopier(
    { batchId: options.batchId, mailboxKey: options.mailboxKey },
    source,
    target,
    options.stores ?? copierStores(),
    { ...DEFAULT_COPY_LIMITS, ...options.limits },
    options.run,
  );
}

/** The mailboxes' copy leases, in the table the app keeps them in (compositionRoot.ts). */
export function copyLeases(): CopyLeaseRepository {
  const storage = new StorageClients(readConfig());
  return new CopyLeaseRepository(() => storage.table('folderState'));
}

/**
 * A CopierRun whose mailbox lease is taken for each page and released after it, as
 * MailboxSteps.withLeasedCopier does for each activity. Give `run` to the copier; run each page
 * through `withLease`, which answers `{ busyUntil }` (and does nothing) when another run holds the lease.
 */
export class LeasedRun {
  readonly run: CopierRun;
  /** How many times the lease was found held by another run. */
  busyAnswers = 0;
  private held: HeldCopyLease | undefined;

  constructor(
    private readonly leases: CopyLeaseRepository,
    private readonly mailboxKey: string,
    pass: string,
    private readonly seconds: number,
  ) {
    this.run = { pass, assertLeaseHeld: () => (this.held ? this.held.assertHeld() : Promise.resolve()) };
  }

  async withLease<T>(work: () => Promise<T>): Promise<{ value: T } | { busyUntil: string }> {
    const lease = await HeldCopyLease.take(this.leases, this.mailboxKey, this.seconds);
    if ('busyUntil' in lease) {
      this.busyAnswers += 1;
      return lease;
    }
    this.held = lease;
    try {
      return { value: await work() };
    } finally {
      this.held = undefined;
      await lease.release();
    }
  }
}

export function sleepUntil(at: string): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(at) - Date.now())));
}

/**
 * copyWholeMailbox as the orchestration runs it with leases: each folder's pages until done (waiting
 * out a held lease or a `resumeAt` as the durable timer does), then, with `flags`, its flag sync.
 * `attempts` > 1 retries a page that threw, as the activity retry does.
 */
export async function copyWholeMailboxLeased(copier: MailboxCopier, leased: LeasedRun, options: { attempts?: number; flags?: boolean } = {}) {
  const { folders } = await copier.prepareFolders();
  const results: CopyPageResult[] = [];
  const leasedStep = async <T>(work: () => Promise<T>): Promise<T> => {
    for (;;) {
      const answer = await withAttempts(options.attempts ?? 1, () => leased.withLease(work));
      if ('value' in answer) return answer.value;
      await sleepUntil(answer.busyUntil);
    }
  };
  for (const folder of folders) {
    for (;;) {
      const page = await leasedStep(() => copier.copyPage(folder.sourcePath));
      results.push(page);
      if (page.resumeAt) await sleepUntil(page.resumeAt);
      if (page.done) break;
    }
    if (options.flags) await leasedStep(() => copier.syncFlags(folder.sourcePath));
  }
  return { folders, results };
}
