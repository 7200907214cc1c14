import { MigrationError } from '../../../core/errors/migrationError';
import { DirectoryErrorCode } from '../onPremisesDirectory';

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
