import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { connectImap, forEachStoredMessage } from '../test/support/copyHarness';
import { startAzurite } from '../tools/azurite/startAzurite';
import { type CorpusOptions, type FolderSegments, generateCorpus } from '../tools/corpus/generateCorpus';
import { seedMailbox } from '../tools/corpus/seedMailbox';
import { type RunningDovecot, startDovecot } from '../tools/dovecot/startDovecot';
import { startStorageFaultProxy } from '../tools/storage-fault-proxy/startStorageFaultProxy';
import { runOurEngine } from './imapPeersEngine';

/**
 * Our copy engine IMAP -> IMAP against mbsync (Debian isync), in one run on one corpus: 8 mailboxes
 * of 250 messages (about 140 MB: mostly small text mails, some attachments of tens to hundreds of
 * KB, a few mails of several MB), 12 folders each (nested, non-Latin names), about 3 % without a
 * Message-ID, \Seen, \Flagged and \Answered mixed. One source Dovecot; each tool copies into a fresh
 * target Dovecot of its own (the same config: no fsync), all mailboxes at once, timed by wall
 * clock. Every copy is checked byte for byte (SHA-256 of the stored bytes, per folder). Then a
 * second pass over the unchanged source. Speed is printed as ratios to mbsync, measured in the same
 * run, because absolute times on a shared machine are noisy. Prints figures, never pass/fail.
 * BENCH_PEER_MAILBOXES and BENCH_PEER_MESSAGES scale it down. imapsync joins when it is on the PATH.
 */
const MAILBOXES = positiveInteger('BENCH_PEER_MAILBOXES', 8);
const MESSAGES = positiveInteger('BENCH_PEER_MESSAGES', 250);
const users = Array.from({ length: MAILBOXES }, (_, i) => `user${i}`);
const PASSWORD = 'bench-peer-pw';

/** 12 folders, parents included (each holds mail too), so both tools create the same tree. */
const FOLDERS: readonly FolderSegments[] = [
  ['INBOX'],
  ['Sent'],
  ['Trash'],
  ['Archiv'],
  ['Archiv', '2006'],
  ['Archiv', '2007'],
  ['Entwürfe & Notizen'],
  ['Клиенты'],
  ['顧客'],
  ['Projekte'],
  ['Projekte', 'Alpha'],
  ['Projekte', 'Alpha', 'Intern'],
];

function corpusOf(mailbox: number): CorpusOptions {
  return {
    seed: 2000 + mailbox,
    count: MESSAGES,
    folders: FOLDERS,
    averageBytes: 45_000,
    answeredShare: 0.15,
    withoutMessageIdShare: 0.025,
    bigAttachments: { share: 0.006, minBytes: 1_500_000, maxBytes: 3_500_000 },
  };
}

