/**
 * Everything the CLI can fail with, each with the exit code it ends the process with:
 * 1 when the API refused or could not be reached, 2 when the command line itself is wrong.
 */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** One entry of a problem+json answer's `errors` (RFC 9457 with this API's extension). */
export interface ProblemErrorLine {
  code?: string;
  message?: string;
  line?: number;
  column?: string;
  field?: string;
}

/** The problem details (RFC 9457) the API answers every error with. */
export interface Problem {
  title: string;
  status: number;
  detail?: string;
  errors?: ProblemErrorLine[];
}

export class CliUsageError extends Error {
  readonly code = 'CliUsage';
  readonly exitCode = EXIT_USAGE;
  /** `command`: whose usage to point at (e.g. `batches create`); `hintHelp` false when `--help` would not help. */
  constructor(
    message: string,
    readonly command?: string,
    readonly hintHelp = true,
  ) {
    super(message);
  }
}

/** The API answered with an error status; `problem` is its body (or one made from a non-problem body). */
export class ApiRefusedError extends Error {
  readonly code = 'ApiRefused';
  readonly exitCode = EXIT_FAILED;
  constructor(
    readonly problem: Problem,
    readonly request: string,
  ) {
    super(`${request} answered ${problem.status}: ${problem.title}`);
  }
}

/** No answer at all: the URL (never the key) is in the message. */
export class ApiUnreachableError extends Error {
  readonly code = 'ApiUnreachable';
  readonly exitCode = EXIT_FAILED;
  constructor(
    readonly url: string,
    reason: string,
  ) {
    super(`Cannot reach ${url}: ${reason}`);
  }
}

/** A local problem after the command line was accepted: a file that cannot be read or written. */
export class CliFileError extends Error {
  readonly code = 'CliFile';
  readonly exitCode = EXIT_FAILED;
}

export const MISSING_URL_MESSAGE = 'No API URL: pass --url or set MIGRATION_API_URL (e.g. https://contoso-migration.azurewebsites.net).';
export const MISSING_KEY_MESSAGE = 'No function key: set MIGRATION_API_KEY (or pass --key).';
export const UNAUTHORIZED_HINT = 'The function key was refused: check MIGRATION_API_KEY or --key.';
