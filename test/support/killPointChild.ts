/**
 * Runs one mailbox copy (Dovecot → Microsoft 365 through the sandbox's Graph, or Dovecot → Dovecot) in a
 * child process that kills itself with SIGKILL, as `kill -9` would, at a named point of a page: the Nth time
 * that point is reached (or, with `signal: 'SIGSTOP'`, freezes there until the test sends SIGCONT). The test
 * then copies the rest with a fresh copier and checks that nothing is lost or doubled.
 *
 *   KILL_POINT_SPEC='{"point":"afterCreateBatch","n":2,...}' node dist/test/support/killPointChild.js
 *
 * Settings (storage, prefix, MIGRATION_COPY_LEASE_SECONDS) come from the environment, as for the app.
 * Each page holds the mailbox's copy lease, as the engine always does, so the lease row is left behind by
 * the kill until it expires, and the rerun waits for that.
 *
 * Points (counted from the start of the child):
 * - `holdWrite`: a transaction of holds was written (the items are pending, nothing sent to the target yet);
 * - `beforeCreateBatch` / `afterCreateBatch`: a `$batch` of creates is about to be sent / has been answered;
 * - `beforeCreateItems`: the items are held and reconciled, and createItems is about to be called;
 * - `createItemsReturned`: the target's createItems returned its outcomes (nothing settled yet);
 * - `uploadRange`: a range of an upload session (attachment of 3 MB or more) was stored;
 * - `settleWrite`: a transaction of settlements (not the page's last) was written;
 * - `beforeClose`: the page's closing transaction (its last settlements, its checkpoints and the lease's
 *   release) is about to be sent; `midClose`: it was stored, and the process dies before the engine reads
 *   the answer; `afterClose`: the engine has the answer and goes on (the process dies on the next turn);
 * - `flagBatch`: a `$batch` of read/flag PATCHes has been answered (phase `flags` only).
 * Before dying it writes `KILLED <point> <n>` to stderr; if the point is never reached it exits 0.
 */
import type { GraphConnection } from '../../src/connectors/graph/graphConnection';
import type { CopySettings } from '../../src/services/copy/copyEngine';
import type { CopyLedgerStore } from '../../src/services/ports/copyLedgerStore';
import type { CopyTarget } from '../../src/services/ports/copyTarget';
import { DavItemSource } from '../../src/connectors/dav/davItemSource';
import { createGraphSession } from '../../src/connectors/graph/graphConnection';
import { GraphGroupwareTarget } from '../../src/connectors/graph/graphGroupwareTarget';
import { groupwareCopy, imapToGraphCopy, imapToImapCopy, ledgerStore, type MailboxCopy } from './copyHarness';

export type KillPoint =
  | 'holdWrite'
  | 'beforeCreateItems'
  | 'beforeCreateBatch'
  | 'afterCreateBatch'
  | 'createItemsReturned'
  | 'uploadRange'
  | 'settleWrite'
  | 'beforeClose'
  | 'midClose'
  | 'afterClose'
  | 'flagBatch'
  /** None of its own: the process runs until the test kills it (while the sandbox holds a request, say). */
  | 'byTest';

export interface KillPointSpec {
  point: KillPoint;
  n: number;
  /** `copy`: a pass's pages to the end (as the orchestration); `flags`: a new pass over copied mail, which brings flag changes over. */
  phase: 'copy' | 'flags';
  mailboxKey: string;
  pass: string;
  /** Mail's source (a Dovecot user); absent for contacts and calendars. */
  source?: { host: string; port: number; user: string; password: string };
  /** Contacts and calendars from a DAV server (its URL, a login) instead of mail from `source`. */
  dav?: { url: string; user: string; password: string };
  /** The target: Microsoft 365 through Graph (`graph` and `upn`), or an IMAP Dovecot user (`imapTarget`). */
  graph?: GraphConnection;
  upn?: string;
  imapTarget?: { host: string; port: number; user: string; password: string };
  limits: Partial<CopySettings>;
  /**
   * SIGKILL (default): the process dies at the point. SIGSTOP: it freezes there (a run stalled past its
   * lease, as a paused VM or a long GC would), writing `STOPPED <point> <n>`, and goes on when the test sends SIGCONT.
   */
  signal?: 'SIGKILL' | 'SIGSTOP';
}

const spec = JSON.parse(process.env.KILL_POINT_SPEC ?? '{}') as KillPointSpec;
const counts = new Map<KillPoint, number>();
let inFlagSync = false;
/** The last steps taken, for the report of where the process died. */
const trail: string[] = [];

function stop(point: KillPoint, n: number): void {
  process.stderr.write(`STOPPED ${point} ${n}\n`);
  process.kill(process.pid, 'SIGSTOP');
  process.stderr.write(`CONTINUED ${point} ${n}\n`);
}

function die(point: KillPoint, n: number): Promise<never> {
  process.stderr.write(`KILLED ${point} ${n} ${JSON.stringify({ counts: Object.fromEntries(counts), trail: trail.slice(-12) })}\n`);
  process.kill(process.pid, 'SIGKILL');
  return new Promise<never>(() => undefined);
}

