import { randomUUID } from 'node:crypto';
import { type FetchMessageObject, ImapFlow } from 'imapflow';
import { readConfig } from '../../src/config';
import { ImapMailSource } from '../../src/connectors/imap/imapMailSource';
import { ImapCopyTarget } from '../../src/connectors/imap/imapCopyTarget';
import { createGraphSession, type GraphConnection } from '../../src/connectors/graph/graphConnection';
import { GraphCopyTarget } from '../../src/connectors/graph/graphCopyTarget';
import type { ContainerState } from '../../src/core/ledger/containerState';
import { SKIP_PREFIX } from '../../src/core/ledger/ledgerKeys';
import type { SkipRow } from '../../src/core/ledger/ledgerRows';
import type { CopyTarget } from '../../src/services/ports/copyTarget';
import type { CopyLedgerStore } from '../../src/services/ports/copyLedgerStore';
import type { MailSource } from '../../src/services/ports/mailSource';
import { CopyEngine, type CopySettings, type PageOutcome } from '../../src/services/copy/copyEngine';
import type { TypeCounts } from '../../src/contract/stepResults';
import { GroupwareAdapter } from '../../src/services/copy/groupware/groupwareAdapter';
import { mapGroupwareItem } from '../../src/services/copy/groupware/mapGroupwareItem';
import type { ItemAdapter } from '../../src/services/copy/itemAdapter';
import type { GroupwareTarget } from '../../src/services/ports/groupwareTarget';
import type { ItemSource } from '../../src/services/ports/itemSource';
import { MailAdapter } from '../../src/services/copy/mail/mailAdapter';
import { runClockFrom } from '../../src/services/copy/runClock';
import { CopyLedgerRepository } from '../../src/storage/copyLedgerRepository';
import { StorageClients } from '../../src/storage/storageClients';
import type { RunningDovecot } from '../../tools/dovecot/startDovecot';

export function imapServerOf(dovecot: { host: string; port: number }) {
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

/** The mailboxes' copy ledger, in the table the app keeps it in (compositionRoot.ts), under the settings' prefix. */
export function ledgerStore(): CopyLedgerRepository {
  const storage = new StorageClients(readConfig());
  return new CopyLedgerRepository(() => storage.table('copyLedger'));
}

/** The copy settings of the app's defaults (config.ts), changed where a test says. */
export function copySettings(changes: Partial<CopySettings> = {}): CopySettings {
  const copy = readConfig().copy;
  return {
    pageMaxCount: copy.pageMaxCount,
    pageMaxBytes: copy.pageMaxMb * 1024 * 1024,
    pageMaxSeconds: copy.pageMaxSeconds,
    largeItemLimitBytes: copy.largeItemLimitMb * 1024 * 1024,
    badItemLimit: copy.badItemLimit,
    leaseSeconds: copy.leaseSeconds,
    ...changes,
  };
}

/**
 * A mailbox's copy through the one copy engine, run as the activities run it: each page is a run of its
 * own (a new run id, the clock of its call), over the same open connections.
 */
export class MailboxCopy {
  /** The pages run so far, in order. */
  readonly pages: PageOutcome[] = [];

  constructor(
    readonly mailboxKey: string,
    readonly adapters: readonly ItemAdapter[],
    private readonly closers: (() => Promise<void>)[],
    readonly settings: CopySettings,
    readonly store: CopyLedgerStore = ledgerStore(),
    /** The pass (its start time): skips are retried, and bad items counted, once per pass. */
    public pass = new Date().toISOString(),
  ) {}

  get mail(): MailAdapter | undefined {
    return this.adapters.find((a): a is MailAdapter => a instanceof MailAdapter);
  }

  /** An engine for one run, as an activity builds it. */
  engine(runId: string = randomUUID()): CopyEngine {
    return new CopyEngine(
      this.store,
      this.adapters,
      { mailboxKey: this.mailboxKey, pass: this.pass, runId, clock: runClockFrom(new Date().toISOString()) },
      this.settings,
    );
  }

  prepare(): Promise<ContainerState[]> {
    return this.engine().prepare();
  }

  async copyPage(): Promise<PageOutcome> {
    const page = await this.engine().copyPage();
    this.pages.push(page);
    return page;
  }

  /**
   * A new pass, prepared, then pages until the mailbox is up to date, waiting out a `resumeAt` as the durable
   * timer does; `attempts` > 1 runs a page that threw again, as the activity retry does.
   */
  async copyAll(options: { attempts?: number; newPass?: boolean } = {}): Promise<PageOutcome[]> {
    if (options.newPass) this.pass = new Date().toISOString();
    await withAttempts(options.attempts ?? 1, () => this.prepare());
    const pages: PageOutcome[] = [];
    for (;;) {
      const page = await withAttempts(options.attempts ?? 1, () => this.copyPage());
      pages.push(page);
      if (page.resumeAt) await sleepUntil(page.resumeAt);
      else if (page.done) return pages;
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.closers.map((close) => close()));
  }
}

/** Items of a type the pages made, matched or skipped, summed. */
export function pageTotals(pages: readonly PageOutcome[], type: 'mail' | 'contact' | 'event' = 'mail') {
  const sum = (field: keyof TypeCounts) => pages.reduce((n, p) => n + (p.byType[type]?.[field] ?? 0), 0);
  return {
    created: sum('created'),
    matched: sum('matched'),
    updated: sum('updated'),
    removed: sum('removed'),
    skipped: sum('skipped'),
    recovered: sum('recovered'),
    bytes: sum('bytes'),
  };
}

/** A contacts-and-calendars copy from a source (a DAV server) to a target (Microsoft 365 through Graph). */
export function groupwareCopy(options: {
  mailboxKey: string;
  source: ItemSource;
  target: GroupwareTarget;
  limits?: Partial<CopySettings>;
  store?: CopyLedgerStore;
  pass?: string;
}): MailboxCopy {
  return new MailboxCopy(
    options.mailboxKey,
    [new GroupwareAdapter(options.source, options.target, mapGroupwareItem)],
    [() => options.source.close()],
    copySettings(options.limits),
    options.store ?? ledgerStore(),
    options.pass,
  );
}

/**
 * A copy to the end as a second run of the same activity would make it: pages until done, the whole copy
 * tried again (up to 8 times, waiting longer each time) when it fails on something transient, such as a
 * conflict with the other run.
 */
export async function copyAllRetried(copy: MailboxCopy): Promise<void> {
  for (let tries = 1; ; tries += 1) {
    try {
      await copy.copyAll();
      return;
    } catch (error) {
      if (tries >= 8 || (error as { errorClass?: string }).errorClass === 'permanent') throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * tries));
    }
  }
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

