import { graphErrors } from '../graphError';
import type { SandboxRequest } from './sandboxRequest';

/**
 * The OData query options the service uses: `$select` and `$top`/`$skip` paging with `@odata.nextLink`
 * (https://learn.microsoft.com/graph/query-parameters, https://learn.microsoft.com/graph/paging); `$filter` is in odataFilter.ts.
 */
export interface PageOptions {
  defaultTop: number;
  maxTop: number;
  context: string;
}

export function pageOf<T>(request: SandboxRequest, items: T[], toJson: (item: T) => Record<string, unknown>, options: PageOptions): Record<string, unknown> {
  const top = parseCount(request.query.get('$top'), '$top') ?? options.defaultTop;
  if (top < 1 || top > options.maxTop) throw graphErrors.badRequest(`Invalid value '${top}' for $top: it must be between 1 and ${options.maxTop}.`);
  const skip = parseCount(request.query.get('$skip'), '$skip') ?? 0;
  const window = items.slice(skip, skip + top);
  // What `$expand` names is returned beside what `$select` names (OData 4.01 URL conventions, 5.1.3: "the
  // selected properties ... and navigation properties expanded with $expand"), e.g. `$select=id&$expand=singleValueExtendedProperties(...)`.
  const select = selectedProperties(request)?.concat(expandedNames(request));
  const page: Record<string, unknown> = {
    '@odata.context': `${request.graphBaseUrl}/$metadata#${options.context}`,
    value: window.map((item) => applySelect(toJson(item), select)),
  };
  if (skip + top < items.length) {
    const next = new URLSearchParams(request.query);
    next.set('$top', String(top));
    next.set('$skip', String(skip + top));
    page['@odata.nextLink'] = `${request.graphBaseUrl}${request.path}?${next.toString()}`;
  }
  return page;
}

/** The navigation properties `$expand` names, without their options: `a($filter=…),b` → `a`, `b`. */
function expandedNames(request: SandboxRequest): string[] {
  const raw = request.query.get('$expand');
  if (!raw) return [];
  const names: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of raw) {
    if (char === '(') depth += 1;
    else if (char === ')') depth -= 1;
    else if (char === ',' && depth === 0) {
      names.push(current.trim());
      current = '';
    } else if (depth === 0) current += char;
  }
  names.push(current.trim());
  return names.filter(Boolean);
}

function parseCount(raw: string | null, name: string): number | undefined {
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw)) throw graphErrors.badRequest(`Invalid value '${raw}' for query option ${name}.`);
  return Number(raw);
}

export function selectedProperties(request: SandboxRequest): string[] | undefined {
  const raw = request.query.get('$select');
  return raw
    ? raw
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean)
    : undefined;
}

/** Graph returns `id` and `@odata.*` annotations with any `$select`; property names match case-insensitively. */
export function applySelect(json: Record<string, unknown>, select: string[] | undefined): Record<string, unknown> {
  if (!select) return json;
  const wanted = new Set(select.map((name) => name.toLowerCase()));
  return Object.fromEntries(Object.entries(json).filter(([key]) => key === 'id' || key.startsWith('@odata') || wanted.has(key.toLowerCase())));
}
