/**
 * Mailbox names as they travel: modified UTF-7 (RFC 3501 section 5.1.3, `Entw&APw-rfe`) or, after
 * ENABLE UTF8=ACCEPT (RFC 6855), raw UTF-8. Faults name a folder either way; both are compared.
 */

/** `Entw&APw-rfe` → `Entwürfe`; `&-` → `&`. Text that is not valid modified UTF-7 is returned as is. */
export function decodeModifiedUtf7(name: string): string {
  return name.replace(/&([A-Za-z0-9+,]*)-/g, (whole, encoded: string) => {
    if (encoded === '') return '&';
    const bytes = Buffer.from(encoded.replace(/,/g, '/'), 'base64');
    if (bytes.length % 2 !== 0) return whole;
    return bytes.swap16().toString('utf16le');
  });
}

/** A name read off the wire (latin1 string of its bytes) as text: 8-bit bytes are UTF-8 (RFC 6855). */
export function wireNameText(wire: string): string {
  return /[\x80-\xff]/.test(wire) ? Buffer.from(wire, 'latin1').toString('utf8') : wire;
}

/** Whether a fault's folder names this wire mailbox name. INBOX is case-insensitive (RFC 3501 section 5.1). */
export function sameFolder(configured: string, wire: string): boolean {
  const text = wireNameText(wire);
  if (configured.toUpperCase() === 'INBOX' || text.toUpperCase() === 'INBOX') {
    return configured.toUpperCase() === text.toUpperCase();
  }
  return configured === text || configured === decodeModifiedUtf7(text);
}
