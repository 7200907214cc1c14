import { app, type HttpFunctionOptions, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { isValidEmailAddress } from '../../core/csv/batchCsvRules';
import { problem, type ProblemError, withProblemAnswers } from './responses';

/**
 * The one check of every route's path and query parameters, before any handler runs, so a bad
 * value answers 400 (or 404 when it names something that does not exist, such as an unknown
 * action), saying which parameter was wrong and why, and never reaches storage: Table Storage
 * refuses `/ \ # ?` and control characters in keys, and a malformed continuation token makes the
 * SDK throw, which used to surface as 500.
 * https://learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model#characters-disallowed-in-key-fields
 */
export interface ParameterRule {
  in: 'path' | 'query';
  name: string;
  /** What is wrong with a value that is present, or undefined when it is good. */
  check(value: string): ParameterProblem | undefined;
}

export type ApiHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

export interface ParameterProblem {
  status: 400 | 404;
  code: string;
  message: string;
}

/** Longest value any parameter may have; a batch CSV's notify list is the longest legitimate one. */
const MAX_PARAMETER_LENGTH = 4096;
// eslint-disable-next-line no-control-regex -- control characters are what is refused
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Registers an HTTP function whose every `{parameter}` in the route has a rule (checked here, so a
 * route added without one fails at start-up), with the rules run before the handler and
 * unexpected errors answered by withProblemAnswers.
 */
export function apiRoute(
  name: string,
  options: Omit<HttpFunctionOptions, 'handler'> & { route: string },
  rules: readonly ParameterRule[],
  handler: ApiHandler,
): void {
  for (const [, parameter] of options.route.matchAll(/\{\*?([A-Za-z_][A-Za-z0-9_]*)[^}]*\}/g)) {
    if (!rules.some((rule) => rule.in === 'path' && rule.name === parameter))
      throw new Error(`Route ${options.route}: the path parameter "${parameter}" has no rule.`);
  }
  app.http(name, { ...options, handler: withValidParameters(rules, handler) });
}

/** The handler, run only when every parameter passes its rule; otherwise the problem answer. */
function withValidParameters(rules: readonly ParameterRule[], handler: ApiHandler): ApiHandler {
  return withProblemAnswers(async (request: HttpRequest, context: InvocationContext) => checkParameters(request, rules) ?? handler(request, context));
}

/** A 400 listing every bad parameter, else a 404 for the first value that names nothing, else undefined. */
function checkParameters(request: HttpRequest, rules: readonly ParameterRule[]): HttpResponseInit | undefined {
  const problems: (ParameterProblem & { field: string })[] = [];
  for (const rule of rules) {
    const value = rule.in === 'path' ? request.params[rule.name] : request.query.get(rule.name);
    if (value === undefined || value === null) continue;
    const found =
      value.length > MAX_PARAMETER_LENGTH
        ? {
            status: 400 as const,
            code: 'InvalidParameter',
            message: `${describe(rule)} is ${value.length} characters long; at most ${MAX_PARAMETER_LENGTH} are accepted.`,
          }
        : rule.check(value);
    if (found) problems.push({ ...found, field: rule.name });
  }
  const toError = (p: ParameterProblem & { field: string }): ProblemError => ({ code: p.code, field: p.field, message: p.message });
  const bad = problems.filter((p) => p.status === 400);
  if (bad.length > 0) return problem(400, bad.length === 1 ? 'A parameter is not valid.' : 'Parameters are not valid.', bad.map(toError));
  const missing = problems[0];
  return missing && problem(404, 'Not found.', [toError(missing)]);
}

/**
 * A value as it may appear in an error message: at most 64 characters, with control characters
 * written as `\uXXXX`, so an answer printed to a terminal (the CLI) or a log cannot carry escape
 * sequences or line breaks from the request.
 */
