import { spawn } from 'node:child_process';
import path from 'node:path';

export const CLI_PATH = path.resolve(__dirname, '../../../dist/cli/main.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `staged-migration` bin (`npm run build` first) as a user's shell would: its own
 * process, stdout and stderr pipes (so not a terminal), the given environment only, and `stdin` fed then closed.
 */
export async function runBuiltCli(args: string[], options: { env: Record<string, string>; stdin?: string; cwd?: string; terminal?: boolean }): Promise<CliRun> {
  const [command, commandArgs] = options.terminal ? inTerminal([process.execPath, CLI_PATH, ...args]) : [process.execPath, [CLI_PATH, ...args]];
  const child = spawn(command, commandArgs, {
    env: { PATH: process.env.PATH ?? '', ...options.env },
    cwd: options.cwd ?? process.cwd(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdin.end(options.stdin ?? '');
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  return { code, stdout, stderr };
}

/**
 * util-linux `script` runs the command on a pseudo-terminal, so its stdout is a TTY (as in an
 * administrator's shell); its output then has CRLF line ends, as a terminal's does.
 */
function inTerminal(argv: string[]): [string, string[]] {
  const quoted = argv.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  return ['script', ['--quiet', '--return', '--command', quoted, '/dev/null']];
}
