/**
 * Issue 11, "Done when": two concurrent runs of the same page show 0 duplicates.
 *
 * Durable activities run at least once: a lost lease, a host killed mid-page, or Stop→Resume while a page
 * still runs can run the same page twice at the same time. Two copiers of the same mailbox (same
 * mailboxKey, same storage; Dovecot → Dovecot, the target slowed down so the runs overlap) copy the same
 * folder at once:
 * 1. each page holding the mailbox's copy lease, as the engine always does: one of them finds it held and
 *    waits (resumeAt), as the orchestration does on a durable timer;
 * 2. with the lease taken out of the way (each run is told it holds it: a lease lost, as when a host's
 *    clock jumps or a run stalls past it): only the ledger's holds (insert-only, ETag'd) and the ETag'd
 *    checkpoints stand between them. A run may fail with a transient LedgerConflict or CopyStateChanged; it is
 *    tried again, as the activity retry would;
 * 3. "a lost lease": a run holding the lease freezes (SIGSTOP, as a paused VM or a long GC) in a child
 *    process after claiming its page and before its creates, for longer than the lease; another run takes the
 *    lease over and copies the mailbox; then the frozen run goes on (SIGCONT).
 * The end state must hold every source message exactly once. 1 and 2 are repeated with different interleavings.
 * These are slow fault cases; run them alone with `npx jest -t "slow fault"`.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { generateCorpus } from '../../../tools/corpus/generateCorpus';
import { seedMailbox } from '../../../tools/corpus/seedMailbox';
import { type RunningDovecot, startDovecot } from '../../../tools/dovecot/startDovecot';
import type { CopyTarget } from '../../../src/services/ports/copyTarget';
import type { CopyLedgerStore } from '../../../src/services/ports/copyLedgerStore';
import {
  busyAnswers,
  connectImap,
  copyAllRetried,
  imapToImapCopy,
  ledgerStore,
  type MailboxCopy,
  readMailbox,
  tally,
  withoutLease,
} from '../../support/copyHarness';
import { useAppTestEnvironment } from '../../support/appTestEnvironment';
import type { KillPointSpec } from '../../support/killPointChild';

useAppTestEnvironment();
const LEASE_SECONDS = 5;
process.env.MIGRATION_COPY_LEASE_SECONDS = String(LEASE_SECONDS);
const PASS = '2007-06-01T00:00:00.000Z';
const MESSAGES = 20;
const LIMITS = { pageMaxCount: 5 };
const CHILD = path.resolve(__dirname, '../../../dist/test/support/killPointChild.js');

/** How the two runs interleave: when the second starts, and how slow each one's target is. */
interface Interleaving {
  name: string;
  secondStartsAfterMs: number;
  createDelayMs: [number, number];
  perItemMs: [number, number];
}
const INTERLEAVINGS: Interleaving[] = [
  { name: 'both at once, same speed', secondStartsAfterMs: 0, createDelayMs: [300, 300], perItemMs: [30, 30] },
  { name: 'second starts while the first is creating, and is faster', secondStartsAfterMs: 350, createDelayMs: [400, 0], perItemMs: [80, 10] },
  { name: 'second starts while the first waits before its creates', secondStartsAfterMs: 150, createDelayMs: [700, 100], perItemMs: [10, 40] },
];

let source: RunningDovecot;
let target: RunningDovecot;
const USERS = [...INTERLEAVINGS.map((_, i) => `leased${i}`), ...INTERLEAVINGS.map((_, i) => `free${i}`), 'stalled'];
const children = new Set<ReturnType<typeof spawn>>();

beforeAll(async () => {
  source = await startDovecot({ users: USERS.map((name) => ({ name, password: 'src-pw' })) });
  target = await startDovecot({ users: USERS.map((name) => ({ name, password: 'dst-pw' })) });
  for (const user of USERS) {
    const client = await connectImap(source, user, 'src-pw');
    const messages = [...generateCorpus({ seed: 7, count: MESSAGES - 1, averageBytes: 4_000, folders: [['INBOX']] })];
    // The same bytes filed twice: two copies are right, and the claims must tell them apart.
    await seedMailbox(client, { messages: [...messages, { ...messages[12]!, index: 100 }] });
    await client.logout();
  }
}, 240_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all([source?.stop(), target?.stop()]);
});

