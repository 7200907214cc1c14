import { ApiClient } from './apiClient';
import type { CliCommand } from './cliCommand';
import { COMMANDS, tryFindCommand } from './commandRegistry';
import { ApiRefusedError, CliUsageError, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from './errors';
import { formatProblem } from './formatProblem';
import { formatCommandHelp, formatOverview, PROGRAM } from './helpText';
import { parseCommandLine } from './parseCommandLine';
import { resolveConnection } from './resolveConnection';

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

/** Runs one command line and answers the exit code: 0 done, 1 refused or unreachable, 2 usage. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [group, verb, ...rest] = argv;
  const isHelp = (word: string | undefined) => word === '--help' || word === '-h' || word === 'help';
  if (group === undefined) return write(io.stderr, formatOverview(COMMANDS), EXIT_USAGE);
  if (isHelp(group)) return write(io.stdout, formatOverview(COMMANDS), EXIT_OK);
  const command = tryFindCommand(group, verb);
  if (!command) {
    const known = COMMANDS.some((c) => c.words[0] === group);
    if (known && isHelp(verb)) return write(io.stdout, formatOverview(COMMANDS, group), EXIT_OK);
    if (known && verb === undefined) return write(io.stderr, formatOverview(COMMANDS, group), EXIT_USAGE);
    const unknown = known ? `Unknown command "${group} ${verb}".` : `Unknown command group "${group}".`;
    return write(io.stderr, [`Error: ${unknown}`, '', ...formatOverview(COMMANDS, known ? group : undefined)], EXIT_USAGE);
  }
  try {
    return await runCommand(command, rest, io);
  } catch (error) {
    return write(io.stderr, describeFailure(error, command), exitCodeOf(error));
  }
}

async function runCommand(command: CliCommand, argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandLine(command, argv);
  if (parsed.help) return write(io.stdout, formatCommandHelp(command), EXIT_OK);
  const { url, key } = resolveConnection(parsed.values, io.env);
  try {
    await command.run({ args: parsed.args, values: parsed.values, api: new ApiClient(url, key), json: parsed.json, stdout: io.stdout, stdin: io.stdin });
  } catch (error) {
    // For scripts, `--json` also puts the problem document on stdout; the text still goes to stderr.
    if (parsed.json && error instanceof ApiRefusedError) io.stdout.write(`${JSON.stringify(error.problem, null, 2)}\n`);
    throw error;
  }
  return EXIT_OK;
}

function describeFailure(error: unknown, command: CliCommand): string[] {
  if (error instanceof ApiRefusedError) return formatProblem(error.problem);
  if (error instanceof CliUsageError) {
    return error.hintHelp
      ? [`Error: ${error.message}`, `Run "${PROGRAM} ${error.command ?? command.words.join(' ')} --help" for its options.`]
      : [`Error: ${error.message}`];
  }
  return [`Error: ${error instanceof Error ? error.message : String(error)}`];
}

function exitCodeOf(error: unknown): number {
  return error instanceof CliUsageError ? EXIT_USAGE : EXIT_FAILED;
}

function write(stream: NodeJS.WritableStream, lines: string[], code: number): number {
  stream.write(`${lines.join('\n')}\n`);
  return code;
}
