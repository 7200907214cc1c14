import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { GraphConnection } from '../src/connectors/graph/graphConnection';
import { generateCorpus } from '../tools/corpus/generateCorpus';
import { seedMailbox } from '../tools/corpus/seedMailbox';
import { connectImap } from '../test/support/copyHarness';
import { type RunningDovecot, startDovecot } from '../tools/dovecot/startDovecot';
import { startAzurite } from '../tools/azurite/startAzurite';
import type { WorkerInput, WorkerOutput } from './copyEngineWorker';

/**
 * The copy engine's throughput, as issue 5 measures it: 8 mailboxes of 2,000 messages (about
 * 70 KB on average, attachments of varied sizes) copied in parallel, Dovecot to Dovecot and
 * Dovecot to the Microsoft 365 sandbox with 100 ms latency per request. Each copy runs in a
 * process of its own (copyEngineWorker) and the sandbox in another, so the peak memory printed is
 * the copy engine's alone. BENCH_MAILBOXES, BENCH_MESSAGES and BENCH_LATENCY_MS scale it down.
 */
const MAILBOXES = Number(process.env.BENCH_MAILBOXES ?? 8);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 100);
const users = Array.from({ length: MAILBOXES }, (_, i) => `user${i}`);
const PASSWORD = 'bench-pw';

export default async function run(): Promise<void> {
  const azurite = await startAzurite();
  const source = await startDovecot({ users: users.map((name) => ({ name, password: PASSWORD })) });
  const target = await startDovecot({ users: users.map((name) => ({ name, password: PASSWORD })) });
  try {
    const seeded = await seed(source);
    console.log(`corpus: ${MAILBOXES} mailboxes x ${MESSAGES} messages, ${(seeded.bytes / 1e6).toFixed(0)} MB, seeded in ${seeded.seconds.toFixed(1)} s`);
    const imap = await runWorker(azurite.connectionString, { users, password: PASSWORD, sourcePort: source.port, target: { kind: 'imap', port: target.port } });
    print('Dovecot -> Dovecot', imap);
    const sandbox = await startSandboxProcess(
      LATENCY_MS,
      users.map((u) => `${u}@contoso.onmicrosoft.com`),
    );
    try {
      const graph = await runWorker(azurite.connectionString, {
        users,
        password: PASSWORD,
        sourcePort: source.port,
        target: { kind: 'graph', connection: sandbox.connection },
      });
      print(`Dovecot -> M365 sandbox (${LATENCY_MS} ms per request)`, graph);
      console.log(
        `  target requests: ${graph.requests} = ${(graph.requests / graph.messages).toFixed(3)} per message; message creates alone ${(graph.messageCreates / graph.messages).toFixed(3)} per message; folders and upload sessions ${graph.requests - graph.messageCreates}`,
      );
      console.log(
        `  requests in flight per mailbox, on average over the run: ${(graph.requestMilliseconds / graph.seconds / 1000 / MAILBOXES).toFixed(2)} of the 4 Exchange allows`,
      );
    } finally {
      sandbox.stop();
    }
  } finally {
    await Promise.all([source.stop(), target.stop(), azurite.stop()]);
  }
}

function print(name: string, m: WorkerOutput): void {
  console.log(
    `${name}: ${m.messages} messages in ${m.seconds.toFixed(1)} s = ${(m.messages / m.seconds).toFixed(0)} messages/s, ${(m.bytes / 1e6 / m.seconds).toFixed(1)} MB/s, peak memory ${m.peakRssMb.toFixed(0)} MB RSS of the copying process (heap and buffers in use at most ${m.peakHeapMb.toFixed(0)} MB)`,
  );
}

export async function runWorker(storage: string, input: WorkerInput): Promise<WorkerOutput> {
  const env = {
    ...process.env,
    AzureWebJobsStorage: storage,
    MIGRATION_STORAGE_PREFIX: `b${randomBytes(3).toString('hex')}`,
    MIGRATION_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    COPY_WORKER_INPUT: JSON.stringify(input),
  };
  try {
    // A heap limit makes the collector keep up, so RSS shows what the copy needs rather than
    // garbage V8 had no reason to collect yet; the copy must finish within it.
    const { stdout } = await promisify(execFile)(process.execPath, ['--max-old-space-size=256', path.join(__dirname, 'copyEngineWorker.js')], {
      env,
      maxBuffer: 1 << 20,
    });
    return JSON.parse(stdout.trim().split('\n').pop()!) as WorkerOutput;
  } catch (error) {
    throw new Error(`The copy worker failed: ${(error as { stderr?: string }).stderr ?? String(error)}`);
  }
}

async function seed(source: RunningDovecot): Promise<{ bytes: number; seconds: number }> {
  const started = Date.now();
  const results = await Promise.all(
    users.map(async (user, i) => {
      const client = await connectImap(source, user, PASSWORD);
      const result = await seedMailbox(client, { messages: generateCorpus({ seed: 100 + i, count: MESSAGES, averageBytes: 70_000 }) });
      await client.logout();
      return result.bytes;
    }),
  );
  return { bytes: results.reduce((a, b) => a + b, 0), seconds: (Date.now() - started) / 1000 };
}

export interface SandboxProcess {
  connection: GraphConnection;
  stop(): void;
}

/** The sandbox in a process of its own (extra CLI arguments scale its limits), so its memory and CPU are not the copy's. */
export async function startSandboxProcess(latencyMs: number, upns: string[], extraArgs: string[] = []): Promise<SandboxProcess> {
  const cli = path.resolve(__dirname, '../tools/m365-sandbox/cli.js');
  const caFile = path.join(process.env.TMPDIR ?? '/tmp', `bench-sandbox-ca-${process.pid}-${Date.now()}.pem`);
  const args = [cli, '--latency-ms', String(latencyMs), '--ca-file', caFile, ...extraArgs, ...upns.flatMap((u) => ['--user', u])];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the sandbox exited with code ${code}`)));
  });
  const started = JSON.parse(line) as { graphBaseUrl: string; authorityHost: string; tenantId: string; clientId: string; clientSecret: string; caFile: string };
  return {
    connection: {
      tenantId: started.tenantId,
      clientId: started.clientId,
      clientSecret: started.clientSecret,
      baseUrl: started.graphBaseUrl.replace(/v1\.0\/?$/, ''),
      authorityHost: started.authorityHost,
      caCertificatePem: readFileSync(started.caFile, 'utf8'),
    },
    stop: () => {
      child.kill('SIGTERM');
      rmSync(started.caFile, { force: true });
    },
  };
}