/** A mail copy from a source IMAP user to a target: an IMAP Dovecot user by default. */
async function mailCopy(
  mailboxKey: string,
  source: MailSource,
  target: CopyTarget,
  options: { limits?: Partial<CopySettings>; wrapTarget?: (t: CopyTarget) => CopyTarget; store?: CopyLedgerStore; pass?: string },
): Promise<MailboxCopy> {
  const wrapped = options.wrapTarget ? options.wrapTarget(target) : target;
  return new MailboxCopy(
    mailboxKey,
    [new MailAdapter(source, wrapped)],
    [() => source.close(), () => wrapped.close()],
    copySettings(options.limits),
    options.store ?? ledgerStore(),
    options.pass,
  );
}

/** A mail copy from a source Dovecot user to a target Dovecot user. */
export async function imapToImapCopy(options: {
  mailboxKey: string;
  source: { host: string; port: number };
  sourceUser: [string, string];
  target: { host: string; port: number };
  targetUser: [string, string];
  limits?: Partial<CopySettings>;
  wrapTarget?: (t: CopyTarget) => CopyTarget;
  store?: CopyLedgerStore;
  pass?: string;
}): Promise<MailboxCopy> {
  const source = new ImapMailSource(imapServerOf(options.source), passwordLogin(...options.sourceUser));
  await source.connect();
  const target = await ImapCopyTarget.connect(imapServerOf(options.target), passwordLogin(...options.targetUser));
  return mailCopy(options.mailboxKey, source, target, options);
}

/** A mail copy from a source Dovecot user to a Microsoft 365 mailbox through Graph (the sandbox). */
export async function imapToGraphCopy(options: {
  mailboxKey: string;
  source: { host: string; port: number };
  sourceUser: [string, string];
  graph: GraphConnection;
  upn: string;
  limits?: Partial<CopySettings>;
  wrapTarget?: (t: CopyTarget) => CopyTarget;
  store?: CopyLedgerStore;
  pass?: string;
}): Promise<MailboxCopy> {
  const source = new ImapMailSource(imapServerOf(options.source), passwordLogin(...options.sourceUser));
  await source.connect();
  const target = new GraphCopyTarget(createGraphSession(options.graph), options.upn);
  return mailCopy(options.mailboxKey, source, target, options);
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

export function sleepUntil(at: string): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(at) - Date.now())));
}

/** The errors-report rows of a mailbox's ledger: what the copy skipped and still reports. */
export async function skippedRows(mailboxKey: string, store: CopyLedgerStore = ledgerStore()): Promise<SkipRow[]> {
  const rows = await store.readPrefixes<SkipRow>(mailboxKey, [SKIP_PREFIX]);
  return [...rows.values()].map((s) => s.row).filter((row) => !row.cleared);
}

/**
 * The ledger's store with the lease out of the way: every run reads it free and writes it without effect,
 * so each believes it holds the mailbox (the lease lost, as after a stall or a clock jump).
 */
export function withoutLease(store: CopyLedgerStore): CopyLedgerStore {
  return {
    read: (k, keys) => store.read(k, keys),
    readPrefixes: (k, prefixes) => store.readPrefixes(k, prefixes),
    readRange: (k, low, high, where) => store.readRange(k, low, high, where),
    forgetMailbox: (k) => store.forgetMailbox(k),
    write: (k, groups, options) => store.write(k, groups, options),
    loadContainers: async (k) => {
      const { lease: _ignored, ...rest } = await store.loadContainers(k);
      return rest;
    },
    transact: async (k, groups, shared) => {
      const others = shared.filter((w) => w.op !== 'lease');
      const answer = await store.transact(k, groups, others);
      if (answer.kind !== 'written') return answer;
      // The lease's write "succeeded": its ETag stands in the answer where the lease's write was.
      let at = 0;
      return { ...answer, shared: shared.map((w) => (w.op === 'lease' ? 'lease-ignored' : answer.shared[at++])) };
    },
  };
}

/** Pages that found the mailbox held by the other run and only answered when to come back. */
export function busyAnswers(copy: MailboxCopy): number {
  return copy.pages.filter((p) => p.resumeAt !== undefined && Object.keys(p.byType).length === 0).length;
}
