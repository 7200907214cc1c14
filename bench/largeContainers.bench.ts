import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DavItemSource } from '../src/connectors/dav/davItemSource';
import { createGraphSession } from '../src/connectors/graph/graphConnection';
import { GraphGroupwareTarget } from '../src/connectors/graph/graphGroupwareTarget';
import { OUTLOOK_LIMITS, type OutlookLimits } from '../src/connectors/graph/mailboxBudget';
import type { PageOutcome } from '../src/services/copy/copyEngine';
import { groupwareCopy, imapToImapCopy, type MailboxCopy, pageTotals } from '../test/support/copyHarness';
import { startAzurite } from '../tools/azurite/startAzurite';
import { timeSpanMs } from '../tools/devhost/hostConfig';
import { type RunningDovecot, startDovecot } from '../tools/dovecot/startDovecot';
import { type DavAccount } from '../tools/radicale/seedDav';
import { startRadicale } from '../tools/radicale/startRadicale';
import { startSandboxProcess } from './copyEngine.bench';

/**
 * Large containers (issue 20): a folder of BENCH_LARGE_MESSAGES messages (default 50,000; IMAP to IMAP) and a
 * calendar of BENCH_LARGE_EVENTS events (default 10,000; Radicale to the Microsoft 365 sandbox) are copied to
 * the end, page after page, each page run as an activity runs it (its own run, its own clock). What matters
 * is that both complete, and how long the longest page ran next to host.json's functionTimeout: a page stops
 * taking items after MIGRATION_PAGE_MAX_SECONDS, whatever the container's size.
 *
 * The calendar's copy runs under Outlook's budget (10,000 requests per 10 minutes per mailbox,
 * https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits), enforced by the sandbox and kept
 * by the product, with the window shortened to 1 minute and the rate BENCH_LARGE_BUDGET_SPEEDUP times Outlook's
 * (default 2: 2,000 requests per minute), so the calendar meets the budget again and again in about 5 minutes
 * instead of 10. The product paces its requests to the budget: a wait of up to 20 s happens inside the page
 * (the window slides, so room comes back as the oldest requests age out); a longer one ends the page with
 * `resumeAt` and the next page waits for it, as the orchestration's durable timer does. The bench counts
 * those waits; either way no page runs past MIGRATION_PAGE_MAX_SECONDS by much.
 */
const MESSAGES = Number(process.env.BENCH_LARGE_MESSAGES ?? 50_000);
const EVENTS = Number(process.env.BENCH_LARGE_EVENTS ?? 10_000);
/** The rate of Outlook's budget this many times over, so the calendar meets it again and again in minutes. */
const BUDGET_SPEEDUP = Number(process.env.BENCH_LARGE_BUDGET_SPEEDUP ?? 2);
/**
 * Outlook's 10-minute window shortened to 1 minute: well over the 20 s a request may wait for room inline
 * (createGraphSession's maxInlineWaitMs), so a spent budget ends the page and the next page waits for it.
 */
const WINDOW_MS = 60_000;
const PASSWORD = 'bench-pw';
const USER = 'big';
const UPN = 'big@contoso.onmicrosoft.com';

const limits: OutlookLimits = {
  ...OUTLOOK_LIMITS,
  requestsPerWindow: Math.round(((OUTLOOK_LIMITS.requestsPerWindow * WINDOW_MS) / OUTLOOK_LIMITS.requestWindowMs) * BUDGET_SPEEDUP),
  requestWindowMs: WINDOW_MS,
};

export default async function run(): Promise<void> {
  const azurite = await startAzurite();
  process.env.AzureWebJobsStorage = azurite.connectionString;
  process.env.MIGRATION_STORAGE_PREFIX = `l${randomBytes(3).toString('hex')}`;
  process.env.MIGRATION_ENCRYPTION_KEY = randomBytes(32).toString('base64');
  const functionTimeoutSeconds = hostFunctionTimeoutSeconds();
  try {
    await largeFolder(functionTimeoutSeconds);
    await largeCalendar(functionTimeoutSeconds);
  } finally {
    await azurite.stop();
  }
}

async function largeFolder(functionTimeoutSeconds: number): Promise<void> {
  const source = await startDovecot({ users: [{ name: USER, password: PASSWORD }] });
  const target = await startDovecot({ users: [{ name: USER, password: PASSWORD }] });
  let copy: MailboxCopy | undefined;
  try {
    const seededIn = seedMaildir(source, MESSAGES);
    copy = await imapToImapCopy({
      mailboxKey: `large-folder-${randomBytes(3).toString('hex')}`,
      source,
      sourceUser: [USER, PASSWORD],
      target,
      targetUser: [USER, PASSWORD],
    });
    const first = await timedPass(copy);
    const totals = pageTotals(first.pages);
    console.log(
      `folder of ${MESSAGES.toLocaleString('en-US')} messages (IMAP -> IMAP; written into the source Maildir in ${seededIn.toFixed(1)} s): ` +
        `${totals.created.toLocaleString('en-US')} copied, ${totals.skipped} skipped, complete: ${first.done ? 'yes' : 'no'}, in ${first.seconds.toFixed(0)} s ` +
        `(${(totals.created / first.seconds).toFixed(0)} messages/s)`,
    );
    printPages(first, functionTimeoutSeconds, copy.settings.pageMaxSeconds);
    const again = await timedPass(copy);
    console.log(`  the next pass, nothing changed: ${again.seconds.toFixed(1)} s in ${again.pages.length} page(s), ${pageTotals(again.pages).created} copied`);
  } finally {
    await copy?.close();
    await Promise.all([source.stop(), target.stop()]);
  }
}

