import { MigrationError } from '../../core/errors/migrationError';
import { ItemSourceErrorCode } from '../../core/errors/migrationErrorCode';

/**
 * The endpoint's DAV URL for one mailbox. A template may hold `{user}` (the login, e.g.
 * `alice@contoso.com`), `{localpart}` (`alice`) and `{domain}` (`contoso.com`), each put in as
 * (part of) one path segment, percent-encoded where a path needs it (`@` stays as servers list it).
 * `https://mail.contoso.com/dav/{user}/` is Zimbra's and SOGo's shape; Radicale's is `http://host:5232/{user}/`.
 * A URL without a placeholder is used as it is: discovery finds the user's principal from there
 * (current-user-principal, RFC 5397) either way.
 */
export function expandDavUrl(template: string, login: string): URL {
  const at = login.lastIndexOf('@');
  const values: Record<string, string> = {
    user: login,
    localpart: at < 0 ? login : login.slice(0, at),
    domain: at < 0 ? '' : login.slice(at + 1),
  };
  const expanded = template.trim().replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = values[name.toLowerCase()];
    if (value === undefined) throw invalid(template, `it holds the unknown placeholder ${whole}; use {user}, {localpart} or {domain}`);
    return encodeURIComponent(value).replace(/%40/g, '@');
  });
  let url: URL;
  try {
    url = new URL(expanded);
  } catch {
    throw invalid(template, 'it is not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(template, 'it is not an http or https URL');
  // A login in the URL would end up in logs and messages; the endpoint's credentials are sent as a header.
  if (url.username || url.password) throw invalid(template, 'it holds a login; the endpoint credentials are used instead');
  url.hash = '';
  return url;
}

function invalid(template: string, why: string): MigrationError {
  // The template is shown without anything between "//" and "@", in case a login was put there.
  const shown = template.replace(/\/\/[^/@]*@/, '//');
  return new MigrationError(ItemSourceErrorCode.InvalidUrl, `The DAV URL "${shown}" cannot be used: ${why}.`, 'permanent');
}