export default async function run(): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'bench-imap-peers-'));
  const stops: Array<() => Promise<void>> = [];
  const started = <T extends { stop(): Promise<void> }>(server: T): T => {
    stops.push(() => server.stop());
    return server;
  };
  try {
    const dovecot = () => startDovecot({ users: users.map((name) => ({ name, password: PASSWORD })) });
    const azurite = started(await startAzurite());
    const tableProxy = started(await startStorageFaultProxy({ connectionString: azurite.connectionString, service: 'table' }));
    const source = started(await dovecot());
    const mbsyncTarget = started(await dovecot());
    const engineTarget = started(await dovecot());

    const seeded = await seed(source);
    console.log(
      `corpus: ${MAILBOXES} mailboxes x ${MESSAGES} messages, ${FOLDERS.length} folders each, ${mb(seeded.bytes)} MB ` +
        `(${seeded.withoutMessageId} without Message-ID, ${seeded.overOneMb} over 1 MB, largest ${mb(seeded.largest, 1)} MB), seeded in ${seeded.seconds.toFixed(1)} s`,
    );
    const imapsync = findOnPath('imapsync');
    console.log(
      `versions: mbsync ${await version('mbsync', ['--version'])}, Dovecot ${await version('dovecot', ['--version'])}, Node ${process.version}, ` +
        (imapsync ? `imapsync ${await version(imapsync, ['--version'])}` : 'imapsync not installed (not a Debian package): skipped'),
    );
    console.log(
      "settings: every target a fresh Dovecot with the source's config (Maildir, mail_fsync=never), plain IMAP on loopback; " +
        'mbsync SSLType None, AuthMechs LOGIN, Sync Pull, Create Near, CopyArrivalDate yes, Patterns *; our engine with its flag sync after each folder',
    );
    // Read once before any tool runs: it warms the source (page cache, Dovecot's caches) for every tool alike.
    const expected = await snapshot(source);

    const mbsync = await mbsyncRunner(work, source, mbsyncTarget);
    const mbsyncFirst = await runProcesses(mbsync.commands);
    const mbsyncCheck = compare(expected, await snapshot(mbsyncTarget));
    console.log(
      `mbsync: ${describe(mbsyncCheck)}, ${mbsyncFirst.seconds.toFixed(1)} s (${rate(seeded.bytes, mbsyncFirst.seconds)}), ` +
        `peak RSS ${mbsyncFirst.peakRssMb.toFixed(0)} MB (sum of the ${MAILBOXES} processes, sampled; their own peaks add up to ${mbsyncFirst.peakHwmMb.toFixed(0)} MB)`,
    );
    printFolders('mbsync', mbsyncCheck);

    tableProxy.resetStats();
    const engineWall = Date.now();
    const engine = await runOurEngine({
      users,
      password: PASSWORD,
      sourcePort: source.port,
      targetPort: engineTarget.port,
      storageConnectionString: tableProxy.connectionString,
    });
    const engineProcessSeconds = (Date.now() - engineWall) / 1000;
    const engineRequests = tableProxy.stats().requests.received;
    const engineCheck = compare(expected, await snapshot(engineTarget));
    console.log(
      `engine: ${describe(engineCheck)}, ${engine.seconds.toFixed(1)} s (${rate(engine.bytes, engine.seconds)}) = ${ratio(mbsyncFirst.seconds, engine.seconds)} mbsync's speed, ` +
        `peak RSS ${engine.peakRssMb.toFixed(0)} MB (one process); ${engineProcessSeconds.toFixed(1)} s with Node's start`,
    );
    console.log(`  table requests ${engineRequests} = ${perItem(engineRequests, engine.messages)} per copied item (${engine.messages} copied)`);
    printFolders('engine', engineCheck);

    let imapsyncSeconds: number | undefined;
    let imapsyncTarget: RunningDovecot | undefined;
    let imapsyncCommands: Command[] = [];
    if (imapsync) {
      imapsyncTarget = started(await dovecot());
      imapsyncCommands = await imapsyncRunner(imapsync, work, source, imapsyncTarget);
      const first = await runProcesses(imapsyncCommands);
      const check = compare(expected, await snapshot(imapsyncTarget));
      imapsyncSeconds = first.seconds;
      console.log(
        `imapsync: ${describe(check)}, ${first.seconds.toFixed(1)} s (${rate(seeded.bytes, first.seconds)}) = ${ratio(mbsyncFirst.seconds, first.seconds)} mbsync's speed, peak RSS ${first.peakRssMb.toFixed(0)} MB`,
      );
      printFolders('imapsync', check);
    }

    // The second pass: nothing changed on the source.
    tableProxy.resetStats();
    const againWall = Date.now();
    const engineAgain = await runOurEngine({
      users,
      password: PASSWORD,
      sourcePort: source.port,
      targetPort: engineTarget.port,
      storageConnectionString: tableProxy.connectionString,
    });
    const againProcessSeconds = (Date.now() - againWall) / 1000;
    const againRequests = tableProxy.stats().requests.received;
    const mbsyncAgain = await runProcesses(mbsync.commands);
    const unchanged = expected.messages;
    console.log(
      `unchanged pass: engine ${engineAgain.seconds.toFixed(2)} s (${againProcessSeconds.toFixed(2)} s with Node's start; ${engineAgain.messages} copied), ${againRequests} table requests = ${(againRequests / MAILBOXES).toFixed(1)} per mailbox (its containers, its lease, its page's close: none per item) = ${perItem(againRequests, unchanged)} per unchanged item (${unchanged} in all); ` +
        `mbsync ${mbsyncAgain.seconds.toFixed(2)} s; engine = ${ratio(mbsyncAgain.seconds, engineAgain.seconds)} mbsync's speed`,
    );
    const counts = [`mbsync target ${await countMessages(mbsyncTarget)}`, `engine target ${await countMessages(engineTarget)}`];
    if (imapsync && imapsyncTarget) {
      const again = await runProcesses(imapsyncCommands);
      console.log(`unchanged pass: imapsync ${again.seconds.toFixed(2)} s (first pass ${imapsyncSeconds?.toFixed(1)} s)`);
      counts.push(`imapsync target ${await countMessages(imapsyncTarget)}`);
    }
    console.log(`after the unchanged pass: ${counts.join(', ')} messages (source ${unchanged})`);
  } finally {
    await Promise.allSettled(stops.reverse().map((stop) => stop()));
    await rm(work, { recursive: true, force: true });
  }
}

