import { graphErrors } from '../graphError';

/**
 * `$filter` as the service uses it (https://learn.microsoft.com/graph/filter-query-parameter):
 * `prop op literal` with `eq ne gt ge lt le`, clauses joined by `and`, and lambdas over collections:
 * `proxyAddresses/any(x:x eq 'smtp:ann@contoso.com')` and the documented extended-property lookup
 * `singleValueExtendedProperties/Any(ep: ep/id eq '{id}' and ep/value eq '{value}')`
 * (https://learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-get).
 * Anything else is refused with 400, as Graph refuses what it cannot evaluate.
 */
export type FilterClause =
  { kind: 'compare'; path: string[]; op: string; value: unknown } | { kind: 'any'; path: string[]; variable: string; inner: FilterClause[] };

export function parseFilter(raw: string | null): FilterClause[] {
  if (!raw) return [];
  return splitTopLevelAnd(raw).map((clause) => parseClause(clause, undefined));
}

function parseClause(clause: string, variable: string | undefined): FilterClause {
  const lambda = /^\s*([A-Za-z][\w/]*)\/any\(\s*(\w+)\s*:(.*)\)\s*$/is.exec(clause);
  if (lambda) {
    const inner = splitTopLevelAnd(lambda[3]!).map((part) => parseClause(part, lambda[2]));
    return { kind: 'any', path: lambda[1]!.split('/'), variable: lambda[2]!, inner };
  }
  const match = /^\s*([A-Za-z][\w/]*)\s+(eq|ne|gt|ge|lt|le)\s+(.+?)\s*$/is.exec(clause);
  if (!match) throw graphErrors.badRequest(`Invalid filter clause: '${clause.trim()}'.`);
  let path = match[1]!.split('/');
  if (variable !== undefined) {
    if (path[0] !== variable) throw graphErrors.badRequest(`Invalid filter clause: '${clause.trim()}' must use the lambda variable '${variable}'.`);
    path = path.slice(1);
  }
  return { kind: 'compare', path, op: match[2]!.toLowerCase(), value: parseLiteral(match[3]!) };
}

/** Splits on ` and ` outside quotes and parentheses. */
function splitTopLevelAnd(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (char === "'") quoted = !quoted;
    else if (!quoted && char === '(') depth += 1;
    else if (!quoted && char === ')') depth -= 1;
    else if (!quoted && depth === 0 && /^\sand\s/i.test(text.slice(i, i + 5))) {
      parts.push(text.slice(start, i));
      start = i + 5;
      i += 4;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function parseLiteral(text: string): unknown {
  if (/^'.*'$/s.test(text)) return text.slice(1, -1).replace(/''/g, "'");
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+Z?$/.test(text)) return new Date(text).toISOString();
  throw graphErrors.badRequest(`Invalid filter literal: '${text}'.`);
}

export function matchesFilter(json: unknown, clauses: FilterClause[]): boolean {
  return clauses.every((clause) => {
    const actual = readPath(json, clause.path);
    if (clause.kind === 'compare') return compare(actual, clause.op, clause.value);
    return Array.isArray(actual) && actual.some((element) => matchesFilter(element, clause.inner));
  });
}

function readPath(json: unknown, path: string[]): unknown {
  let current: unknown = json;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    const entry = Object.entries(current).find(([key]) => key.toLowerCase() === segment.toLowerCase());
    current = entry?.[1];
  }
  return current;
}

function compare(actual: unknown, op: string, expected: unknown): boolean {
  const left = normaliseForCompare(actual, expected);
  const right = typeof expected === 'string' && !isInstant(expected) ? expected.toLowerCase() : expected;
  switch (op) {
    case 'eq':
      return left === right;
    case 'ne':
      return left !== right;
    default: {
      if (typeof left !== typeof right || left === null || left === undefined) return false;
      const a = left as string | number;
      const b = right as string | number;
      return op === 'gt' ? a > b : op === 'ge' ? a >= b : op === 'lt' ? a < b : a <= b;
    }
  }
}

function isInstant(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(text);
}

/** Exchange compares strings case-insensitively; date-times compare as instants. */
function normaliseForCompare(actual: unknown, expected: unknown): unknown {
  if (typeof actual !== 'string' || typeof expected !== 'string') return actual;
  if (isInstant(expected) && !Number.isNaN(Date.parse(actual))) return new Date(actual).toISOString();
  return actual.toLowerCase();
}
