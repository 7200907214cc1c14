import type { HttpResponseInit, InvocationContext } from '@azure/functions';
import { ConfigError } from '../../config';
import { toErrorMessage } from '../../core/errors/migrationError';
import { logEvent } from '../logging/functionLog';

export interface ProblemError {
  code: string;
  message: string;
  line?: number;
  column?: string;
  field?: string;
}

/**
 * RFC 9457 problem details: every error answer of the API has this shape, with all the errors
 * found (not only the first) in `errors`.
 */
export function problem(status: number, title: string, errors: ProblemError[] = [], detail?: string): HttpResponseInit {
  return {
    status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8' },
    jsonBody: {
      type: 'about:blank',
      title,
      status,
      detail: detail ?? (errors.length === 1 ? errors[0]?.message : `${errors.length} errors were found.`),
      errors,
    },
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, jsonBody: body };
}

type Handler<A extends unknown[]> = (...args: [...A, InvocationContext]) => Promise<HttpResponseInit>;

/**
 * Answers anything unexpected with a 500 problem that says what failed but carries no stack trace;
 * the log line gets the message and the invocation id.
 */
export function withProblemAnswers<A extends unknown[]>(handler: Handler<A>): Handler<A> {
  return async (...args) => {
    const context = args[args.length - 1] as InvocationContext;
    try {
      return await handler(...args);
    } catch (error) {
      const message = toErrorMessage(error);
      logEvent(context, 'error', `Request failed: ${message}`, { function: context.functionName });
      if (error instanceof ConfigError) return problem(500, 'The service is not configured.', [{ code: 'ConfigurationError', message }]);
      return problem(500, 'The request could not be completed.', [
        { code: 'InternalError', message: `An unexpected error occurred (invocation ${context.invocationId}). See the service log.` },
      ]);
    }
  };
}
