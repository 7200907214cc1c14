/**
 * Hrefs as the source reports them: the path the server gives (`/dav/alice/calendar/1.ics`), as it
 * encoded it. A server may answer with absolute URLs or relative references instead; both become
 * that path (or stay a full URL when they point to another server). Two spellings of one resource
 * (`%40` or `@`, a trailing slash) compare equal through hrefKey.
 */
export function toHref(href: string, base: string): string {
  const url = new URL(href.trim(), base);
  return url.origin === new URL(base).origin ? url.pathname : url.href;
}

/** A key that is the same for every spelling of one resource's href. */
export function hrefKey(href: string, base: string): string {
  let path = toHref(href, base);
  try {
    path = decodeURIComponent(path);
  } catch {
    // not valid percent-encoding: compare as written
  }
  return path.endsWith('/') ? path.slice(0, -1) : path;
}
