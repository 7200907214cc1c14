import type { Entry } from 'ldapts';

/**
 * The values of one attribute of a search entry, looked up case-insensitively: LDAP attribute
 * names are case-insensitive (RFC 4512 section 2.5) and servers answer in their own spelling
 * (`homeMDB`, `homemdb`). An absent attribute gives an empty list.
 */
export function readEntryValues(entry: Entry, attribute: string): string[] {
  return toList(find(entry, attribute)).map((value) => (Buffer.isBuffer(value) ? value.toString('utf8') : value));
}

/** Like readEntryValues, for binary attributes requested through `explicitBufferAttributes`. */
export function readEntryBuffers(entry: Entry, attribute: string): Buffer[] {
  return toList(find(entry, attribute)).map((value) => (Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8')));
}

/** The first value of a single-valued attribute, or undefined. */
export function readEntryValue(entry: Entry, attribute: string): string | undefined {
  return readEntryValues(entry, attribute)[0];
}

function find(entry: Entry, attribute: string): Entry[string] | undefined {
  const wanted = attribute.toLowerCase();
  const key = Object.keys(entry).find((name) => name.toLowerCase() === wanted);
  return key === undefined ? undefined : entry[key];
}

function toList(value: Entry[string] | undefined): (Buffer | string)[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
