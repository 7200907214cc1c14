import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { generateCorpus } from '../../../tools/corpus/generateCorpus';
import { seedMailbox } from '../../../tools/corpus/seedMailbox';
import { type RunningDovecot, startDovecot } from '../../../tools/dovecot/startDovecot';
import { connectImap, imapToImapCopy, pageTotals, readMailbox, tally } from '../../support/copyHarness';
import { useAppTestEnvironment } from '../../support/appTestEnvironment';

useAppTestEnvironment();
// The killed copy leaves the mailbox's lease held: the rerun waits for it to expire, as the orchestration does.
process.env.MIGRATION_COPY_LEASE_SECONDS = '5';
let source: RunningDovecot;
let target: RunningDovecot;
const CHILD = path.resolve(__dirname, '../../../dist/test/support/copyCrashChild.js');

beforeAll(async () => {
  source = await startDovecot({
    users: [
      { name: 'crash', password: 'src-pw' },
      { name: 'renum', password: 'src-pw' },
    ],
  });
  target = await startDovecot({
    users: [
      { name: 'crash', password: 'dst-pw' },
      { name: 'renum', password: 'dst-pw' },
    ],
  });
}, 180_000);

afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
});

async function countTargetMessages(user: string): Promise<number> {
  const client = await connectImap(target, user, 'dst-pw');
  try {
    return (await readMailbox(client)).length;
  } finally {
    await client.logout();
  }
}

describe('exactly once', () => {
  it('re-running a copy killed with SIGKILL in the middle of a folder leaves zero missing and zero duplicates', async () => {
    expect(existsSync(CHILD)).toBe(true); // built by `npm run build`, which `npm test` runs first
    const seeder = await connectImap(source, 'crash', 'src-pw');
    await seedMailbox(seeder, { messages: generateCorpus({ seed: 11, count: 80, averageBytes: 8_000, folders: [['INBOX']] }) });
    await seeder.logout();

    const child = spawn(process.execPath, [CHILD, String(source.port), String(target.port), 'crash', 'src-pw', 'dst-pw', '150'], {
      env: process.env,
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let copiedBeforeKill = 0;
    while (copiedBeforeKill < 20) {
      await new Promise((r) => setTimeout(r, 100));
      copiedBeforeKill = await countTargetMessages('crash');
      if (child.exitCode !== null) throw new Error(`the copy ended before it could be killed (exit ${child.exitCode})`);
    }
    child.kill('SIGKILL');
    await exited;
    const afterKill = await countTargetMessages('crash');
    expect(afterKill).toBeGreaterThanOrEqual(20);
    expect(afterKill).toBeLessThan(80);

    const copier = await imapToImapCopy({
      mailboxKey: 'crash',
      source,
      sourceUser: ['crash', 'src-pw'],
      target,
      targetUser: ['crash', 'dst-pw'],
    });
    await copier.copyAll();
    await copier.close();

    const s = await connectImap(source, 'crash', 'src-pw');
    const d = await connectImap(target, 'crash', 'dst-pw');
    const [src, dst] = [await readMailbox(s), await readMailbox(d)];
    await Promise.all([s.logout(), d.logout()]);
    expect(dst).toHaveLength(src.length);
    expect(tally(dst.map((m) => m.sha))).toEqual(tally(src.map((m) => m.sha)));
  });

  it('a folder whose UIDVALIDITY changed is matched again by content, not copied twice', async () => {
    const messages = [...generateCorpus({ seed: 5, count: 12, averageBytes: 4_000, folders: [['Archiv']] })].map((m) => ({ ...m, folder: ['Archiv'] }));
    const seeder = await connectImap(source, 'renum', 'src-pw');
    await seedMailbox(seeder, { messages: messages.slice(0, 10) });
    const first = await imapToImapCopy({
      mailboxKey: 'renum',
      source,
      sourceUser: ['renum', 'src-pw'],
      target,
      targetUser: ['renum', 'dst-pw'],
    });
    await first.copyAll();
    await first.close();

    // The server renumbers the folder (as after a restore): same messages, new UIDVALIDITY, plus two new ones.
    const before = ((await seeder.status('Archiv', { uidValidity: true })) as { uidValidity?: bigint }).uidValidity;
    await seeder.mailboxDelete('Archiv');
    await seedMailbox(seeder, { messages });
    const after = ((await seeder.status('Archiv', { uidValidity: true })) as { uidValidity?: bigint }).uidValidity;
    await seeder.logout();
    expect(after).not.toBe(before);

    const second = await imapToImapCopy({
      mailboxKey: 'renum',
      source,
      sourceUser: ['renum', 'src-pw'],
      target,
      targetUser: ['renum', 'dst-pw'],
    });
    const pages = await second.copyAll();
    await second.close();
    expect(pageTotals(pages).created).toBe(2);
    // Matched again by their bytes: kept as they were, so they count as what they already were.
    expect(pages.at(-1)!.containers.find((c) => c.sourceId === 'Archiv')!.counts.copied).toBe(12);
    const d = await connectImap(target, 'renum', 'dst-pw');
    const dst = await readMailbox(d);
    await d.logout();
    expect(dst).toHaveLength(12);
    expect([...tally(dst.map((m) => m.sha)).values()].every((n) => n === 1)).toBe(true);
  });
});
