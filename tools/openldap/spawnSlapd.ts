import { spawnServer } from '../process/spawnServer';

export interface SlapdProcess {
  pid: number;
  /** Settles when the process has exited. */
  exited: Promise<void>;
  /** What slapd printed so far (errors only, at debug level 0). */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited after a grace period; resolves once it is gone. */
  kill(): Promise<void>;
}

const SLAPD_BINARY = '/usr/sbin/slapd';
/** slapd closes its mdb database and exits within milliseconds of SIGTERM; a loaded machine gets some slack. */
const STOP_GRACE_MS = 2_000;

/**
 * Starts slapd as a child of this process. `-d 0` keeps it in the foreground (slapd never forks
 * when a debug level is given) without debug output. It runs in a process group of its own,
 * tethered to this process (spawnServer): if this process dies, even by SIGKILL, slapd is killed
 * and `dataDir` (its temporary folder) removed.
 */
export function spawnSlapd(configPath: string, listenerUrls: string[], dataDir?: string): SlapdProcess {
  const server = spawnServer(SLAPD_BINARY, ['-f', configPath, '-h', listenerUrls.join(' '), '-d', '0'], { removeFolderOnDeath: dataDir });
  let output = '';
  server.child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { pid: server.pid, exited: server.exited, output: () => output, kill: () => server.stop(STOP_GRACE_MS) };
}

export { SLAPD_BINARY };
