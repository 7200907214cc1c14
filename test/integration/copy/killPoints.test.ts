/**
 * Issue 11, "Done when": kill -9 at points seeded across a page shows 0 lost, 0 duplicated.
 *
 * The copy (Dovecot → Microsoft 365 through the sandbox's Graph, through the copy engine, which holds the
 * mailbox's copy lease per page) runs in a child process (test/support/killPointChild.ts) that SIGKILLs itself
 * at one named point: after the ledger's holds, before and after the target's writes, in the middle of an
 * attachment upload session, around the page's closing transaction (its last settlements, its checkpoints
 * and the lease's release), and in the middle of a flag sync.
 * Then a fresh copier in the test process copies the rest, waiting out the lease the dead run left behind
 * (MIGRATION_COPY_LEASE_SECONDS=5, the orchestration waits for it on a durable timer), and the target must
 * hold exactly the source: every message once (content identity: folder, subject, received time and the
 * sizes of its attachments), whole (every attachment there), and for the flag sync with the source's
 * read/flagged state. The orchestration's own point, kill -9 of the host around continueAsNew, is in
 * test/e2e/stopResumeDuringPage.test.ts.
 *
 * The points are a fixed list (point, Nth time it is reached), so a failure repeats. The child is run from
 * dist/: `npm run build` first. These are slow fault cases; run them alone with `npx jest -t "slow fault"`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { buildMessage } from '../../../tools/corpus/buildMessage';
import { type CorpusMessage, generateCorpus } from '../../../tools/corpus/generateCorpus';
import { seedMailbox } from '../../../tools/corpus/seedMailbox';
import { SeededRandom } from '../../../tools/corpus/seededRandom';
import { type RunningDovecot, startDovecot } from '../../../tools/dovecot/startDovecot';
import { type M365Sandbox, startM365Sandbox } from '../../../tools/m365-sandbox';
import { connectImap, forEachStoredMessage, imapToGraphCopy, ledgerStore, pageTotals, sandboxConnection, tally } from '../../support/copyHarness';
import { useAppTestEnvironment } from '../../support/appTestEnvironment';
import type { KillPoint, KillPointSpec } from '../../support/killPointChild';

useAppTestEnvironment();
const LEASE_SECONDS = 5;
process.env.MIGRATION_COPY_LEASE_SECONDS = String(LEASE_SECONDS);
const CHILD = path.resolve(__dirname, '../../../dist/test/support/killPointChild.js');
const PASS = '2007-06-01T00:00:00.000Z';
const LIMITS = { pageMaxCount: 6, largeItemLimitBytes: 10 * 1024 * 1024 };
const DOMAIN = 'contoso.onmicrosoft.com';

/**
 * The seeded kill points of a copy: (point, the Nth time it is reached). Pages hold 6 items and span the
 * folders (INBOX, then Archiv): a page's items are held in one transaction, created in sequential $batches,
 * and its settlements, checkpoints and lease release written by one closing transaction. Each page uploads
 * about one large attachment in two ranges.
 */
const COPY_POINTS: [KillPoint, number][] = [
  ['holdWrite', 1], // page 1's items held, nothing sent to the target
  ['beforeCreateBatch', 2], // page 1 held, its first create batch answered, the second not sent
  ['afterCreateBatch', 1], // Graph created the messages of a batch; the engine never heard
  ['createItemsReturned', 2], // page 2 created whole; nothing settled (holds pending, old checkpoint)
  ['uploadRange', 1], // first large attachment half uploaded: its message exists, carrying the marker, without it
  ['uploadRange', 3], // second large attachment half uploaded
  ['beforeClose', 2], // page 2's settlements, checkpoint and lease release about to be written: none is
  ['midClose', 3], // page 3's closing transaction stored, its answer never read
  ['holdWrite', 4], // page 4 held after three pages settled
];
/** The tenth point: in the middle of a flag sync (after the first $batch of PATCHes was answered). */
const FLAG_POINT: [KillPoint, number] = ['flagBatch', 1];

