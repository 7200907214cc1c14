import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ImapMailSource } from '../src/connectors/source/imap/imapMailSource';
import { createGraphSession, type GraphSession } from '../src/connectors/target/graph/graphConnection';
import { GraphCopyTarget } from '../src/connectors/target/graph/graphCopyTarget';
import { ImapCopyTarget } from '../src/connectors/target/imap/imapCopyTarget';
import { DEFAULT_COPY_LIMITS } from '../src/core/copy/copyLimits';
import type { CopyTarget } from '../src/services/copy/copyTarget';
import { MailboxCopier } from '../src/services/copy/mailboxCopier';
import { generateCorpus } from '../tools/corpus/generateCorpus';
import { seedMailbox } from '../tools/corpus/seedMailbox';
import { connectImap, copierStores, copyWholeMailbox, imapServerOf, passwordLogin } from '../test/support/copyHarness';
import { type RunningDovecot, startDovecot } from '../tools/dovecot/startDovecot';
import { startAzurite } from '../tools/azurite/startAzurite';

/**
 * The copy engine's throughput, as issue 5 measures it: 8 mailboxes of 2,000 messages (about
 * 70 KB on average, attachments of varied sizes) copied in parallel, Dovecot to Dovecot and
 * Dovecot to the Microsoft 365 sandbox with 100 ms latency per request. The sandbox runs in its
 * own process so the peak memory printed is the copy engine's alone.
 * BENCH_MAILBOXES, BENCH_MESSAGES and BENCH_LATENCY_MS scale it down for a quick look.
 */
const MAILBOXES = Number(process.env.BENCH_MAILBOXES ?? 8);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 100);
const users = Array.from({ length: MAILBOXES }, (_, i) => `user${i}`);

export default async function run(): Promise<void> {
  const azurite = await startAzurite();
  Object.assign(process.env, {
    AzureWebJobsStorage: azurite.connectionString,
    MIGRATION_STORAGE_PREFIX: `b${randomBytes(3).toString('hex')}`,
    MIGRATION_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  });
  const source = await startDovecot({ users: users.map((name) => ({ name, password: 'pw' })) });
  const target = await startDovecot({ users: users.map((name) => ({ name, password: 'pw' })) });
  try {
    const seeded = await seed(source);
    console.log(`corpus: ${MAILBOXES} mailboxes x ${MESSAGES} messages, ${(seeded.bytes / 1e6).toFixed(0)} MB, seeded in ${seeded.seconds.toFixed(1)} s`);
    const imap = await measure('Dovecot -> Dovecot', 'imap', () => copyAll(source, (user) => ImapCopyTarget.connect(imapServerOf(target), passwordLogin(user, 'pw'))));
    print(imap, seeded.bytes);
    const sandbox = await startSandboxProcess(LATENCY_MS, users.map((u) => `${u}@contoso.onmicrosoft.com`));
    try {
      const sessions: GraphSession[] = [];
      const graph = await measure(`Dovecot -> M365 sandbox (${LATENCY_MS} ms per request)`, 'graph', () => copyAll(source, (user) => {
        const session = createGraphSession(sandbox.connection);
        sessions.push(session);
        return Promise.resolve(new GraphCopyTarget(session, `${user}@contoso.onmicrosoft.com`));
      }));
      print(graph, seeded.bytes);
      const requests = sessions.reduce((n, s) => n + s.counter.requests, 0);
      const foldersAndSessions = sessions.reduce((n, s) => n + s.counter.requests - s.counter.messageCreates, 0);
      const creates = sessions.reduce((n, s) => n + s.counter.messageCreates, 0);
      console.log(`  target requests: ${requests} (${(requests / graph.messages).toFixed(3)} per message; message creates ${(creates / graph.messages).toFixed(3)} per message, folders and upload sessions ${foldersAndSessions})`);
      const busy = sessions.reduce((n, s) => n + s.counter.requestMilliseconds, 0);
      console.log(`  requests in flight per mailbox, on average over the run: ${(busy / graph.seconds / 1000 / MAILBOXES).toFixed(2)} of 4 allowed`);
    } finally {
      sandbox.stop();
    }
  } finally {
    await Promise.all([source.stop(), target.stop(), azurite.stop()]);
  }
}

