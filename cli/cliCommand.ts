import type { ApiClient } from './apiClient';

/** One option of a command, as `--help` shows it and `node:util` parseArgs reads it. */
export interface CliOption {
  type: 'string' | 'boolean';
  description: string;
  /** The placeholder shown in help, e.g. `PATH`. */
  valueName?: string;
  required?: boolean;
}

/** What a command gets: its arguments, checked against its definition, and where to write. */
export interface CommandContext {
  /** Positional values, as many as the command's `arguments`. */
  args: string[];
  values: Record<string, string | boolean | undefined>;
  api: ApiClient;
  /** `--json`: print the API's JSON for scripts instead of text. */
  json: boolean;
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stdin: NodeJS.ReadableStream;
}

/** A command of `staged-migration`, e.g. `batches create`; one module each under `commands/`. */
export interface CliCommand {
  words: readonly [string, string];
  summary: string;
  /** Positional argument names as shown in help, e.g. `<id>`. */
  arguments: readonly string[];
  options: Readonly<Record<string, CliOption>>;
  run(context: CommandContext): Promise<void>;
}

/** Writes one JSON document (2-space indented) for `--json`. */
export function writeJson(context: CommandContext, value: unknown): void {
  context.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function writeLines(context: CommandContext, lines: readonly string[]): void {
  if (lines.length > 0) context.stdout.write(`${lines.join('\n')}\n`);
}