let source: RunningDovecot;
let sandbox: M365Sandbox;
let copySource: Map<string, number>;
const children = new Set<ReturnType<typeof spawn>>();

/** A message with one attachment over 3 MB: Graph takes it only through an upload session (two ranges). */
function largeAttachmentMessage(i: number): CorpusMessage {
  const random = new SeededRandom(9_000 + i);
  const date = new Date(Date.UTC(2007, 5, 1 + i, 10, 0, 0));
  const messageId = `<scan-${i}@legacy.example>`;
  return {
    index: 1_000 + i,
    kind: 'filler',
    folder: ['INBOX'],
    flags: ['\\Seen'],
    internalDate: new Date(date.getTime() + 42_000).toISOString(),
    messageId,
    raw: buildMessage(
      {
        from: { name: 'Bob Smith', address: 'bob@legacy.example' },
        to: { name: 'Ann', address: 'ann@legacy.example' },
        subject: `Scan ${i} with a large attachment`,
        date,
        messageId,
        text: 'The scan is attached.\n',
        attachments: [{ filename: `scan-${i}.tif`, contentType: 'image/tiff', size: 3_400_000 }],
      },
      random,
    ),
  };
}

/** 22 corpus messages (every special case, 2 folders), 3 with attachments over 3 MB, and one message filed twice (same bytes). */
function copyCorpus(): CorpusMessage[] {
  const messages = [...generateCorpus({ seed: 11, count: 22, averageBytes: 5_000, folders: [['INBOX'], ['Archiv']] })];
  messages.splice(3, 0, largeAttachmentMessage(1));
  messages.splice(12, 0, largeAttachmentMessage(2));
  messages.splice(18, 0, largeAttachmentMessage(3));
  const twin = messages.find((m) => m.index === 14)!;
  messages.push({ ...twin, index: 2_000 });
  return messages;
}

function targetFolderOf(sourcePath: string): string {
  return sourcePath === 'INBOX' ? 'Inbox' : sourcePath;
}

function identity(folder: string, subject: string, received: string, attachmentSizes: number[], flags?: { read: boolean; flagged: boolean }): string {
  const state = flags ? `|read=${flags.read}|flagged=${flags.flagged}` : '';
  return `${folder}|${subject}|${new Date(received).toISOString()}|${[...attachmentSizes].sort((a, b) => a - b).join(',')}${state}`;
}

/** Every source message as its identity (with its read/flagged state when asked). */
async function sourceIdentities(user: string, withFlags: boolean): Promise<Map<string, number>> {
  const client = await connectImap(source, user, 'src-pw');
  const keys: string[] = [];
  try {
    await forEachStoredMessage(client, async (folder, m) => {
      const parsed = await simpleParser(m.source!);
      const flags = withFlags ? { read: m.flags!.has('\\Seen'), flagged: m.flags!.has('\\Flagged') } : undefined;
      keys.push(
        identity(
          targetFolderOf(folder),
          parsed.subject ?? '',
          new Date(m.internalDate!).toISOString(),
          parsed.attachments.map((a) => a.content.length),
          flags,
        ),
      );
    });
  } finally {
    await client.logout();
  }
  return tally(keys);
}

function targetIdentities(upn: string, withFlags: boolean): Map<string, number> {
  return tally(
    sandbox.listMailbox(upn).folders.flatMap((f) =>
      f.messages.map((m) =>
        identity(
          f.path,
          m.subject,
          m.receivedDateTime,
          m.attachments.map((a) => a.size),
          withFlags ? { read: m.isRead, flagged: m.flagStatus === 'flagged' } : undefined,
        ),
      ),
    ),
  );
}

