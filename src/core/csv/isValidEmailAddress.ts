/** RFC 5322 section 3.2.3 "atext": the characters of an unquoted local part. */
const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
/** RFC 5322 section 3.4.1 dot-atom local part: atoms joined by single dots. */
const LOCAL_PART = new RegExp(`^${ATOM}(?:\\.${ATOM})*$`);
/** A DNS label (RFC 1035 section 2.3.1, with leading digits per RFC 1123): no hyphen at either end. */
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
/** A top-level domain: letters, or an IDNA A-label (xn--...). */
const TOP_LEVEL = /^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

/** RFC 5321 section 4.5.3.1.1. */
const MAX_LOCAL_PART = 64;
/** RFC 5321 allows a 256-octet path including the angle brackets, so 254 for the address (RFC 3696 errata 1690). */
const MAX_ADDRESS = 254;

/**
 * Whether a value is an SMTP address a Microsoft 365 mailbox can have: `local@domain.tld` with a
 * dot-atom local part and a domain of at least two DNS labels. Deliberately narrower than RFC 5322:
 * no quoted local parts, IP literals, comments or non-ASCII characters, none of which Exchange
 * Online accepts in a mailbox's primary SMTP address.
 */
export function isValidEmailAddress(value: string): boolean {
  if (value.length > MAX_ADDRESS) return false;
  const at = value.lastIndexOf('@');
  if (at < 1) return false;
  const localPart = value.slice(0, at);
  const labels = value.slice(at + 1).split('.');
  const topLevel = labels[labels.length - 1] ?? '';
  return (
    localPart.length <= MAX_LOCAL_PART &&
    LOCAL_PART.test(localPart) &&
    labels.length >= 2 &&
    labels.every((label) => LABEL.test(label)) &&
    TOP_LEVEL.test(topLevel)
  );
}
