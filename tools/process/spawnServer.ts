import { type ChildProcess, spawn } from 'node:child_process';
import { isProcessGroupAlive } from './readProcessTable';
import { tetherProcessGroup } from './tetherProcessGroup';

export interface SpawnServerOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** A temporary folder of the server's, removed by the watchdog if this process dies before stop(). */
  removeFolderOnDeath?: string;
}

export interface ServerProcess {
  /** The spawned process; its stdout and stderr are pipes for the caller to read. */
  readonly child: ChildProcess;
  readonly pid: number;
  /** Settles once the server's main process has exited (or could not be spawned). */
  readonly exited: Promise<void>;
  /**
   * SIGTERM (the server's own graceful stop), SIGKILL to its whole process group after `graceMs`;
   * resolves once every process of the group is gone. Calling it again returns the same promise.
   */
  stop(graceMs: number): Promise<void>;
  /** SIGKILL to the whole group at once, as a crash would; resolves once the group is gone. */
  kill(): Promise<void>;
}

/** Bounds the wait for a killed group to die (SIGKILL is delivered asynchronously). */
const GROUP_GONE_TIMEOUT_MS = 5_000;

/**
 * Spawns a server (Azurite, Dovecot, slapd, the devhost) so that it cannot outlive this process:
 * - in a process group of its own (`detached`), so one signal reaches the server and everything it
 *   forked (Dovecot's master leaves open imap sessions running when it stops), and a terminal's
 *   Ctrl+C reaches only the program that started it, which stops its servers in order;
 * - tethered (tetherProcessGroup): if this process dies, even by SIGKILL, a watchdog kills the group.
 * When the server's own process exits, whatever remains of its group is killed at once, so no
 * orphan of it lives on either.
 */
export function spawnServer(command: string, args: string[], options: SpawnServerOptions = {}): ServerProcess {
  const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  // Right after the spawn, with no await in between: the server is never untethered while this process runs JavaScript.
  const tether = child.pid === undefined ? undefined : tetherProcessGroup(child.pid, { removeFolder: options.removeFolderOnDeath });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve()); // e.g. ENOENT: nothing was started
  });
  const groupGone = exited.then(async () => {
    signalGroup(child, 'SIGKILL');
    await waitUntilGroupGone(child);
    tether?.release();
  });

  let stopping: Promise<void> | undefined;
  const stop = (graceMs: number): Promise<void> => {
    stopping ??= (async () => {
      if (isRunning(child)) child.kill('SIGTERM');
      const force = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
      await groupGone;
      clearTimeout(force);
    })();
    return stopping;
  };
  const kill = async (): Promise<void> => {
    signalGroup(child, 'SIGKILL');
    await groupGone;
  };
  return { child, pid: child.pid ?? 0, exited, stop, kill };
}

function isRunning(child: ChildProcess): boolean {
  return child.pid !== undefined && child.exitCode === null && child.signalCode === null;
}

/** Signals every process of the server's group; false when nobody is left in it. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals | 0): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is empty
  }
}

async function waitUntilGroupGone(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const deadline = Date.now() + GROUP_GONE_TIMEOUT_MS;
  while (isProcessGroupAlive(child.pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}
