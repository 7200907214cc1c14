/**
 * Issue 11, "Done when": two concurrent runs of the same page show 0 duplicates.
 *
 * Durable activities run at least once: a lost lease, a host killed mid-page, or Stop→Resume while a page
 * still runs can run the same page twice at the same time. Two copiers of the same mailbox (same
 * mailboxKey, same storage; Dovecot → Dovecot, the target slowed down so the runs overlap) copy the same
 * folder at once:
 * 1. each page holding the mailbox's copy lease, as MailboxSteps.withLeasedCopier does: one of them finds
 *    it held and waits (resumeAt), as the orchestration does on a durable timer;
 * 2. with no lease at all (the default CopierRun): only the item claims (insert-only, ETag'd) and the
 *    ETag'd checkpoints stand between them. A run may fail with a transient ConcurrencyError, ClaimConflict
 *    or ClaimLost; it is tried again, as the activity retry would;
 * 3. "a lost lease": a run holding the lease freezes (SIGSTOP, as a paused VM or a long GC) in a child
 *    process after claiming its page and before its creates, for longer than the lease; another run takes the
 *    lease over and copies the mailbox; then the frozen run goes on (SIGCONT).
 * The end state must hold every source message exactly once. 1 and 2 are repeated with different interleavings.
 * These are slow fault cases; run them alone with `npx jest -t "slow fault"`.
 */
import { spawn } from 'node:child_process';
import { generateCorpus } from '../../../tools/corpus/generateCorpus';
import { seedMailbox } from '../../../tools/corpus/seedMailbox';
import { type RunningDovecot, startDovecot } from '../../../tools/dovecot/startDovecot';
import type { CopyTarget } from '../../../src/services/copy/copyTarget';
import type { MailboxCopier } from '../../../src/services/copy/mailboxCopier';
import { connectImap, copyLeases, copyWholeMailboxLeased, imapToImapCopier, LeasedRun, readMailbox } from '../../support/copyHarness';
import { useAppTestEnvironment } from '../../support/appTestEnvironment';

useAppTestEnvironment();
const LEASE_SECONDS = 5;
process.env.MIGRATION_COPY_LEASE_SECONDS = String(LEASE_SECONDS);
const PASS = '2007-06-01T00:00:00.000Z';
const MESSAGES = 20;
const LIMITS = { pageMaxCount: 5 };

/** How the two runs interleave: when the second starts, and how slow each one's target is. */
interface Interleaving { name: string; secondStartsAfterMs: number; createDelayMs: [number, number]; perItemMs: [number, number] }
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
    setFlags: (folderId, changes) => inner.setFlags(folderId, changes),
    close: () => inner.close(),
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function copierFor(user: string, interleaving: Interleaving, which: 0 | 1, run?: LeasedRun): Promise<MailboxCopier> {
  return imapToImapCopier({
    batchId: 'twice', mailboxKey: user, source, sourceUser: [user, 'src-pw'], target, targetUser: [user, 'dst-pw'], limits: LIMITS,
    wrapTarget: slowed(interleaving.createDelayMs[which], interleaving.perItemMs[which]), ...(run ? { run: run.run } : {}),
  });
}

function shaCounts(messages: { sha: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of messages) counts.set(m.sha, (counts.get(m.sha) ?? 0) + 1);
  return counts;
}

/** Source and target, message by message (SHA-256 of the bytes): what is missing and what is there too often. */
async function compare(user: string): Promise<{ source: number; target: number; lost: number; duplicated: number }> {
  const s = await connectImap(source, user, 'src-pw');
  const d = await connectImap(target, user, 'dst-pw');
  const [src, dst] = [await readMailbox(s), await readMailbox(d)];
  await Promise.all([s.logout(), d.logout()]);
  const [want, have] = [shaCounts(src), shaCounts(dst)];
  let lost = 0;
  let duplicated = 0;
  for (const sha of new Set([...want.keys(), ...have.keys()])) {
    lost += Math.max(0, (want.get(sha) ?? 0) - (have.get(sha) ?? 0));
    duplicated += Math.max(0, (have.get(sha) ?? 0) - (want.get(sha) ?? 0));
  }
  return { source: src.length, target: dst.length, lost, duplicated };
}

describe('[slow fault] two runs of the same page at the same time', () => {
  it.each(INTERLEAVINGS.map((interleaving, i) => [interleaving.name, i] as const))('holding the mailbox lease (%s): one waits for the other, 0 duplicates, 0 lost', async (_name, i) => {
    const interleaving = INTERLEAVINGS[i]!;
    const user = `leased${i}`;
    const runs = [new LeasedRun(copyLeases(), user, PASS, LEASE_SECONDS), new LeasedRun(copyLeases(), user, PASS, LEASE_SECONDS)];
    const copiers = [await copierFor(user, interleaving, 0, runs[0]), await copierFor(user, interleaving, 1, runs[1])];
    try {
      await Promise.all([
        copyWholeMailboxLeased(copiers[0]!, runs[0]!, { flags: true }),
        sleep(interleaving.secondStartsAfterMs).then(() => copyWholeMailboxLeased(copiers[1]!, runs[1]!, { flags: true })),
      ]);
    } finally {
      await Promise.all(copiers.map((c) => c.close()));
    }
    expect(runs[0]!.busyAnswers + runs[1]!.busyAnswers).toBeGreaterThan(0);
    expect(await compare(user)).toEqual({ source: MESSAGES, target: MESSAGES, lost: 0, duplicated: 0 });
  }, 180_000);
});
