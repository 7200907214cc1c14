import { ensureTrailingSlash, propfind, serviceDiscovery } from 'tsdav';

import { MigrationError } from '../../core/errors/migrationError';
import type { DavHttp } from './davHttp';
import { pathOf } from './davHttp';
import { hrefIn, readMultistatus } from './davXml';
import { ItemSourceErrorCode } from '../../core/errors/migrationErrorCode';

/** Where a user's groupware lives on the server. */
export interface DavDiscovery {
  /** The user's principal (RFC 5397 current-user-principal). */
  principalUrl: string;
  /** RFC 4791 section 6.2.1 calendar-home-set; missing when the server has no CalDAV for the user. */
  calendarHomeUrl?: string;
  /** RFC 6352 section 7.1.1 addressbook-home-set; missing when the server has no CardDAV for the user. */
  addressBookHomeUrl?: string;
}

interface Answer {
  url: string;
  principal?: string;
  calendarHome?: string;
  addressBookHome?: string;
}

/**
 * Finds the user's principal and homes from the endpoint's DAV URL, as RFC 6764 section 6 and tsdav
 * do, with the configured URL first (the administrator's word; on most servers it answers at once):
 * 1. PROPFIND (depth 0) the URL for current-user-principal and both home sets (one request when the
 *    URL is the principal itself, as `/dav/{user}/` usually is);
 * 2. failing that, the URLs that /.well-known/caldav and /.well-known/carddav redirect to (tsdav's
 *    serviceDiscovery), then the server's root;
 * 3. then, unless the answer came from the principal itself, PROPFIND the principal for the home sets.
 * A refused login, an unreachable server or a 5xx ends the search at once (the HTTP layer raises them);
 * a 403/404 or a missing property moves on to the next place.
 */
export async function discoverDav(startUrl: string, http: DavHttp): Promise<DavDiscovery> {
  const tried: string[] = [];
  const ask = async (url: string): Promise<Answer | undefined> => {
    const what = `PROPFIND ${pathOf(url)}`;
    const reply = readMultistatus(
      await propfind({
        url,
        depth: '0',
        props: { 'd:current-user-principal': {}, 'c:calendar-home-set': {}, 'card:addressbook-home-set': {} },
        headers: http.headers,
        fetch: http.fetch,
      }),
      http.context,
      what,
    );
    if (reply.kind === 'status') {
      tried.push(`${pathOf(url)} (HTTP ${reply.status})`);
      return undefined;
    }
    const entry = reply.entries.find((e) => e.ok) ?? reply.entries[0];
    const props = (entry?.ok ? entry.props : undefined) ?? {};
    const base = ensureTrailingSlash(url);
    const resolve = (href: string | undefined): string | undefined => (href ? ensureTrailingSlash(new URL(href, base).href) : undefined);
    const answer: Answer = {
      url: entry?.href ? ensureTrailingSlash(new URL(entry.href, base).href) : base,
      principal: resolve(hrefIn(props.currentUserPrincipal)),
      calendarHome: resolve(hrefIn(props.calendarHomeSet)),
      addressBookHome: resolve(hrefIn(props.addressbookHomeSet)),
    };
    if (!answer.principal) tried.push(`${pathOf(url)} (no current-user-principal)`);
    return answer;
  };

  const asked = new Set<string>();
  const askOnce = async (url: string): Promise<Answer | undefined> => {
    const key = ensureTrailingSlash(url);
    if (asked.has(key)) return undefined;
    asked.add(key);
    return ask(key);
  };

  let found = await askOnce(startUrl);
  // The configured URL names home sets itself: it is the principal to migrate. With an admin login acting for the
  // user, the logged-in principal (current-user-principal) is the admin's, not the user's, so the URL's word counts.
  if (found && (found.calendarHome || found.addressBookHome)) {
    return {
      principalUrl: found.url,
      ...(found.calendarHome ? { calendarHomeUrl: found.calendarHome } : {}),
      ...(found.addressBookHome ? { addressBookHomeUrl: found.addressBookHome } : {}),
    };
  }
  if (!found?.principal) {
    for (const accountType of ['caldav', 'carddav'] as const) {
      const redirected = await serviceDiscovery({ account: { serverUrl: startUrl, accountType }, headers: http.headers, fetch: http.fetch });
      found = await askOnce(redirected);
      if (found?.principal) break;
    }
  }
  if (!found?.principal) found = await askOnce(new URL('/', startUrl).href);
  if (!found?.principal) {
    throw new MigrationError(
      ItemSourceErrorCode.DiscoveryFailed,
      `${http.context.server} did not name the principal (current-user-principal, RFC 5397) of ${http.context.login}; asked ${tried.join(', ')}.`,
      'permanent',
    );
  }

  // The principal's own answer is the one that counts; a context URL's home sets are the fallback.
  const homes = sameUrl(found.url, found.principal) ? found : ((await ask(found.principal)) ?? { url: found.principal });
  const discovery: DavDiscovery = {
    principalUrl: found.principal,
    calendarHomeUrl: homes.calendarHome ?? found.calendarHome,
    addressBookHomeUrl: homes.addressBookHome ?? found.addressBookHome,
  };
  if (!discovery.calendarHomeUrl && !discovery.addressBookHomeUrl) {
    throw new MigrationError(
      ItemSourceErrorCode.DiscoveryFailed,
      `${http.context.server} names neither a calendar-home-set (CalDAV, RFC 4791) nor an addressbook-home-set (CardDAV, RFC 6352) for ${http.context.login} at ${pathOf(found.principal)}.`,
      'permanent',
    );
  }
  return discovery;
}

function sameUrl(a: string, b: string): boolean {
  const decode = (url: string): string => {
    try {
      return decodeURIComponent(url);
    } catch {
      return url;
    }
  };
  return decode(a) === decode(b);
}
