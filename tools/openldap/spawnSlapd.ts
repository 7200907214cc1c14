import { type ChildProcess, spawn } from 'node:child_process';

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
const STOP_TIMEOUT_MS = 5_000;

/** Processes still running, killed if the test process exits without stopping them. */
const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

/**
 * Starts slapd as a child of this process. `-d 0` keeps it in the foreground (slapd never forks
 * when a debug level is given) without debug output, so it cannot outlive the test run.
 */
export function spawnSlapd(configPath: string, listenerUrls: string[]): SlapdProcess {
  const child = spawn(SLAPD_BINARY, ['-f', configPath, '-h', listenerUrls.join(' '), '-d', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));

  const kill = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const guard = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(guard);
    }
  };
  return { pid: child.pid ?? 0, exited, output: () => output, kill };
}

export { SLAPD_BINARY };