// ---- Corpus ----

async function seed(source: RunningDovecot) {
  const begun = Date.now();
  const totals = { bytes: 0, withoutMessageId: 0, overOneMb: 0, largest: 0 };
  await Promise.all(
    users.map(async (user, i) => {
      const client = await connectImap(source, user, PASSWORD);
      try {
        await seedMailbox(client, { folders: FOLDERS, messages: count(generateCorpus(corpusOf(i)), totals) });
      } finally {
        await client.logout();
      }
    }),
  );
  return { ...totals, seconds: (Date.now() - begun) / 1000 };
}

function* count<T extends { raw: Buffer; messageId: string | null }>(
  messages: Iterable<T>,
  totals: { bytes: number; withoutMessageId: number; overOneMb: number; largest: number },
) {
  for (const message of messages) {
    totals.bytes += message.raw.length;
    if (message.messageId === null) totals.withoutMessageId += 1;
    if (message.raw.length > 1_000_000) totals.overOneMb += 1;
    totals.largest = Math.max(totals.largest, message.raw.length);
    yield message;
  }
}

// ---- The peers: commands run all at once, timed, their memory sampled from /proc ----

interface Command {
  file: string;
  args: string[];
}

interface ProcessesRun {
  seconds: number;
  /** The highest sum of the processes' RSS at one sample. */
  peakRssMb: number;
  /** The sum of each process's own peak (VmHWM), as last read: an upper bound of the above. */
  peakHwmMb: number;
}

/** One mbsyncrc per mailbox (source = Far, target = Near), its sync state beside it. */
async function mbsyncRunner(work: string, source: RunningDovecot, target: RunningDovecot): Promise<{ commands: Command[] }> {
  const commands: Command[] = [];
  for (const user of users) {
    const folder = path.join(work, `mbsync-${user}`);
    await mkdir(path.join(folder, 'state'), { recursive: true, mode: 0o700 });
    const account = (name: string, server: RunningDovecot) =>
      [
        `IMAPAccount ${name}`,
        `Host ${server.host}`,
        `Port ${server.port}`,
        `User ${user}`,
        `Pass ${PASSWORD}`,
        // Loopback, as our engine gets it (security none); Dovecot here allows LOGIN in cleartext.
        'SSLType None',
        'AuthMechs LOGIN',
        '',
        `IMAPStore ${name}`,
        `Account ${name}`,
        '',
      ].join('\n');
    const rc = [
      account('source', source),
      account('target', target),
      'Channel migrate',
      'Far :source:',
      'Near :target:',
      'Patterns *',
      'Create Near',
      // Far -> Near: new messages, flags (and deletions, of which there are none).
      'Sync Pull',
      // INTERNALDATE kept, as our engine keeps it (mbsync's default is the time of the copy).
      'CopyArrivalDate yes',
      `SyncState ${path.join(folder, 'state')}/`,
      '',
    ].join('\n');
    const rcPath = path.join(folder, 'mbsyncrc');
    await writeFile(rcPath, rc, { mode: 0o600 });
    commands.push({ file: 'mbsync', args: ['-c', rcPath, '-a'] });
  }
  return { commands };
}

