import { ImapMailSource } from '../src/connectors/imap/imapMailSource';
import { createGraphSession, type GraphConnection, type GraphSession } from '../src/connectors/graph/graphConnection';
import { GraphCopyTarget } from '../src/connectors/graph/graphCopyTarget';
import { ImapCopyTarget } from '../src/connectors/imap/imapCopyTarget';
import { DEFAULT_COPY_LIMITS } from '../src/core/copy/copyLimits';
import type { CopyTarget } from '../src/services/ports/copyTarget';
import { MailboxCopier } from '../src/services/copy/mailboxCopier';
import { copierStores, copyWholeMailbox } from '../test/support/copyHarness';

/**
 * One copy run of the copy-engine bench, in a process of its own so that the peak memory it
 * reports is the copy's alone (not the seeding's, nor the sandbox's). Input: one JSON argument;
 * output: one JSON line.
 */
export interface WorkerInput {
  users: string[];
  password: string;
  sourcePort: number;
  target: { kind: 'imap'; port: number } | { kind: 'graph'; connection: GraphConnection };
  /** Also run each folder's flag sync once its pages are done, as every pass of the orchestration does. */
  syncFlags?: boolean;
}

export interface WorkerOutput {
  messages: number;
  bytes: number;
  seconds: number;
  peakRssMb: number;
  /** Live JavaScript heap at its highest, sampled: what the copy really holds (RSS also counts garbage not yet collected). */
  peakHeapMb: number;
  requests: number;
  messageCreates: number;
  requestMilliseconds: number;
  /** Requests Graph answered 429, inside batches too. */
  throttled: number;
  /** Bytes of PATCH/POST/PUT bodies sent (what Outlook's upload limit counts). */
  uploadBytes: number;
}

async function copyAll(input: WorkerInput): Promise<WorkerOutput> {
  const sessions: GraphSession[] = [];
  const server = (port: number) => ({ host: '127.0.0.1', port, security: 'none' as const, allowPlaintext: true });
  const connectTarget = async (user: string): Promise<CopyTarget> => {
    if (input.target.kind === 'imap') return ImapCopyTarget.connect(server(input.target.port), { kind: 'password', user, password: input.password });
    const session = createGraphSession(input.target.connection);
    sessions.push(session);
    return new GraphCopyTarget(session, `${user}@contoso.onmicrosoft.com`);
  };
  let peak = process.memoryUsage().rss;
  let peakHeap = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peak = Math.max(peak, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed + usage.arrayBuffers);
  }, 50);
  const started = process.hrtime.bigint();
  const totals = await Promise.all(
    input.users.map(async (user) => {
      const source = new ImapMailSource(server(input.sourcePort), { kind: 'password', user, password: input.password });
      await source.connect();
      const copier = new MailboxCopier({ batchId: 'bench', mailboxKey: user }, source, await connectTarget(user), copierStores(), DEFAULT_COPY_LIMITS);
      const { folders, results } = await copyWholeMailbox(copier, 5);
      if (input.syncFlags) for (const folder of folders) await copier.syncFlags(folder.sourcePath);
      await copier.close();
      // A retried page finds what its first try created (matched): those count as copied too.
      return { messages: results.reduce((n, r) => n + r.copied + r.matched, 0), bytes: results.reduce((n, r) => n + r.bytes, 0) };
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  return {
    messages: totals.reduce((n, t) => n + t.messages, 0),
    bytes: totals.reduce((n, t) => n + t.bytes, 0),
    seconds,
    peakRssMb: peak / 1024 / 1024,
    peakHeapMb: peakHeap / 1024 / 1024,
    requests: sessions.reduce((n, s) => n + s.counter.requests, 0),
    messageCreates: sessions.reduce((n, s) => n + s.counter.messageCreates, 0),
    requestMilliseconds: sessions.reduce((n, s) => n + s.counter.requestMilliseconds, 0),
    throttled: sessions.reduce((n, s) => n + s.counter.throttled, 0),
    uploadBytes: sessions.reduce((n, s) => n + s.counter.uploadBytes, 0),
  };
}

if (require.main === module) {
  // The input comes through the environment, not the command line, where `ps` would show its credentials.
  copyAll(JSON.parse(process.env.COPY_WORKER_INPUT!) as WorkerInput).then(
    (output) => {
      process.stdout.write(`${JSON.stringify(output)}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
