import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OUTLOOK_LIMITS, type OutlookLimits } from '../src/connectors/graph/mailboxBudget';
import { buildMessage } from '../tools/corpus/buildMessage';
import { generateCorpus } from '../tools/corpus/generateCorpus';
import { SeededRandom } from '../tools/corpus/seededRandom';
import { seedMailbox } from '../tools/corpus/seedMailbox';
import { startAzurite } from '../tools/azurite/startAzurite';
import { type RunningDovecot, startDovecot } from '../tools/dovecot/startDovecot';
import { connectImap } from '../test/support/copyHarness';
import { runWorker, startSandboxProcess } from './copyEngine.bench';
import type { WorkerOutput } from './copyEngineWorker';

/**
 * The Graph path against Outlook's per-mailbox budget (issue 10): 4 concurrent requests, 10,000
 * requests per 10 minutes and 150 MB of uploads per 5 minutes per app and mailbox
 * (https://learn.microsoft.com/graph/throttling-limits, "Outlook service limits").
 *
 * The sandbox enforces those limits and the copy paces itself to them. So that a run reaches the
 * windows in seconds, both sides scale every window and every amount by BENCH_BUDGET_SCALE
 * (default 0.05): the rates per second stay Microsoft's (16.7 requests/s, 0.5 MB/s per mailbox),
 * only the windows are shorter. Two runs, each copy in a process of its own:
 * - requests: small messages with 250 ms per request (near Graph's own latency for a create), where
 *   the question is how busy the copy keeps each mailbox and how often Graph has to say 429;
 * - uploads: messages with 3.5 MB attachments, where the upload budget is the bottleneck and the
 *   question is how much of it the copy uses.
 */
const SCALE = Number(process.env.BENCH_BUDGET_SCALE ?? 0.05);
const MAILBOXES = Number(process.env.BENCH_BUDGET_MAILBOXES ?? 2);
const SMALL_MESSAGES = Number(process.env.BENCH_BUDGET_MESSAGES ?? 400);
const ATTACHMENT_MB = Number(process.env.BENCH_BUDGET_ATTACHMENT_MB ?? 40);
const PASSWORD = 'bench-pw';

const limits: OutlookLimits = {
  concurrency: OUTLOOK_LIMITS.concurrency,
  requestsPerWindow: Math.round(OUTLOOK_LIMITS.requestsPerWindow * SCALE),
  requestWindowMs: Math.round(OUTLOOK_LIMITS.requestWindowMs * SCALE),
  uploadBytesPerWindow: Math.round(OUTLOOK_LIMITS.uploadBytesPerWindow * SCALE),
  uploadWindowMs: Math.round(OUTLOOK_LIMITS.uploadWindowMs * SCALE),
};