/** Lost: in the source more often than in the target; duplicated: the reverse. Both must be empty. */
function difference(expected: Map<string, number>, actual: Map<string, number>): { lost: string[]; duplicated: string[] } {
  const lost: string[] = [];
  const duplicated: string[] = [];
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    const want = expected.get(key) ?? 0;
    const have = actual.get(key) ?? 0;
    for (let i = have; i < want; i += 1) lost.push(key);
    for (let i = want; i < have; i += 1) duplicated.push(key);
  }
  return { lost, duplicated };
}

function targetMessageCount(upn: string): number {
  return sandbox.listMailbox(upn).folders.reduce((n, f) => n + f.messages.length, 0);
}

function specFor(point: KillPoint, n: number, phase: KillPointSpec['phase'], user: string, mailboxKey: string, upn: string): KillPointSpec {
  return {
    point,
    n,
    phase,
    mailboxKey,
    pass: PASS,
    upn,
    limits: LIMITS,
    source: { host: source.host, port: source.port, user, password: 'src-pw' },
    graph: sandboxConnection(sandbox),
  };
}

/** Runs the child until it kills itself; fails when it ends any other way (the point was never reached). */
async function runUntilKilled(spec: KillPointSpec): Promise<string> {
  const child = spawn(process.execPath, [CHILD], { env: { ...process.env, KILL_POINT_SPEC: JSON.stringify(spec) }, stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (c, s) => resolve({ code: c, signal: s })),
  );
  clearTimeout(guard);
  children.delete(child);
  if (signal !== 'SIGKILL' || !stderr.includes(`KILLED ${spec.point} ${spec.n}`)) {
    throw new Error(`The child did not die at ${spec.point} #${spec.n} (exit ${code}, signal ${signal}):\n${stderr.slice(-3000)}`);
  }
  return stderr;
}

/** The dead run's lease is still there (until it expires): a new run is told to come back, as the orchestration is. */
async function expectLeaseLeftBehind(mailboxKey: string, point: KillPoint): Promise<void> {
  const { lease } = await ledgerStore().loadContainers(mailboxKey);
  // Killed after its closing transaction was stored, the run had let the lease go with it.
  if (point === 'midClose' || point === 'afterClose') expect(lease?.row.holder ?? '').toBe('');
  else expect(lease && lease.row.holder !== '' && Date.parse(lease.row.expiresAt) > Date.now()).toBe(true);
}

/** Copies the rest with a fresh copy, as the orchestration's next tries: waiting for the dead run's lease. */
async function finishCopy(user: string, mailboxKey: string, upn: string, newPass = false): Promise<{ created: number; matched: number }> {
  const copy = await imapToGraphCopy({
    mailboxKey,
    source,
    sourceUser: [user, 'src-pw'],
    graph: sandboxConnection(sandbox),
    upn,
    limits: LIMITS,
    pass: PASS,
  });
  try {
    const pages = await copy.copyAll({ attempts: 3, newPass });
    return pageTotals(pages);
  } finally {
    await copy.close();
  }
}

beforeAll(async () => {
  source = await startDovecot({
    users: [
      { name: 'ann', password: 'src-pw' },
      { name: 'flo', password: 'src-pw' },
    ],
  });
  sandbox = await startM365Sandbox({ tenant: { domain: DOMAIN } });
  const ann = await connectImap(source, 'ann', 'src-pw');
  await seedMailbox(ann, { messages: copyCorpus() });
  await ann.logout();
  const flo = await connectImap(source, 'flo', 'src-pw');
  await seedMailbox(flo, { messages: generateCorpus({ seed: 12, count: 18, averageBytes: 3_000, folders: [['INBOX'], ['Archiv']] }) });
  await flo.logout();
  copySource = await sourceIdentities('ann', false);
}, 240_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all([source?.stop(), sandbox?.stop()]);
});

