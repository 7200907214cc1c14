/**
 * Whether a row's fields do not line up with the header's columns. A row may leave out, or leave
 * empty, the columns after the last one with a name: Excel writes trailing delimiters for empty
 * formatted columns, and editors drop them again.
 */
export function hasWrongFieldCount(fields: readonly string[], headerNames: readonly string[]): boolean {
  return fields.length < namedWidth(headerNames) || fields.slice(headerNames.length).some((field) => field !== '');
}

/** How many columns the header has up to its last named one. */
export function namedWidth(headerNames: readonly string[]): number {
  return headerNames.reduce((width, name, index) => (name === '' ? width : index + 1), 0);
}
