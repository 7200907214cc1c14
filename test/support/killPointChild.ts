/**
 * Runs one mailbox copy (Dovecot → Microsoft 365 through the sandbox's Graph, or Dovecot → Dovecot) in a
 * child process that kills itself with SIGKILL, as `kill -9` would, at a named point of a page: the Nth time
 * that point is reached (or, with `signal: 'SIGSTOP'`, freezes there until the test sends SIGCONT). The test
 * then copies the rest with a fresh copier and checks that nothing is lost or doubled.
 *
 *   KILL_POINT_SPEC='{"point":"afterCreateBatch","n":2,...}' node dist/test/support/killPointChild.js
 *
 * Settings (storage, prefix, MIGRATION_COPY_LEASE_SECONDS) come from the environment, as for the app.
 * Each page (and each flag sync) holds the mailbox's copy lease as MailboxSteps.withLeasedCopier does,
 * so the lease row is left behind by the kill until it expires, and the rerun waits for that.
 *
 * Points (counted from the start of the child):
 * - `claimWrite`: an item claim was written (insert or replace answered with its ETag);
 * - `beforeCreateBatch` / `afterCreateBatch`: a `$batch` of creates is about to be sent / has been answered;
 * - `beforeCreateItems`: the page is claimed and reconciled, and createItems is about to be called;
 * - `createItemsReturned`: the target's createItems returned its outcomes (nothing settled yet);
 * - `uploadRange`: a range of an upload session (attachment of 3 MB or more) was stored;
 * - `beforeCheckpoint`: a folder checkpoint write is about to be sent (the page's claims and item map
 *   are written); `midCheckpoint`: it was stored, and the process dies before the copier reads the answer;
 *   `afterCheckpoint`: the copier has the answer and goes on (the process dies on the next turn);
 * - `flagBatch`: a `$batch` of read/flag PATCHes has been answered (phase `flags` only).
 * Before dying it writes `KILLED <point> <n>` to stderr; if the point is never reached it exits 0.
 */
import { readConfig } from '../../src/config';
import type { CopyLimits } from '../../src/core/copy/copyLimits';
import type { GraphConnection } from '../../src/connectors/graph/graphConnection';
import type { CopyTarget } from '../../src/services/ports/copyTarget';
import type { RunningDovecot } from '../../tools/dovecot/startDovecot';
import { copierStores, copyLeases, copyWholeMailboxLeased, imapToGraphCopier, imapToImapCopier, LeasedRun } from './copyHarness';

export type KillPoint =
  | 'claimWrite'
  | 'beforeCreateItems'
  | 'beforeCreateBatch'
  | 'afterCreateBatch'
  | 'createItemsReturned'
  | 'uploadRange'
  | 'beforeCheckpoint'
  | 'midCheckpoint'
  | 'afterCheckpoint'
  | 'flagBatch';

export interface KillPointSpec {
  point: KillPoint;
  n: number;
  /** `copy`: every folder's pages, then its flag sync (as the orchestration); `flags`: only the flag syncs. */
  phase: 'copy' | 'flags';
  batchId: string;
  mailboxKey: string;
  pass: string;
  source: { host: string; port: number; user: string; password: string };
  /** The target: Microsoft 365 through Graph (`graph` and `upn`), or an IMAP Dovecot user (`imapTarget`). */
  graph?: GraphConnection;
  upn?: string;
  imapTarget?: { host: string; port: number; user: string; password: string };
  limits: Partial<CopyLimits>;
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

function watchStores(stores: ReturnType<typeof copierStores>): void {
  const save = stores.folderStates.save.bind(stores.folderStates);
  stores.folderStates.save = async (mailboxKey, checkpoint, etag) => {
    await reach('beforeCheckpoint');
    const etagAfter = await save(mailboxKey, checkpoint, etag);
    // Stored, and the answer never reaches the copier: the write was in flight when the process died.
    await reach('midCheckpoint');
    const n = (counts.get('afterCheckpoint') ?? 0) + 1;
    counts.set('afterCheckpoint', n);
    trail.push(`afterCheckpoint#${n}`);
    // The copier has its answer and goes on (bad-item count, the next page) when the process dies.
    if (spec.point === 'afterCheckpoint' && n === spec.n) setImmediate(() => void die('afterCheckpoint', n));
    return etagAfter;
  };
  const insert = stores.itemClaims.insert.bind(stores.itemClaims);
  stores.itemClaims.insert = async (...args) => {
    const written = await insert(...args);
    if (written) await reach('claimWrite');
    return written;
  };
  const replace = stores.itemClaims.replace.bind(stores.itemClaims);
  stores.itemClaims.replace = async (...args) => {
    const written = await replace(...args);
    if (written) await reach('claimWrite');
    return written;
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

async function main(): Promise<void> {
  watchFetch();
  const stores = copierStores();
  watchStores(stores);
  const leased = new LeasedRun(copyLeases(), spec.mailboxKey, spec.pass, readConfig().copy.leaseSeconds);
  const copier = spec.imapTarget
    ? await imapToImapCopier({
        batchId: spec.batchId,
        mailboxKey: spec.mailboxKey,
        source: spec.source as unknown as RunningDovecot,
        sourceUser: [spec.source.user, spec.source.password],
        target: spec.imapTarget as unknown as RunningDovecot,
        targetUser: [spec.imapTarget.user, spec.imapTarget.password],
        limits: spec.limits,
        run: leased.run,
        wrapTarget: watchTarget,
        stores,
      })
    : await imapToGraphCopier({
        batchId: spec.batchId,
        mailboxKey: spec.mailboxKey,
        source: spec.source,
        sourceUser: [spec.source.user, spec.source.password],
        graph: spec.graph!,
        upn: spec.upn!,
        limits: spec.limits,
        run: leased.run,
        wrapTarget: watchTarget,
        stores,
      });
  const copyPage = copier.copyPage.bind(copier);
  copier.copyPage = (sourcePath) => {
    trail.push(`page ${sourcePath}`);
    return copyPage(sourcePath);
  };
  if (spec.phase === 'copy') {
    await copyWholeMailboxLeased(copier, leased, { flags: true });
  } else {
    const { folders } = await copier.prepareFolders();
    for (const folder of folders) {
      const answer = await leased.withLease(() => copier.syncFlags(folder.sourcePath));
      if ('busyUntil' in answer) throw new Error(`the lease of ${spec.mailboxKey} was held by another run`);
    }
  }
  await copier.close();
  process.stderr.write(`NOT REACHED ${spec.point} ${spec.n}: ${JSON.stringify(Object.fromEntries(counts))}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
