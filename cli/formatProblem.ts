import type { Problem, ProblemErrorLine } from './errors';

/**
 * A refusal as the administrator reads it: the title with the status, then every error on its own
 * line with where it is (CSV line and column, or the field), e.g.
 * `  line 3, column EmailAddress: "bob@" is not a valid email address. (InvalidEmailAddress)`.
 */
export function formatProblem(problem: Problem): string[] {
  const lines = [`Error: ${problem.title} (HTTP ${problem.status})`];
  const errors = problem.errors ?? [];
  if (problem.detail && !errors.some((e) => e.message === problem.detail) && !/^\d+ errors were found\.$/.test(problem.detail)) {
    lines.push(`  ${problem.detail}`);
  }
  for (const error of errors) lines.push(`  ${formatErrorLine(error)}`);
  return lines;
}

function formatErrorLine(error: ProblemErrorLine): string {
  const place = [
    error.line !== undefined ? `line ${error.line}` : undefined,
    error.column !== undefined ? `column ${error.column}` : undefined,
    error.line === undefined && error.column === undefined && error.field !== undefined && !error.message?.startsWith(`${error.field}:`)
      ? error.field
      : undefined,
  ]
    .filter((p): p is string => p !== undefined)
    .join(', ');
  const code = error.code ? ` (${error.code})` : '';
  // CSV messages are whole sentences that start "Line 3: ..."; the place is already said once.
  const text = error.message ?? 'no message';
  const prefix = `Line ${error.line}: `;
  const message = error.line !== undefined && text.startsWith(prefix) ? text.slice(prefix.length) : text;
  return `${place ? `${place}: ` : ''}${message}${code}`;
}