interface Measured { name: string; messages: number; bytes: number; seconds: number; peakRssMb: number }

async function measure(name: string, prefix: string, work: () => Promise<{ messages: number; bytes: number }>): Promise<Measured> {
  process.env.MIGRATION_STORAGE_PREFIX = `${prefix}${randomBytes(3).toString('hex')}`;
  global.gc?.();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
  const started = process.hrtime.bigint();
  const result = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  return { name, ...result, seconds, peakRssMb: peak / 1024 / 1024 };
}

function print(m: Measured, corpusBytes: number): void {
  console.log(`${m.name}: ${m.messages} messages in ${m.seconds.toFixed(1)} s = ${(m.messages / m.seconds).toFixed(0)} messages/s, ${(m.bytes / 1e6 / m.seconds).toFixed(1)} MB/s, peak memory ${m.peakRssMb.toFixed(0)} MB (RSS of the copying process; corpus ${(corpusBytes / 1e6).toFixed(0)} MB)`);
}

async function seed(source: RunningDovecot): Promise<{ bytes: number; seconds: number }> {
  const started = Date.now();
  const results = await Promise.all(users.map(async (user, i) => {
    const client = await connectImap(source, user, 'pw');
    const result = await seedMailbox(client, { messages: generateCorpus({ seed: 100 + i, count: MESSAGES, averageBytes: 70_000 }) });
    await client.logout();
    return result.bytes;
  }));
  return { bytes: results.reduce((a, b) => a + b, 0), seconds: (Date.now() - started) / 1000 };
}

async function copyAll(source: RunningDovecot, connectTarget: (user: string) => Promise<CopyTarget>): Promise<{ messages: number; bytes: number }> {
  const totals = await Promise.all(users.map(async (user) => {
    const imap = new ImapMailSource(imapServerOf(source), passwordLogin(user, 'pw'));
    await imap.connect();
    const copier = new MailboxCopier({ batchId: 'bench', mailboxKey: user }, imap, await connectTarget(user), copierStores(), DEFAULT_COPY_LIMITS);
    const { results } = await copyWholeMailbox(copier);
    await copier.close();
    return { messages: results.reduce((n, r) => n + r.copied, 0), bytes: results.reduce((n, r) => n + r.bytes, 0) };
  }));
  return { messages: totals.reduce((n, t) => n + t.messages, 0), bytes: totals.reduce((n, t) => n + t.bytes, 0) };
}

interface SandboxProcess { connection: Parameters<typeof createGraphSession>[0]; stop(): void }

async function startSandboxProcess(latencyMs: number, upns: string[]): Promise<SandboxProcess> {
  const cli = path.resolve(__dirname, '../tools/m365-sandbox/cli.js');
  const args = [cli, '--latency-ms', String(latencyMs), '--ca-file', path.join(process.env.TMPDIR ?? '/tmp', `bench-sandbox-ca-${process.pid}.pem`), ...upns.flatMap((u) => ['--user', u])];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the sandbox exited with code ${code}`)));
  });
  const started = JSON.parse(line) as { graphBaseUrl: string; authorityHost: string; tenantId: string; clientId: string; clientSecret: string; caFile: string };
  const { readFileSync } = await import('node:fs');
  return {
    connection: {
      tenantId: started.tenantId, clientId: started.clientId, clientSecret: started.clientSecret,
      baseUrl: started.graphBaseUrl.replace(/v1\.0\/?$/, ''), authorityHost: started.authorityHost, caCertificatePem: readFileSync(started.caFile, 'utf8'),
    },
    stop: () => child.kill('SIGTERM'),
  };
}