async function largeCalendar(functionTimeoutSeconds: number): Promise<void> {
  const radicale = await startRadicale({ users: [{ name: USER, password: PASSWORD }] });
  const sandbox = await startSandboxProcess(0, [UPN], ['--budget', String(limits.requestsPerWindow), '--request-window-ms', String(limits.requestWindowMs)]);
  let copy: MailboxCopy | undefined;
  try {
    const started = Date.now();
    await putWholeCalendar(radicale.account(USER), 'calendar', EVENTS);
    const seededIn = (Date.now() - started) / 1000;
    const session = createGraphSession({ ...sandbox.connection, limits });
    await session.accessToken();
    const account = radicale.account(USER);
    copy = groupwareCopy({
      mailboxKey: `large-calendar-${randomBytes(3).toString('hex')}`,
      source: new DavItemSource({ url: account.url, credentials: { username: account.username, password: account.password } }),
      target: new GraphGroupwareTarget(session, UPN),
    });
    const first = await timedPass(copy);
    const totals = pageTotals(first.pages, 'event');
    const requests = session.counter.requests;
    console.log(
      `calendar of ${EVENTS.toLocaleString('en-US')} events (Radicale -> M365 sandbox; put into Radicale in ${seededIn.toFixed(1)} s): ` +
        `${totals.created.toLocaleString('en-US')} copied, ${totals.skipped} skipped, complete: ${first.done ? 'yes' : 'no'}, in ${first.seconds.toFixed(0)} s; ` +
        `${requests.toLocaleString('en-US')} Graph requests as Outlook's budget counts them, under a budget of ${limits.requestsPerWindow.toLocaleString('en-US')} per ` +
        `${limits.requestWindowMs / 1000} s (${BUDGET_SPEEDUP}x Outlook's rate)`,
    );
    printPages(first, functionTimeoutSeconds, copy.settings.pageMaxSeconds);
    const outlookMinutes = requests / (OUTLOOK_LIMITS.requestsPerWindow / OUTLOOK_LIMITS.requestWindowMs) / 60_000;
    console.log(
      `  at Outlook's own budget (${OUTLOOK_LIMITS.requestsPerWindow.toLocaleString('en-US')} per 10 minutes) those requests need at least ${outlookMinutes.toFixed(1)} minutes: ` +
        `pages of at most ${copy.settings.pageMaxSeconds} s with durable waits between them, never one activity`,
    );
  } finally {
    await copy?.close();
    sandbox.stop();
    await radicale.stop();
  }
}

interface TimedPass {
  pages: PageOutcome[];
  /** Each page's (each activity's) wall time, in seconds. */
  pageSeconds: number[];
  /** Pages that ended with `resumeAt`, and the seconds waited for them. */
  waits: number;
  /** This process's RSS at its highest during the pass, sampled (the copy runs in it; the servers do not). */
  peakRssMb: number;
  waitedSeconds: number;
  seconds: number;
  done: boolean;
}

/** A new pass to the end: prepare, then pages, waiting out each `resumeAt` as the durable timer would. */
async function timedPass(copy: MailboxCopy): Promise<TimedPass> {
  const started = performance.now();
  copy.pass = new Date().toISOString();
  const pass: TimedPass = { pages: [], pageSeconds: [], waits: 0, waitedSeconds: 0, peakRssMb: 0, seconds: 0, done: false };
  const sample = () => (pass.peakRssMb = Math.max(pass.peakRssMb, process.memoryUsage().rss / 1048576));
  const sampler = setInterval(sample, 200);
  try {
    await pagesToTheEnd(copy, pass);
  } finally {
    clearInterval(sampler);
  }
  sample();
  pass.seconds = (performance.now() - started) / 1000;
  return pass;
}

async function pagesToTheEnd(copy: MailboxCopy, pass: TimedPass): Promise<void> {
  const prepareStarted = performance.now();
  await copy.prepare();
  pass.pageSeconds.push((performance.now() - prepareStarted) / 1000);
  for (;;) {
    const pageStarted = performance.now();
    const page = await copy.copyPage();
    pass.pageSeconds.push((performance.now() - pageStarted) / 1000);
    pass.pages.push(page);
    if (page.resumeAt) {
      const wait = Math.max(0, Date.parse(page.resumeAt) - Date.now());
      pass.waits += 1;
      pass.waitedSeconds += wait / 1000;
      await new Promise((resolve) => setTimeout(resolve, wait));
    } else if (page.done) {
      pass.done = true;
      return;
    }
  }
}