export default async function run(): Promise<void> {
  const small = Array.from({ length: MAILBOXES }, (_, i) => `small${i}`);
  const large = Array.from({ length: MAILBOXES }, (_, i) => `large${i}`);
  const storageDir = mkdtempSync(path.join(tmpdir(), 'bench-budget-'));
  const azurite = await startAzurite({ location: storageDir });
  const source = await startDovecot({ users: [...small, ...large].map((name) => ({ name, password: PASSWORD })) });
  try {
    await seed(source, small, large);
    console.log(
      `scale ${SCALE}: per mailbox ${limits.requestsPerWindow} requests per ${limits.requestWindowMs / 1000} s and ${(limits.uploadBytesPerWindow / 1048576).toFixed(1)} MB per ${limits.uploadWindowMs / 1000} s ` +
        `(Microsoft: ${OUTLOOK_LIMITS.requestsPerWindow} per 10 min, 150 MB per 5 min; same rates per second), 4 concurrent requests`,
    );
    const requests = await copyThroughSandbox(azurite.connectionString, source, small, 250);
    const perMailbox = requests.requestMilliseconds / 1000 / requests.seconds / MAILBOXES;
    console.log(
      `requests: ${MAILBOXES} mailboxes x ${SMALL_MESSAGES} messages, 250 ms per request: ${requests.messages} messages in ${requests.seconds.toFixed(1)} s, ${requests.requests} requests`,
    );
    console.log(`  requests in flight per mailbox on average: ${perMailbox.toFixed(2)} of 4 (goal >= 3.5)`);
    console.log(`  429s per 1,000 requests: ${((requests.throttled / Math.max(1, requests.requests)) * 1000).toFixed(2)} (goal < 10)`);
    console.log(`  peak memory of the copying process: ${requests.peakRssMb.toFixed(0)} MB RSS`);
    const uploads = await copyThroughSandbox(azurite.connectionString, source, large, 50);
    const rate = uploads.uploadBytes / MAILBOXES / uploads.seconds;
    const budgetRate = limits.uploadBytesPerWindow / (limits.uploadWindowMs / 1000);
    console.log(
      `uploads: ${MAILBOXES} mailboxes x ${ATTACHMENT_MB} MB of 3.5 MB attachments: ${(uploads.uploadBytes / 1048576).toFixed(0)} MB uploaded in ${uploads.seconds.toFixed(1)} s`,
    );
    console.log(
      `  upload rate per mailbox: ${(rate / 1048576).toFixed(2)} MB/s = ${((rate / budgetRate) * 100).toFixed(0)}% of 150 MB per 5 minutes (goal >= 90%; the first window starts empty, so a short run can go over 100%)`,
    );
    console.log(
      `  429s per 1,000 requests: ${((uploads.throttled / Math.max(1, uploads.requests)) * 1000).toFixed(2)}; peak memory ${uploads.peakRssMb.toFixed(0)} MB RSS`,
    );
  } finally {
    await Promise.all([source.stop(), azurite.stop()]);
    rmSync(storageDir, { recursive: true, force: true });
  }
}

async function copyThroughSandbox(storage: string, source: RunningDovecot, users: string[], latencyMs: number): Promise<WorkerOutput> {
  const sandbox = await startSandboxProcess(
    latencyMs,
    users.map((u) => `${u}@contoso.onmicrosoft.com`),
    [
      '--budget',
      String(limits.requestsPerWindow),
      '--request-window-ms',
      String(limits.requestWindowMs),
      '--upload-mb',
      String(limits.uploadBytesPerWindow / 1048576),
      '--upload-window-ms',
      String(limits.uploadWindowMs),
    ],
  );
  try {
    return await runWorker(storage, {
      users,
      password: PASSWORD,
      sourcePort: source.port,
      target: { kind: 'graph', connection: { ...sandbox.connection, limits } },
    });
  } finally {
    sandbox.stop();
  }
}

async function seed(source: RunningDovecot, small: string[], large: string[]): Promise<void> {
  await Promise.all(
    small.map(async (user, i) => {
      const client = await connectImap(source, user, PASSWORD);
      await seedMailbox(client, { messages: generateCorpus({ seed: 500 + i, count: SMALL_MESSAGES, averageBytes: 4_000, folders: [['INBOX']] }) });
      await client.logout();
    }),
  );
  const perMailbox = Math.max(1, Math.round(ATTACHMENT_MB / 3.5));
  await Promise.all(
    large.map(async (user, i) => {
      const client = await connectImap(source, user, PASSWORD);
      for (let n = 0; n < perMailbox; n += 1) {
        const raw = buildMessage(
          {
            from: { name: 'Sender', address: 'sender@legacy.example' },
            to: { name: user, address: `${user}@contoso.com` },
            subject: `attachment ${n}`,
            date: new Date(Date.UTC(2007, 0, n + 1)),
            messageId: `<budget-${i}-${n}@legacy.example>`,
            text: 'see attached',
            attachments: [{ filename: `scan-${n}.pdf`, contentType: 'application/pdf', size: 3.5 * 1048576 }],
          },
          new SeededRandom(i * 1000 + n),
        );
        await client.append('INBOX', raw, ['\\Seen'], new Date(Date.UTC(2007, 0, n + 1)));
      }
      await client.logout();
    }),
  );
}
