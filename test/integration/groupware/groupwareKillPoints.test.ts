/**
 * Issue 20: "a kill -9 in the middle of a contacts page and of a calendar page". A copy of contacts and
 * calendars (Radicale → the copy engine → Microsoft 365 through the sandbox's Graph) runs in a child process
 * (test/support/killPointChild.ts) and dies with SIGKILL in the middle of a page: after the page's holds, with
 * a batch of contacts made but their photos held back by the sandbox, after a batch of creates answered, with
 * a series' master made but its occurrences not yet fixed (the sandbox holds its List instances), and just
 * before a page's closing transaction. A fresh copy then finishes the pass (waiting out the lease the dead run
 * left, as the orchestration does), and the target must hold every contact and event exactly once, whole: each
 * contact with its photo, each series with its cancelled occurrence gone and its moved one moved, and no
 * meeting message sent.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DavItemSource } from '../../../src/connectors/dav/davItemSource';
import { createGraphSession } from '../../../src/connectors/graph/graphConnection';
import { GraphGroupwareTarget } from '../../../src/connectors/graph/graphGroupwareTarget';
import { type M365Sandbox, startM365Sandbox } from '../../../tools/m365-sandbox';
import { type RunningRadicale, startRadicale } from '../../../tools/radicale/startRadicale';
import { seedDav } from '../../../tools/radicale/seedDav';
import { berlinWeeklySeries } from '../../support/groupwareFixtures';
import { groupwareCopy, sandboxConnection, tally } from '../../support/copyHarness';
import { useAppTestEnvironment } from '../../support/appTestEnvironment';
import type { KillPoint, KillPointSpec } from '../../support/killPointChild';
import { tinyJpeg } from '../sandbox/jpegFixture';

useAppTestEnvironment();
process.env.MIGRATION_COPY_LEASE_SECONDS = '5';
const CHILD = path.resolve(__dirname, '../../../dist/test/support/killPointChild.js');
const DOMAIN = 'contoso.onmicrosoft.com';
const USER = 'kim@contoso.com';
const CONTACTS = 10;
const SERIES = 6;
const SINGLES = 4;
/** Pages of 8: the first holds contacts only, the second the last contacts and the first events, the third events. */
const LIMITS = { pageMaxCount: 8 };
const PHOTO = tinyJpeg(32, 32, 16);

let radicale: RunningRadicale;
let sandbox: M365Sandbox;
const children = new Set<ReturnType<typeof spawn>>();

function vcard(i: number): string {
  const photo = i % 2 === 0 ? `PHOTO;ENCODING=b;TYPE=JPEG:${PHOTO.toString('base64')}\r\n` : '';
  return `BEGIN:VCARD\r\nVERSION:3.0\r\nUID:k-c${i}\r\nN:Person${i};Kim;;;\r\nFN:Kim Person${i}\r\nEMAIL;TYPE=work:p${i}@partner.com\r\n${photo}END:VCARD\r\n`;
}

/** A weekly meeting in Berlin time with attendees, its third occurrence cancelled and its fourth moved a day later. */
const series = (i: number) => berlinWeeklySeries({ uid: `k-s${i}@contoso.com`, summary: `Series ${i}`, startDay: 5 + (i % 5), organizer: 'kim@contoso.com' });

function single(i: number): string {
  const day = String(10 + i).padStart(2, '0');
  return `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Migration//EN\r\nBEGIN:VEVENT\r\nUID:k-e${i}@contoso.com\r\nDTSTAMP:20070101T000000Z\r\nDTSTART:200704${day}T120000Z\r\nDTEND:200704${day}T130000Z\r\nSUMMARY:Lunch ${i}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`;
}

beforeAll(async () => {
  radicale = await startRadicale({ users: [{ name: USER, password: 'kim-pw' }] });
  sandbox = await startM365Sandbox({ tenant: { domain: DOMAIN } });
  await seedDav(radicale.account(USER), {
    addressBooks: [{ name: 'contacts', displayName: 'Contacts', vcards: Array.from({ length: CONTACTS }, (_, i) => vcard(i)) }],
    calendars: [
      {
        name: 'calendar',
        displayName: 'Calendar',
        events: [...Array.from({ length: SERIES }, (_, i) => series(i)), ...Array.from({ length: SINGLES }, (_, i) => single(i))],
      },
    ],
  });
}, 180_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all([radicale?.stop(), sandbox?.stop()]);
});

function specFor(point: KillPoint, n: number, mailboxKey: string, upn: string): KillPointSpec {
  return {
    point,
    n,
    phase: 'copy',
    mailboxKey,
    pass: '2007-06-01T00:00:00.000Z',
    upn,
    limits: LIMITS,
    dav: { url: radicale.url, user: USER, password: 'kim-pw' },
    graph: sandboxConnection(sandbox),
  };
}