/** Counts a pass through `point`; at the chosen one the process dies there. */
async function reach(point: KillPoint): Promise<void> {
  const n = (counts.get(point) ?? 0) + 1;
  counts.set(point, n);
  trail.push(`${point}#${n}`);
  if (point === spec.point && n === spec.n) {
    if (spec.signal === 'SIGSTOP') stop(point, n);
    else await die(point, n);
  }
}

function urlOf(input: Parameters<typeof fetch>[0]): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return input.url;
}

function methodOf(input: Parameters<typeof fetch>[0], init?: RequestInit): string {
  return (init?.method ?? (typeof input === 'object' && 'method' in input ? input.method : 'GET')).toUpperCase();
}

/** The Graph client and the upload ranges both go through the global fetch: watch its requests. */
function watchFetch(): void {
  const real = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const url = urlOf(input);
    const method = methodOf(input, init);
    const isBatch = method === 'POST' && /\/\$batch(\?|$)/.test(url);
    const isRange = method === 'PUT' && url.includes('/_upload/');
    if (isBatch && !inFlagSync) await reach('beforeCreateBatch');
    const response = await real(input, init);
    if (isBatch && !inFlagSync) await reach('afterCreateBatch');
    if (isBatch && inFlagSync) await reach('flagBatch');
    if (isRange && response.ok) await reach('uploadRange');
    return response;
  };
}

function watchStore(store: CopyLedgerStore): CopyLedgerStore {
  return {
    read: (k, keys) => store.read(k, keys),
    readPrefixes: (k, prefixes) => store.readPrefixes(k, prefixes),
    readRange: (k, low, high, where) => store.readRange(k, low, high, where),
    loadContainers: (k) => store.loadContainers(k),
    forgetMailbox: (k) => store.forgetMailbox(k),
    write: async (k, groups, options) => {
      const results = await store.write(k, groups, options);
      if (options?.stopAtRefusal && results.some((r) => r.kind === 'written')) await reach('holdWrite');
      return results;
    },
    transact: async (k, groups, shared) => {
      const closing = shared.some((w) => w.op === 'lease' && w.lease === 'release');
      if (closing) await reach('beforeClose');
      const answer = await store.transact(k, groups, shared);
      if (closing) {
        // Stored, and the answer never reaches the engine: the write was in flight when the process died.
        await reach('midClose');
        const n = (counts.get('afterClose') ?? 0) + 1;
        counts.set('afterClose', n);
        trail.push(`afterClose#${n}`);
        // The engine has its answer and goes on (statistics, the next page) when the process dies.
        if (spec.point === 'afterClose' && n === spec.n) setImmediate(() => void die('afterClose', n));
      } else if (groups.length > 0 && answer.kind === 'written') {
        await reach('settleWrite');
      }
      return answer;
    },
  };
}

function watchTarget(inner: CopyTarget): CopyTarget {
  return {
    preferredBatchSize: inner.preferredBatchSize,
    ensureFolder: (folder) => inner.ensureFolder(folder),
    createItems: async (folderId, items) => {
      await reach('beforeCreateItems');
      const outcomes = await inner.createItems(folderId, items);
      await reach('createItemsReturned');
      return outcomes;
    },
    findExisting: (folderId, item) => inner.findExisting(folderId, item),
    moveItem: (from, id, to, item) => inner.moveItem(from, id, to, item),
    removeItem: (folder, id) => inner.removeItem(folder, id),
    setFlags: async (folderId, changes) => {
      inFlagSync = true;
      try {
        await inner.setFlags(folderId, changes);
      } finally {
        inFlagSync = false;
      }
    },
    close: () => inner.close(),
  };
}

/** The copy the spec names: contacts and calendars from DAV, or mail to an IMAP or a Graph target. */
async function copyOf(store: CopyLedgerStore): Promise<MailboxCopy> {
  if (spec.dav) {
    const session = createGraphSession(spec.graph!);
    return groupwareCopy({
      mailboxKey: spec.mailboxKey,
      source: new DavItemSource({ url: spec.dav.url, credentials: { username: spec.dav.user, password: spec.dav.password } }),
      target: new GraphGroupwareTarget(session, spec.upn!),
      limits: spec.limits,
      store,
      pass: spec.pass,
    });
  }
  return spec.imapTarget
    ? imapToImapCopy({
        mailboxKey: spec.mailboxKey,
        source: spec.source!,
        sourceUser: [spec.source!.user, spec.source!.password],
        target: spec.imapTarget,
        targetUser: [spec.imapTarget.user, spec.imapTarget.password],
        limits: spec.limits,
        wrapTarget: watchTarget,
        store,
        pass: spec.pass,
      })
    : imapToGraphCopy({
        mailboxKey: spec.mailboxKey,
        source: spec.source!,
        sourceUser: [spec.source!.user, spec.source!.password],
        graph: spec.graph!,
        upn: spec.upn!,
        limits: spec.limits,
        wrapTarget: watchTarget,
        store,
        pass: spec.pass,
      });
}

async function main(): Promise<void> {
  watchFetch();
  const copy = await copyOf(watchStore(ledgerStore()));
  await copy.copyAll({ newPass: spec.phase === 'flags' });
  await copy.close();
  process.stderr.write(`NOT REACHED ${spec.point} ${spec.n}: ${JSON.stringify(Object.fromEntries(counts))}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