export function shown(value: string): string {
  const cut = value.length > 64 ? `${value.slice(0, 64)}...` : value;
  // eslint-disable-next-line no-control-regex -- control characters are what is escaped
  return `"${cut.replace(/[\u0000-\u001f\u007f-\u009f"\\]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

function describe(rule: Pick<ParameterRule, 'in' | 'name'>): string {
  return `The ${rule.in} parameter "${rule.name}"`;
}

function invalid(rule: Pick<ParameterRule, 'in' | 'name'>, value: string, why: string): ParameterProblem {
  return { status: 400, code: 'InvalidParameter', message: `${describe(rule)} ${why}; ${shown(value)} is not.` };
}

/** A name or id in the path, such as a batch id: anything else than `pattern` is 400; a good one that names nothing is the handler's 404. */
export function pathName(name: string, pattern: RegExp, rule: string): ParameterRule {
  const self = { in: 'path' as const, name };
  return { ...self, check: (value) => (pattern.test(value) ? undefined : invalid(self, value, rule)) };
}

/** A path segment that picks one of a few things (an action, a report): anything else is 404 with `code`. */
export function pathChoice(name: string, choices: readonly string[], code: string, what: string): ParameterRule {
  return {
    in: 'path',
    name,
    check: (value) => (choices.includes(value) ? undefined : { status: 404, code, message: `${shown(value)} is not ${what}; use ${choices.join(', ')}.` }),
  };
}

/** Free text in the query (a batch name, an endpoint name): no control characters, at most `maxLength`. */
export function queryText(name: string, maxLength: number): ParameterRule {
  const self = { in: 'query' as const, name };
  return {
    ...self,
    check: (value) => {
      if (CONTROL_CHARACTERS.test(value)) return invalid(self, value, 'may not hold control characters');
      return value.length > maxLength ? invalid(self, value, `may be at most ${maxLength} characters`) : undefined;
    },
  };
}

/** A name in the query that must match `pattern`, e.g. the endpoint of a new batch. */
export function queryName(name: string, pattern: RegExp, rule: string): ParameterRule {
  const self = { in: 'query' as const, name };
  return { ...self, check: (value) => (pattern.test(value) ? undefined : invalid(self, value, rule)) };
}

/** A number in the query between `min` and `max`; whole when `integer`. */
export function queryNumber(name: string, min: number, max: number, integer: boolean): ParameterRule {
  const self = { in: 'query' as const, name };
  const rule = `must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`;
  return {
    ...self,
    check: (value) => {
      const number = /^\s*[+-]?(\d+\.?\d*|\.\d+)\s*$/.test(value) ? Number(value) : Number.NaN;
      return number >= min && number <= max && (!integer || Number.isInteger(number)) ? undefined : invalid(self, value, rule);
    },
  };
}

/** `true` or `false`, in any case. */
export function queryBoolean(name: string): ParameterRule {
  const self = { in: 'query' as const, name };
  return { ...self, check: (value) => (/^(true|false)$/i.test(value) ? undefined : invalid(self, value, 'must be true or false')) };
}

/** Addresses separated by commas, semicolons or spaces, each a valid SMTP address. */
export function queryEmailList(name: string): ParameterRule {
  const self = { in: 'query' as const, name };
  return {
    ...self,
    check: (value) => {
      const wrong = value.split(/[;,\s]+/).filter((s) => s.length > 0 && !isValidEmailAddress(s));
      return wrong.length > 0 ? invalid(self, wrong[0]!, 'must list email addresses separated by commas') : undefined;
    },
  };
}

/**
 * A continuation token as `nextLink` carries it: what @azure/data-tables makes, base64 of the JSON
 * `{"nextPartitionKey": "...", "nextRowKey": "..."}`. Anything else (not base64, not JSON, another
 * shape) is 400 here rather than an exception inside the SDK.
 */
export function queryContinuationToken(name: string): ParameterRule {
  const self = { in: 'query' as const, name };
  const wrong = (value: string, why: string) => ({
    status: 400 as const,
    code: 'InvalidContinuationToken',
    message: `${describe(self)} ${why}: pass back the token from nextLink unchanged; ${shown(value)} is not one.`,
  });
  return {
    ...self,
    check: (value) => {
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return wrong(value, 'is not base64');
      let token: unknown;
      try {
        token = JSON.parse(Buffer.from(value, 'base64').toString('latin1'));
      } catch {
        return wrong(value, 'is not base64-encoded JSON');
      }
      return isTableToken(token) ? undefined : wrong(value, 'does not have the shape of a continuation token');
    },
  };
}

function isTableToken(token: unknown): boolean {
  if (typeof token !== 'object' || token === null || Array.isArray(token)) return false;
  const entries = Object.entries(token);
  const key = (value: unknown, required: boolean) =>
    value === undefined ? !required : typeof value === 'string' && value.length > 0 && value.length <= 1024 && !CONTROL_CHARACTERS.test(value);
  const fields = token as Record<string, unknown>;
  return entries.every(([k]) => k === 'nextPartitionKey' || k === 'nextRowKey') && key(fields.nextPartitionKey, true) && key(fields.nextRowKey, false);
}