describe('[slow fault] kill -9 of the copy at seeded points of a page', () => {
  it('has the child built (npm run build) and a source with large attachments and a message filed twice', () => {
    expect(existsSync(CHILD)).toBe(true);
    expect([...copySource.values()].reduce((a, b) => a + b, 0)).toBe(26);
    expect([...copySource.values()]).toContain(2);
    expect([...copySource.keys()].filter((k) => /\|3400000$/.test(k))).toHaveLength(3);
  });

  it.each(COPY_POINTS)(
    'killed at %s #%i, then copied to the end: every message once and whole',
    async (point, n) => {
      const mailboxKey = `kp-${point}-${n}`.toLowerCase();
      const upn = `${mailboxKey}@${DOMAIN}`;
      sandbox.addUser({ userPrincipalName: upn, licensed: true });
      await runUntilKilled(specFor(point, n, 'copy', 'ann', mailboxKey, upn));
      await expectLeaseLeftBehind(mailboxKey, point);
      const atKill = targetMessageCount(upn);
      const partial = sandbox
        .listMailbox(upn)
        .folders.flatMap((f) => f.messages)
        .filter((m) => /^Scan \d/.test(m.subject) && m.attachments.length === 0).length;
      if (point === 'uploadRange') expect(partial).toBe(1); // the half-uploaded message is there, without its attachment
      if (point === 'afterCreateBatch' || point === 'createItemsReturned') expect(atKill).toBeGreaterThan(0);
      if (point === 'holdWrite' && n === 1) expect(atKill).toBe(0);

      const rerun = await finishCopy('ann', mailboxKey, upn);
      // Copies the dead run made but never recorded are found by their marker (and finished), not made again.
      if (['afterCreateBatch', 'createItemsReturned', 'uploadRange', 'beforeClose'].includes(point)) expect(rerun.matched).toBeGreaterThan(0);
      expect(difference(copySource, targetIdentities(upn, false))).toEqual({ lost: [], duplicated: [] });
    },
    180_000,
  );

  it(`killed at ${FLAG_POINT[0]} #${FLAG_POINT[1]} during a flag sync, then synced again: every message once, with the source's read/flagged state`, async () => {
    const mailboxKey = 'kp-flags';
    const upn = `${mailboxKey}@${DOMAIN}`;
    sandbox.addUser({ userPrincipalName: upn, licensed: true });
    await finishCopy('flo', mailboxKey, upn);
    expect(difference(await sourceIdentities('flo', true), targetIdentities(upn, true))).toEqual({ lost: [], duplicated: [] });

    // On the source: every message's read state flips, and every third one is flagged.
    const client = await connectImap(source, 'flo', 'src-pw');
    for (const folder of ['INBOX', 'Archiv']) {
      const lock = await client.getMailboxLock(folder);
      try {
        const states = [];
        for await (const m of client.fetch('1:*', { uid: true, flags: true })) states.push({ uid: m.uid, seen: m.flags!.has('\\Seen') });
        for (const [i, state] of states.entries()) {
          if (state.seen) await client.messageFlagsRemove(String(state.uid), ['\\Seen'], { uid: true });
          else await client.messageFlagsAdd(String(state.uid), ['\\Seen'], { uid: true });
          if (i % 3 === 0) await client.messageFlagsAdd(String(state.uid), ['\\Flagged'], { uid: true });
        }
      } finally {
        lock.release();
      }
    }
    await client.logout();
    const wanted = await sourceIdentities('flo', true);

    await runUntilKilled(specFor(FLAG_POINT[0], FLAG_POINT[1], 'flags', 'flo', mailboxKey, upn));
    await expectLeaseLeftBehind(mailboxKey, FLAG_POINT[0]);
    const atKill = difference(wanted, targetIdentities(upn, true));
    expect(atKill.lost.length).toBeGreaterThan(0); // the sync was cut short: some states not applied yet
    expect(atKill.lost.length).toBeLessThan(18); // and some were

    await finishCopy('flo', mailboxKey, upn, true);
    expect(difference(wanted, targetIdentities(upn, true))).toEqual({ lost: [], duplicated: [] });
  }, 180_000);
});