/** Not in Debian; run only when someone put it on the PATH. Copies dates and flags by default. */
async function imapsyncRunner(imapsync: string, work: string, source: RunningDovecot, target: RunningDovecot): Promise<Command[]> {
  const passfile = path.join(work, 'imapsync-password');
  await writeFile(passfile, `${PASSWORD}\n`, { mode: 0o600 });
  return Promise.all(
    users.map(async (user) => {
      const folder = path.join(work, `imapsync-${user}`);
      await mkdir(folder, { recursive: true, mode: 0o700 });
      const side = (n: 1 | 2, server: RunningDovecot) => [
        `--host${n}`,
        server.host,
        `--port${n}`,
        String(server.port),
        `--user${n}`,
        user,
        `--passfile${n}`,
        passfile,
        `--nossl${n}`,
        `--notls${n}`,
      ];
      return {
        file: imapsync,
        args: [
          ...side(1, source),
          ...side(2, target),
          '--noreleasecheck',
          '--nolog',
          '--nofoldersizes',
          '--nofoldersizesatend',
          '--tmpdir',
          folder,
          '--pidfile',
          path.join(folder, 'pid'),
        ],
      };
    }),
  );
}

/** Starts every command at once; resolves when the last has exited, rejects when one fails (the others killed and waited for). */
async function runProcesses(commands: Command[]): Promise<ProcessesRun> {
  const running = new Map<ChildProcess, Promise<void>>();
  const hwm = new Map<number, number>();
  let peakRss = 0;
  const sample = () => {
    let sum = 0;
    for (const child of running.keys()) {
      if (child.pid === undefined || child.exitCode !== null) continue;
      const status = readStatus(child.pid);
      if (!status) continue;
      sum += status.rssKb;
      hwm.set(child.pid, Math.max(hwm.get(child.pid) ?? 0, status.hwmKb));
    }
    peakRss = Math.max(peakRss, sum);
  };
  const begun = process.hrtime.bigint();
  const sampler = setInterval(sample, 20);
  try {
    for (const command of commands) {
      const child = spawn(command.file, command.args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
      child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
      const exited = new Promise<void>((resolve, reject) => {
        child.once('error', reject);
        child.once('close', (code, signal) => {
          if (code === 0) resolve();
          else reject(new Error(`${command.file} ${command.args.join(' ')} ended with ${signal ?? `code ${code}`}:\n${output}`));
        });
      });
      running.set(child, exited);
    }
    await Promise.all(running.values());
    const seconds = Number(process.hrtime.bigint() - begun) / 1e9;
    return { seconds, peakRssMb: peakRss / 1024, peakHwmMb: [...hwm.values()].reduce((a, b) => a + b, 0) / 1024 };
  } finally {
    clearInterval(sampler);
    for (const child of running.keys()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.allSettled(running.values());
  }
}

function readStatus(pid: number): { rssKb: number; hwmKb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
  } catch {
    return undefined; // exited between the check and the read
  }
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

async function version(file: string, args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, { timeout: 30_000 });
    return (stdout || stderr).trim().split('\n')[0] ?? '?';
  } catch (error) {
    return `unknown (${(error as Error).message.split('\n')[0]})`;
  }
}

// ---- The check: per user and folder, the multiset of SHA-256 of the stored bytes ----

