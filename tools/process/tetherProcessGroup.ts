import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';

export interface ProcessTether {
  /** The server is gone (or stopped by its owner): the watchdog exits without doing anything. */
  release(): void;
}

/**
 * The watchdog, a POSIX shell script (`sh` is dash on Debian: it starts in a millisecond and needs
 * no Node). Its standard input is one end of a socket pair whose other end only this process
 * holds. `read` blocks until a line arrives or the socket closes; the kernel closes it when this
 * process ends, however it ends: exit, crash, SIGKILL, a jest worker torn down by a signal. Then:
 * SIGKILL to the whole process group (the server and every process it forked) and, if a folder was
 * given, its removal a moment later (a killed process may finish the write it was in). `release()`
 * writes the line `released` first, and the watchdog just exits.
 * `$1` is the process group id, `$2` the folder (may be empty).
 */
const WATCHDOG_SCRIPT = [
  'if read -r word && [ "$word" = released ]; then exit 0; fi',
  'kill -s KILL -- "-$1" 2>/dev/null',
  'if [ -n "$2" ]; then sleep 0.2; rm -rf -- "$2"; fi',
].join('\n');

/**
 * Ties a server's process group to this process: when this process dies, by any means, a watchdog
 * kills the group. `process.on('exit')` hooks cannot do that, since SIGKILL (and a jest worker
 * ended by a signal) runs no JavaScript; `prctl(PR_SET_PDEATHSIG)` is out of reach from Node and
 * would end only the group's leader, not the processes it forked.
 *
 * The group must be the server's own (`spawn(..., { detached: true })`, see spawnServer). The
 * watchdog is detached too, in a session of its own, so a terminal's Ctrl+C, which signals the
 * whole foreground group, does not reach it: it stays to clean up if the program it guards dies of
 * that signal. It holds no reference on this process's event loop.
 */
export function tetherProcessGroup(processGroupId: number, options: { removeFolder?: string } = {}): ProcessTether {
  const watchdog = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'tether', String(processGroupId), options.removeFolder ?? ''], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  const pipe = watchdog.stdin as Socket;
  // EPIPE if the watchdog is already gone (it was killed): nothing is left to release then.
  pipe.on('error', () => undefined);
  watchdog.on('error', () => undefined);
  pipe.unref();
  watchdog.unref();
  let released = false;
  return {
    release: () => {
      if (released) return;
      released = true;
      pipe.end('released\n');
    },
  };
}
