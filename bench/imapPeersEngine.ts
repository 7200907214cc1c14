import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import type { WorkerInput, WorkerOutput } from './copyEngineWorker';

/**
 * Our copy engine as imapPeers.bench.ts runs it against mbsync. This is the only module of that bench
 * that knows the engine's API: when the API changes, only this module is rewritten.
 */
export interface OurEngineInput {
  /** The same user names (and password) on the source and the target Dovecot. */
  users: string[];
  password: string;
  /** Plain IMAP on 127.0.0.1. */
  sourcePort: number;
  targetPort: number;
  /** Where the engine keeps its state (Azurite's, here behind the storage fault proxy that counts requests). */
  storageConnectionString: string;
}

export interface OurEngineResult {
  /** Items copied in this pass (0 in a pass that finds nothing new). */
  messages: number;
  bytes: number;
  /** From the first connection to the last mailbox done, inside the engine's process (Node's start not counted). */
  seconds: number;
  /** The copying process's RSS at its highest, sampled. */
  peakRssMb: number;
}

/**
 * Copies every user's mailbox, source to target, all mailboxes at once, as one pass of the
 * migration does (the copy engine's pages, each bringing read and flagged changes over as it goes).
 * The engine's state lives in the storage under a prefix made from the two ports, so a second call with
 * the same input is an incremental pass over what the first one copied.
 *
 * It runs bench/copyEngineWorker.ts in a child process of its own, so the peak RSS is the copy's alone.
 */
export async function runOurEngine(input: OurEngineInput): Promise<OurEngineResult> {
  const state = createHash('sha256').update(`imapPeers ${input.sourcePort} ${input.targetPort}`).digest();
  const workerInput: WorkerInput = {
    users: input.users,
    password: input.password,
    sourcePort: input.sourcePort,
    target: { kind: 'imap', port: input.targetPort },
  };
  const env = {
    ...process.env,
    AzureWebJobsStorage: input.storageConnectionString,
    MIGRATION_STORAGE_PREFIX: `p${state.toString('hex').slice(0, 10)}`,
    MIGRATION_ENCRYPTION_KEY: state.toString('base64'),
    // Through the environment, not the command line, where `ps` would show the password.
    COPY_WORKER_INPUT: JSON.stringify(workerInput),
  };
  try {
    // The same heap limit as the copy-engine bench: RSS then shows what the copy needs, not garbage.
    const { stdout } = await promisify(execFile)(process.execPath, ['--max-old-space-size=256', path.join(__dirname, 'copyEngineWorker.js')], {
      env,
      maxBuffer: 1 << 20,
    });
    const output = JSON.parse(stdout.trim().split('\n').pop()!) as WorkerOutput;
    return { messages: output.messages, bytes: output.bytes, seconds: output.seconds, peakRssMb: output.peakRssMb };
  } catch (error) {
    throw new Error(`our engine failed: ${(error as { stderr?: string }).stderr ?? String(error)}`);
  }
}