interface StoredCopy {
  /** SHA-256 of the bytes as stored. */
  raw: string;
  /** SHA-256 of the bytes without an `X-TUID:` header line (mbsync adds one to each copy it makes). */
  plain: string;
  flags: string;
  date: string;
}

interface Snapshot {
  messages: number;
  /** user -> folder path -> what it holds */
  mailboxes: Map<string, Map<string, StoredCopy[]>>;
}

async function snapshot(server: RunningDovecot): Promise<Snapshot> {
  const mailboxes = new Map<string, Map<string, StoredCopy[]>>();
  let messages = 0;
  await Promise.all(
    users.map(async (user) => {
      const folders = new Map<string, StoredCopy[]>();
      mailboxes.set(user, folders);
      const client = await connectImap(server, user, PASSWORD);
      try {
        // Empty folders count too: the folder tree is part of the copy.
        for (const folder of await client.list()) if (!folder.flags.has('\\Noselect')) folders.set(folder.path, []);
        await forEachStoredMessage(client, (folder, message) => {
          const bytes = message.source!;
          folders.get(folder)!.push({
            raw: sha256(bytes),
            plain: sha256(withoutTuid(bytes)),
            flags: [...(message.flags ?? [])]
              .filter((f) => f !== '\\Recent')
              .sort()
              .join(' '),
            date: new Date(message.internalDate ?? 0).toISOString(),
          });
          messages += 1;
        });
      } finally {
        await client.logout();
      }
    }),
  );
  return { messages, mailboxes };
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function withoutTuid(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1');
  // The header ends with the line break before the empty line.
  const lastBreak = /\r?\n(?=\r?\n)/.exec(text);
  const header = lastBreak ? text.slice(0, lastBreak.index + lastBreak[0].length) : text;
  const stripped = header.replace(/^X-TUID: [^\r\n]*\r?\n/im, '');
  return stripped === header ? bytes : Buffer.from(stripped + text.slice(header.length), 'latin1');
}

interface Verdict {
  messages: number;
  /** Source messages found on the target (bytes equal, or equal but for an X-TUID header). */
  copied: number;
  identical: number;
  flagsKept: number;
  datesKept: number;
  /** Target messages that match no source message (duplicates, changed bytes). */
  extra: number;
  folders: number;
  foldersMatched: number;
  /** Folders found under another name, holding exactly the source folder's messages: "source -> target" and how many mailboxes. */
  renamed: Map<string, number>;
  /** Source folders with no target folder holding exactly their messages. */
  unmatched: Map<string, number>;
}

function compare(expected: Snapshot, actual: Snapshot): Verdict {
  const verdict: Verdict = {
    messages: 0,
    copied: 0,
    identical: 0,
    flagsKept: 0,
    datesKept: 0,
    extra: 0,
    folders: 0,
    foldersMatched: 0,
    renamed: new Map(),
    unmatched: new Map(),
  };
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  for (const [user, sourceFolders] of expected.mailboxes) {
    const targetFolders = actual.mailboxes.get(user) ?? new Map<string, StoredCopy[]>();
    const sourceAll = [...sourceFolders.values()].flat();
    const targetAll = [...targetFolders.values()].flat();
    const matches = (key: (c: StoredCopy) => string) => intersection(sourceAll.map(key), targetAll.map(key));
    verdict.messages += sourceAll.length;
    const copied = matches((c) => c.plain);
    verdict.copied += copied;
    verdict.identical += matches((c) => c.raw);
    verdict.flagsKept += matches((c) => `${c.plain} ${c.flags}`);
    verdict.datesKept += matches((c) => `${c.plain} ${c.date}`);
    verdict.extra += targetAll.length - copied;

    const contents = (copies: StoredCopy[]) =>
      copies
        .map((c) => c.plain)
        .sort()
        .join(',');
    const targetContents = new Map([...targetFolders].map(([name, copies]) => [name, contents(copies)]));
    const sourceNames = new Set(sourceFolders.keys());
    const taken = new Set<string>();
    const left: Array<{ name: string; wanted: string }> = [];
    for (const [name, copies] of sourceFolders) {
      verdict.folders += 1;
      const wanted = contents(copies);
      if (targetContents.get(name) === wanted) {
        taken.add(name);
        verdict.foldersMatched += 1;
      } else left.push({ name, wanted });
    }
    // A folder the tool put under another name (Sent -> Sent Items) holds exactly the source folder's
    // messages under a name no source folder has; empty source folders go last, to the empty ones left.
    left.sort((a, b) => Number(a.wanted === '') - Number(b.wanted === ''));
    for (const { name, wanted } of left) {
      const elsewhere = [...targetContents].find(([other, held]) => held === wanted && !taken.has(other) && !sourceNames.has(other))?.[0];
      if (elsewhere === undefined) {
        bump(verdict.unmatched, name);
        continue;
      }
      taken.add(elsewhere);
      verdict.foldersMatched += 1;
      bump(verdict.renamed, `${name} -> ${elsewhere}${wanted === '' ? ' (both empty)' : ''}`);
    }
  }
  return verdict;
}

/** How many elements the two multisets share. */
function intersection(a: string[], b: string[]): number {
  const counts = new Map<string, number>();
  for (const key of a) counts.set(key, (counts.get(key) ?? 0) + 1);
  let shared = 0;
  for (const key of b) {
    const left = counts.get(key) ?? 0;
    if (left > 0) {
      counts.set(key, left - 1);
      shared += 1;
    }
  }
  return shared;
}

/** "N/N copied; identical yes/no (...)": identical means every folder holds exactly the source folder's bytes. */
function describe(v: Verdict): string {
  const identical = v.identical === v.messages && v.copied === v.messages && v.extra === 0 && v.foldersMatched === v.folders;
  const tuid = v.copied - v.identical;
  const details = [
    `bytes ${v.identical}/${v.messages}${tuid > 0 ? `, and ${tuid} more without the X-TUID: header the tool adds` : ''}`,
    `flags ${v.flagsKept}/${v.messages}`,
    `dates ${v.datesKept}/${v.messages}`,
    `folders matched ${v.foldersMatched}/${v.folders}`,
    ...(v.extra > 0 ? [`${v.extra} target messages match no source message`] : []),
  ];
  return `${v.copied}/${v.messages} copied; identical ${identical ? 'yes' : 'no'} (${details.join('; ')})`;
}

function printFolders(tool: string, v: Verdict): void {
  const list = (map: Map<string, number>) => [...map].map(([name, n]) => `${name} (${n} mailbox${n === 1 ? '' : 'es'})`).join(', ');
  if (v.renamed.size > 0) console.log(`  ${tool}: folders under another name, with exactly the source folder's messages: ${list(v.renamed)}`);
  if (v.unmatched.size > 0) console.log(`  ${tool}: source folders no target folder matches: ${list(v.unmatched)}`);
}

async function countMessages(server: RunningDovecot): Promise<number> {
  let total = 0;
  await Promise.all(
    users.map(async (user) => {
      const client = await connectImap(server, user, PASSWORD);
      try {
        for (const folder of await client.list({ statusQuery: { messages: true } })) total += folder.status?.messages ?? 0;
      } finally {
        await client.logout();
      }
    }),
  );
  return total;
}

// ---- Formatting ----

function mb(bytes: number, digits = 0): string {
  return (bytes / 1e6).toFixed(digits);
}

function rate(bytes: number, seconds: number): string {
  return `${(bytes / 1e6 / seconds).toFixed(1)} MB/s`;
}

/** How many times faster `seconds` is than `reference` (above 1: faster). */
function ratio(reference: number, seconds: number): string {
  return `${(reference / seconds).toFixed(2)}x`;
}

function perItem(requests: number, items: number): string {
  return items === 0 ? 'n/a' : (requests / items).toFixed(3);
}

function positiveInteger(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of at least 1, not "${text}"`);
  return value;
}
