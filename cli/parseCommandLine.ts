import { parseArgs } from 'node:util';
import type { CliCommand } from './cliCommand';
import { CliUsageError } from './errors';
import { GLOBAL_OPTIONS } from './globalOptions';

export interface ParsedCommandLine {
  args: string[];
  values: Record<string, string | boolean | undefined>;
  help: boolean;
  json: boolean;
}

/** The words after the command's own, read strictly against its options (plus the global ones). */
export function parseCommandLine(command: CliCommand, argv: string[]): ParsedCommandLine {
  const name = command.words.join(' ');
  const options = Object.fromEntries(
    Object.entries({ ...command.options, ...GLOBAL_OPTIONS }).map(([option, def]) => [
      option,
      { type: def.type, ...(option === 'help' ? { short: 'h' } : {}) },
    ]),
  );
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    const result = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    parsed = { values: result.values, positionals: result.positionals };
  } catch (error) {
    // parseArgs goes on to explain `--` for positionals that start with a dash: the first sentence is the news.
    const message = error instanceof Error ? error.message : String(error);
    throw new CliUsageError(/^Unknown option/.test(message) ? message.replace(/\. .*$/s, '.') : message, name);
  }
  const help = parsed.values.help === true;
  if (!help) checkArguments(command, parsed.positionals, parsed.values);
  return { args: parsed.positionals, values: parsed.values, help, json: parsed.values.json === true };
}

function checkArguments(command: CliCommand, positionals: string[], values: Record<string, unknown>): void {
  const name = command.words.join(' ');
  if (positionals.length < command.arguments.length) {
    throw new CliUsageError(`Missing ${command.arguments.slice(positionals.length).join(' ')}.`, name);
  }
  if (positionals.length > command.arguments.length) {
    throw new CliUsageError(`Unexpected argument "${positionals[command.arguments.length]}".`, name);
  }
  const missing = Object.entries(command.options)
    .filter(([option, def]) => def.required && values[option] === undefined)
    .map(([option]) => `--${option}`);
  if (missing.length > 0) throw new CliUsageError(`Missing required option${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`, name);
}
