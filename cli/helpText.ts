import type { CliCommand, CliOption } from './cliCommand';
import { GLOBAL_OPTIONS } from './globalOptions';

export const PROGRAM = 'staged-migration';

/** `staged-migration --help` (or `staged-migration batches --help`): the commands, one line each. */
export function formatOverview(commands: readonly CliCommand[], group?: string): string[] {
  const shown = commands.filter((c) => group === undefined || c.words[0] === group);
  const synopses = shown.map((c) => [`${c.words.join(' ')}${c.arguments.map((a) => ` ${a}`).join('')}`, c.summary] as const);
  const width = Math.max(...synopses.map(([s]) => s.length));
  return [
    `Usage: ${PROGRAM} ${group ?? '<group>'} <command> [options]`,
    '',
    'Commands:',
    ...synopses.map(([synopsis, summary]) => `  ${synopsis.padEnd(width)}  ${summary}`),
    '',
    `Connection: --url or MIGRATION_API_URL, and MIGRATION_API_KEY (or --key). Run "${PROGRAM} <group> <command> --help" for a command's options.`,
    'Exit codes: 0 done, 1 the API refused or could not be reached, 2 a usage error.',
  ];
}

/** `staged-migration batches create --help`. */
export function formatCommandHelp(command: CliCommand): string[] {
  const required = Object.entries(command.options)
    .filter(([, o]) => o.required)
    .map(([name, o]) => ` --${name} ${o.valueName ?? 'VALUE'}`)
    .join('');
  return [
    `Usage: ${PROGRAM} ${command.words.join(' ')}${command.arguments.map((a) => ` ${a}`).join('')}${required} [options]`,
    '',
    command.summary,
    '',
    'Options:',
    ...formatOptions(command.options),
    '',
    'Common options:',
    ...formatOptions(GLOBAL_OPTIONS),
  ];
}

function formatOptions(options: Readonly<Record<string, CliOption>>): string[] {
  const rows = Object.entries(options).map(
    ([name, o]) => [`--${name}${o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : ''}`, `${o.description}${o.required ? ' Required.' : ''}`] as const,
  );
  if (rows.length === 0) return ['  (none)'];
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return rows.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`);
}