/** The target, slowed: a pause before each createItems (after the page is claimed), then one item at a time. */
function slowed(delayMs: number, perItemMs: number) {
  return (inner: CopyTarget): CopyTarget => ({
    preferredBatchSize: inner.preferredBatchSize,
    ensureFolder: (folder) => inner.ensureFolder(folder),
    createItems: async (folderId, items) => {
      await sleep(delayMs);
      const outcomes = [];
      for (const item of items) {
        outcomes.push(...(await inner.createItems(folderId, [item])));
        await sleep(perItemMs);
      }
      return outcomes;
    },
    findExisting: (folderId, item) => inner.findExisting(folderId, item),
    moveItem: (from, id, to, item) => inner.moveItem(from, id, to, item),
    removeItem: (folder, id) => inner.removeItem(folder, id),
    setFlags: (folderId, changes) => inner.setFlags(folderId, changes),
    close: () => inner.close(),
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function copierFor(user: string, interleaving: Interleaving, which: 0 | 1, store?: CopyLedgerStore): Promise<MailboxCopy> {
  return imapToImapCopy({
    mailboxKey: user,
    source,
    sourceUser: [user, 'src-pw'],
    target,
    targetUser: [user, 'dst-pw'],
    limits: LIMITS,
    wrapTarget: slowed(interleaving.createDelayMs[which], interleaving.perItemMs[which]),
    pass: PASS,
    ...(store ? { store } : {}),
  });
}

/** Source and target, message by message (SHA-256 of the bytes): what is missing and what is there too often. */
async function compare(user: string): Promise<{ source: number; target: number; lost: number; duplicated: number }> {
  const s = await connectImap(source, user, 'src-pw');
  const d = await connectImap(target, user, 'dst-pw');
  const [src, dst] = [await readMailbox(s), await readMailbox(d)];
  await Promise.all([s.logout(), d.logout()]);
  const [want, have] = [tally(src.map((m) => m.sha)), tally(dst.map((m) => m.sha))];
  let lost = 0;
  let duplicated = 0;
  for (const sha of new Set([...want.keys(), ...have.keys()])) {
    lost += Math.max(0, (want.get(sha) ?? 0) - (have.get(sha) ?? 0));
    duplicated += Math.max(0, (have.get(sha) ?? 0) - (want.get(sha) ?? 0));
  }
  return { source: src.length, target: dst.length, lost, duplicated };
}

describe('[slow fault] two runs of the same page at the same time', () => {
  it.each(INTERLEAVINGS.map((interleaving, i) => [interleaving.name, i] as const))(
    'holding the mailbox lease (%s): one waits for the other, 0 duplicates, 0 lost',
    async (_name, i) => {
      const interleaving = INTERLEAVINGS[i]!;
      const user = `leased${i}`;
      const copiers = [await copierFor(user, interleaving, 0), await copierFor(user, interleaving, 1)];
      try {
        await Promise.all([copiers[0]!.copyAll(), sleep(interleaving.secondStartsAfterMs).then(() => copiers[1]!.copyAll())]);
      } finally {
        await Promise.all(copiers.map((c) => c.close()));
      }
      expect(busyAnswers(copiers[0]!) + busyAnswers(copiers[1]!)).toBeGreaterThan(0);
      expect(await compare(user)).toEqual({ source: MESSAGES, target: MESSAGES, lost: 0, duplicated: 0 });
    },
    180_000,
  );

  it.each(INTERLEAVINGS.map((interleaving, i) => [interleaving.name, i] as const))(
    'with the lease out of the way, only the ledger (%s): 0 duplicates, 0 lost',
    async (_name, i) => {
      const interleaving = INTERLEAVINGS[i]!;
      const user = `free${i}`;
      const store = withoutLease(ledgerStore());
      const copiers = [await copierFor(user, interleaving, 0, store), await copierFor(user, interleaving, 1, store)];
      try {
        await Promise.all([copyAllRetried(copiers[0]!), sleep(interleaving.secondStartsAfterMs).then(() => copyAllRetried(copiers[1]!))]);
      } finally {
        await Promise.all(copiers.map((c) => c.close()));
      }
      expect(await compare(user)).toEqual({ source: MESSAGES, target: MESSAGES, lost: 0, duplicated: 0 });
    },
    180_000,
  );

  it('holding the mailbox lease, a run frozen past its lease before its creates, then resumed after another run took the page over: 0 duplicates, 0 lost', async () => {
    const user = 'stalled';
    const spec: KillPointSpec = {
      point: 'beforeCreateItems',
      n: 1,
      signal: 'SIGSTOP',
      phase: 'copy',
      mailboxKey: user,
      pass: PASS,
      source: { host: source.host, port: source.port, user, password: 'src-pw' },
      imapTarget: { host: target.host, port: target.port, user, password: 'dst-pw' },
      limits: LIMITS,
    };
    const child = spawn(process.execPath, [CHILD], { env: { ...process.env, KILL_POINT_SPEC: JSON.stringify(spec) }, stdio: ['ignore', 'ignore', 'pipe'] });
    children.add(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    for (let waited = 0; !stderr.includes('STOPPED'); waited += 100) {
      if (waited > 60_000 || child.exitCode !== null) throw new Error(`the first run never reached its creates: ${stderr}`);
      await sleep(100);
    }
    // The frozen run's lease lapses; this run takes the mailbox over and copies it whole.
    const copier = await copierFor(user, INTERLEAVINGS[0]!, 1);
    try {
      await copier.copyAll({ attempts: 4 });
    } finally {
      await copier.close();
    }
    // The frozen run wakes up and sends the creates it was about to send: it must undo them.
    child.kill('SIGCONT');
    await exited;
    children.delete(child);
    expect(await compare(user)).toEqual({ source: MESSAGES, target: MESSAGES, lost: 0, duplicated: 0 });
  }, 180_000);
});
