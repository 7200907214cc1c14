/**
 * OData query text for Microsoft Graph, written so that any value survives the trip: a folder named
 * `R&D`, `C++`, `100%`, `#1`, `Tom's` or `a/b?` must reach Graph as the same characters.
 *
 * Two layers, both needed (https://learn.microsoft.com/graph/query-parameters, "Encoding query
 * parameters"; OData v4.01 URL conventions, section 5.1.1.6.1 on string literals):
 * - inside `$filter`, a string literal is quoted with `'`, and a `'` in the value is doubled;
 * - the whole option value is then percent-encoded, so `&` does not end the option, `#` does not
 *   start a fragment, `+` is not read as a space and `%` is not read as an escape.
 *
 * The Graph JS client puts `.filter()`/`.query()` values into the URL as given, without encoding,
 * so every query the service sends is built here instead.
 */

/** `value` as an OData string literal: `'R&D'`, `'Tom''s'`. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A query string (`?$filter=...&$select=...`) with every value percent-encoded; undefined options are left out. */
function toQueryString(options: Readonly<Record<string, string | number | undefined>>): string {
  const parts = Object.entries(options)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => `${name}=${encodeURIComponent(String(value))}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** `path` with its query options: for `client.api()` and for the relative URLs inside `$batch`. */
export function withQuery(path: string, options: Readonly<Record<string, string | number | undefined>>): string {
  return `${path}${toQueryString(options)}`;
}

/** One path segment (a user principal name, a message id): `/` and every reserved character encoded. */
export function pathSegment(value: string): string {
  return encodeURIComponent(value);
}