/**
 * Runs the child until it dies: at its own point, or (point `byTest`) killed here with SIGKILL once the
 * sandbox holds one of its requests (the hold is released after, so the request the dead run sent never ran).
 */
async function runUntilKilled(spec: KillPointSpec, hold?: { pattern: string }): Promise<void> {
  const held = hold ? sandbox.holdRequests(hold.pattern) : undefined;
  const child = spawn(process.execPath, [CHILD], { env: { ...process.env, KILL_POINT_SPEC: JSON.stringify(spec) }, stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (_code, signal) => resolve({ signal })));
  const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
  try {
    if (held) {
      for (let waited = 0; held.heldCount() === 0; waited += 50) {
        if (child.exitCode !== null || waited > 60_000) throw new Error(`the child never reached ${hold!.pattern}: ${stderr.slice(-2000)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      child.kill('SIGKILL');
    }
    const { signal } = await exited;
    if (signal !== 'SIGKILL' || (!held && !stderr.includes(`KILLED ${spec.point} ${spec.n}`))) {
      throw new Error(`The child did not die at ${spec.point} #${spec.n} (signal ${signal}):\n${stderr.slice(-3000)}`);
    }
  } finally {
    clearTimeout(guard);
    held?.release();
    children.delete(child);
  }
}

/** The rest of the pass with a fresh copy, as the orchestration's next tries: waiting for the dead run's lease. */
async function finishCopy(mailboxKey: string, upn: string): Promise<void> {
  const copy = groupwareCopy({
    mailboxKey,
    source: new DavItemSource({ url: radicale.url, credentials: { username: USER, password: 'kim-pw' } }),
    target: new GraphGroupwareTarget(createGraphSession(sandboxConnection(sandbox)), upn),
    limits: LIMITS,
    pass: '2007-06-01T00:00:00.000Z',
  });
  try {
    await copy.copyAll({ attempts: 3 });
  } finally {
    await copy.close();
  }
}

/** Every contact and event once and whole. */
function expectWholeOnce(upn: string): void {
  const cloud = sandbox.listMailbox(upn);
  expect(tally(cloud.contacts.map((c) => String(c.properties.displayName)))).toEqual(tally(Array.from({ length: CONTACTS }, (_, i) => `Kim Person${i}`)));
  for (const contact of cloud.contacts) {
    const i = Number(String(contact.properties.displayName).replace('Kim Person', ''));
    expect([contact.properties.displayName, contact.photo !== null]).toEqual([contact.properties.displayName, i % 2 === 0]);
  }
  expect(tally(cloud.events.map((e) => String(e.properties.subject)))).toEqual(
    tally([...Array.from({ length: SERIES }, (_, i) => `Series ${i}`), ...Array.from({ length: SINGLES }, (_, i) => `Lunch ${i}`)]),
  );
  for (const event of cloud.events.filter((e) => e.properties.type === 'seriesMaster')) {
    expect([event.properties.subject, event.cancelledOccurrences.length, Object.keys(event.exceptions).length]).toEqual([event.properties.subject, 1, 1]);
    expect(event.properties.attendees ?? []).toEqual([]);
  }
  expect(sandbox.sentMeetingMessages()).toEqual([]);
}

const CASES: { name: string; point: KillPoint; n: number; hold?: string }[] = [
  { name: 'contacts page held, nothing sent', point: 'holdWrite', n: 1 },
  { name: 'contacts made, their photos not yet in', point: 'byTest', n: 0, hold: '/photo/\\$value$' },
  { name: 'a batch of contacts made, the engine never heard', point: 'afterCreateBatch', n: 1 },
  { name: 'calendar page: a series made, its occurrences not yet fixed', point: 'byTest', n: 0, hold: '/events/[^/]+/instances' },
  { name: 'calendar page settled, its closing transaction never sent', point: 'beforeClose', n: 3 },
];

describe('[slow fault] kill -9 in the middle of a contacts page and of a calendar page', () => {
  it('has the child built (npm run build)', () => {
    expect(existsSync(CHILD)).toBe(true);
  });

  it.each(CASES.map((c, i) => [c.name, i] as const))(
    'killed with %s, then copied to the end: every contact and event once and whole, no invitation',
    async (_name, i) => {
      const c = CASES[i]!;
      const mailboxKey = `gk-${i}`;
      const upn = `gk${i}@${DOMAIN}`;
      sandbox.addUser({ userPrincipalName: upn, licensed: true });
      await runUntilKilled(specFor(c.point, c.n, mailboxKey, upn), c.hold ? { pattern: c.hold } : undefined);
      await finishCopy(mailboxKey, upn);
      expectWholeOnce(upn);
    },
    180_000,
  );
});