function printPages(pass: TimedPass, functionTimeoutSeconds: number, pageMaxSeconds: number): void {
  const sorted = [...pass.pageSeconds].sort((a, b) => a - b);
  const longest = sorted.at(-1) ?? 0;
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  console.log(
    `  ${pass.pages.length} pages (activities) plus the pass's preparation; each page ran ${median.toFixed(1)} s at the median and ${longest.toFixed(1)} s at the longest ` +
      `= ${(longest / functionTimeoutSeconds).toFixed(3)}x host.json's functionTimeout (${functionTimeoutSeconds} s; pages take no new item after ${pageMaxSeconds} s); ` +
      `${pass.waits} waits for the target's budget, ${pass.waitedSeconds.toFixed(0)} s in all; peak memory ${pass.peakRssMb.toFixed(0)} MB RSS (the bench's process, which runs the copy)`,
  );
}

/**
 * Writes the messages straight into the source user's Maildir (`cur/`, seen), as a delivery agent does: an
 * IMAP APPEND of 50,000 messages would take longer than their copy. Dovecot gives them UIDs at the first SELECT.
 */
function seedMaildir(source: RunningDovecot, count: number): number {
  const started = performance.now();
  const maildir = path.join(source.mailRoot, USER, 'Maildir');
  // Dovecot reads and writes the Maildir as its mail user (the owner of mailRoot), not as this process.
  const { uid, gid } = statSync(source.mailRoot);
  const owned = (file: string) => chownSync(file, uid, gid);
  for (const folder of [path.join(source.mailRoot, USER), maildir, ...['cur', 'new', 'tmp'].map((d) => path.join(maildir, d))]) {
    mkdirSync(folder, { recursive: true });
    owned(folder);
  }
  const cur = path.join(maildir, 'cur');
  const base = Date.UTC(2005, 0, 1) / 1000;
  for (let n = 0; n < count; n += 1) {
    const sent = base + n * 600;
    const date = new Date(sent * 1000).toUTCString().replace('GMT', '+0000');
    const text = [
      `From: Sender ${n % 97} <sender${n % 97}@legacy.example>`,
      `To: ${USER}@legacy.example`,
      `Subject: Archived message ${n}`,
      `Date: ${date}`,
      `Message-ID: <large-${n}@legacy.example>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Message ${n} of the archive. `.repeat(1 + (n % 40)),
      '',
    ].join('\r\n');
    const file = path.join(cur, `${sent}.M${n}P1.bench:2,S`);
    writeFileSync(file, text);
    utimesSync(file, sent, sent);
    owned(file);
  }
  return (performance.now() - started) / 1000;
}

/**
 * Puts the whole calendar with one PUT of an iCalendar object holding every event (Radicale stores a
 * collection PUT whole, one item per UID): thousands of single PUTs would take longer than the copy.
 * One event in ten is a weekly series.
 */
async function putWholeCalendar(account: DavAccount, name: string, count: number): Promise<void> {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//bench//large calendar//EN', `X-WR-CALNAME:${name}`];
  const base = Date.UTC(2006, 0, 2, 8);
  for (let n = 0; n < count; n += 1) {
    const start = new Date(base + n * 3 * 3600_000);
    const end = new Date(start.getTime() + 3600_000);
    lines.push(
      'BEGIN:VEVENT',
      `UID:large-${n}@legacy.example`,
      `DTSTAMP:${stamp(start)}`,
      `DTSTART:${stamp(start)}`,
      `DTEND:${stamp(end)}`,
      `SUMMARY:Meeting ${n}`,
      `LOCATION:Room ${n % 12}`,
      ...(n % 10 === 0 ? ['RRULE:FREQ=WEEKLY;COUNT=8'] : []),
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR', '');
  const url = new URL(`${encodeURIComponent(account.username)}/${name}/`, account.url);
  const response = await fetch(url, {
    method: 'PUT',
    body: lines.join('\r\n'),
    headers: {
      'content-type': 'text/calendar; charset=utf-8',
      authorization: `Basic ${Buffer.from(`${account.username}:${account.password}`).toString('base64')}`,
    },
  });
  if (response.status !== 201 && response.status !== 204)
    throw new Error(`PUT ${url.pathname}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
}

function stamp(date: Date): string {
  return `${date.toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;
}

/** host.json's functionTimeout, in seconds. */
function hostFunctionTimeoutSeconds(): number {
  const host = JSON.parse(readFileSync(path.resolve(__dirname, '../../host.json'), 'utf8')) as { functionTimeout?: unknown };
  return timeSpanMs(host.functionTimeout, 10 * 60_000) / 1000;
}
