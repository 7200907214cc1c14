/**
 * ASP.NET-style route templates as Azure Functions accepts them: literal segments, `{name}`,
 * optional `{name?}`, catch-all `{*name}`, and the common constraints `{id:int}`, `{id:alpha}`,
 * `{id:guid}`, `{id:bool}`. Literals match case-insensitively, as in the real host.
 */
export interface CompiledRoute {
  template: string;
  match(path: string): Record<string, string> | undefined;
  /** Literal segments count more, so `items/new` wins over `items/{id}`. */
  specificity: number;
}

const CONSTRAINTS: Record<string, RegExp> = {
  int: /^-?\d+$/,
  long: /^-?\d+$/,
  alpha: /^[A-Za-z]+$/,
  bool: /^(true|false)$/i,
  guid: /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i,
};

interface Segment {
  literal?: string;
  name?: string;
  optional?: boolean;
  catchAll?: boolean;
  constraint?: RegExp;
}

function parseSegment(text: string): Segment {
  const param = /^\{(\*)?([A-Za-z_][A-Za-z0-9_]*)(?::([a-z]+)(?:\([^)]*\))?)?(\?)?\}$/.exec(text);
  if (!param) return { literal: text.toLowerCase() };
  return {
    name: param[2],
    catchAll: param[1] === '*',
    constraint: param[3] ? CONSTRAINTS[param[3]] : undefined,
    optional: param[4] === '?' || param[1] === '*',
  };
}

export function compileRoute(template: string): CompiledRoute {
  const segments = template
    .split('/')
    .filter((s) => s.length > 0)
    .map(parseSegment);
  return {
    template,
    specificity: segments.filter((s) => s.literal !== undefined).length * 10 + segments.length,
    match(path: string): Record<string, string> | undefined {
      const parts = path.split('/').filter((s) => s.length > 0);
      const params: Record<string, string> = {};
      for (let i = 0; i < segments.length; i++) {
        const segment = segments[i]!;
        const part = parts[i];
        if (segment.catchAll) {
          if (parts.length > i) params[segment.name!] = parts.slice(i).map(decodeSegment).join('/');
          return params;
        }
        if (part === undefined) {
          if (segment.optional) continue;
          return undefined;
        }
        if (segment.literal !== undefined) {
          if (part.toLowerCase() !== segment.literal) return undefined;
          continue;
        }
        const value = decodeSegment(part);
        if (segment.constraint && !segment.constraint.test(value)) return undefined;
        params[segment.name!] = value;
      }
      return parts.length === segments.length || parts.length < segments.length ? params : undefined;
    },
  };
}

/**
 * A path segment decoded as Kestrel does it: a malformed escape such as `%zz` is kept as it was instead
 * of failing the request, so the app's own parameter checks answer it (400), never the host (500).
 */
function decodeSegment(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
