import { AndFilter, type Client, type Entry, EqualityFilter, type Filter, NoSuchObjectError, OrFilter, type SearchOptions } from 'ldapts';

import { MigrationError } from '../../core/errors/migrationError';
import { BINARY_ATTRIBUTES, ExchangeAttribute, USER_ATTRIBUTES } from './exchangeAttributes';
import { DirectoryErrorCode } from '../../core/errors/migrationErrorCode';

/**
 * Finding users: what an address must look like before it reaches a filter or an attribute, the
 * filter that finds a user by address without letting the address widen the search, and the two
 * searches the connector makes (by address under the base DN, and one user by DN).
 */

/** RFC 5321 section 4.5.3.1: 64 octets of local part, 255 of domain; a path is at most 256. */
const MAX_LOCAL = 64;
const MAX_ADDRESS = 254;
const DOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/**
 * Rejects what cannot be an SMTP address before it reaches a filter or an attribute. It is
 * deliberately permissive in the local part: `'` and `*` are RFC 5322 atext, and legacy servers
 * hold stranger local parts still (parentheses, backslashes). LDAP filter syntax in an address
 * is neutralised by the filter classes (see toPrimarySmtpFilter), not by refusing it here.
 */
export function checkSmtpAddress(address: string, role: string): string {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  const valid = at > 0 && local.length <= MAX_LOCAL && address.length <= MAX_ADDRESS && !hasSpaceOrControl(address) && DOMAIN.test(domain);
  if (!valid) {
    throw new MigrationError(DirectoryErrorCode.InvalidInput, `The ${role} "${printable(address)}" is not an SMTP address.`, 'permanent');
  }
  return address;
}

/** Whitespace and control characters never belong in an address and would corrupt a proxy address. */
function hasSpaceOrControl(text: string): boolean {
  return /\s/.test(text) || [...text].some(isControl);
}

function isControl(char: string): boolean {
  const code = char.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}

/** The address as it may appear in a message: control characters masked, length capped. */
function printable(text: string): string {
  return [...text]
    .map((char) => (isControl(char) ? '?' : char))
    .join('')
    .slice(0, 100);
}

/**
 * `(&(objectClass=user)(|(mail=<address>)(proxyAddresses=SMTP:<address>)))` as filter objects.
 * The address travels as the raw octets of an AssertionValue (RFC 4511 section 4.5.1.7), so
 * `*`, `(`, `)` and `\` in it are matched literally and cannot widen the search; the string form
 * (`toString()`, for logs) is escaped as RFC 4515 section 3 requires.
 *
 * Active Directory compares proxyAddresses case-insensitively, so this also finds users who
 * hold the address as a secondary `smtp:`; the caller keeps only a primary match.
 */
export function toPrimarySmtpFilter(address: string): Filter {
  return new AndFilter({
    filters: [
      new EqualityFilter({ attribute: 'objectClass', value: 'user' }),
      new OrFilter({
        filters: [
          new EqualityFilter({ attribute: ExchangeAttribute.mail, value: address }),
          new EqualityFilter({ attribute: ExchangeAttribute.proxyAddresses, value: `SMTP:${address}` }),
        ],
      }),
    ],
  });
}

/** Every attribute the connector uses, the binary ones as Buffers. */
function userSearchOptions(scope: 'base' | 'sub', filter: Filter): SearchOptions {
  return { scope, filter, attributes: [...USER_ATTRIBUTES], explicitBufferAttributes: [...BINARY_ATTRIBUTES] };
}

/** The users under `baseDn` whose mail or proxy address is `address` (primary or not; see toPrimarySmtpFilter). */
export async function searchUsersByAddress(client: Client, baseDn: string, address: string): Promise<Entry[]> {
  const { searchEntries } = await client.search(baseDn, userSearchOptions('sub', toPrimarySmtpFilter(address)));
  return searchEntries;
}

/** The user entry at `dn` with every attribute the connector uses, or undefined when no user is there. */
export async function readUserEntry(client: Client, dn: string): Promise<Entry | undefined> {
  try {
    const { searchEntries } = await client.search(dn, userSearchOptions('base', new EqualityFilter({ attribute: 'objectClass', value: 'user' })));
    return searchEntries[0];
  } catch (error) {
    if (error instanceof NoSuchObjectError) return undefined;
    throw error;
  }
}
