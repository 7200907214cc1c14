/** Test helpers: a CSV's text as the bytes the tools administrators use would save. */
export const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

export const utf8WithBom = (text: string): Uint8Array => new Uint8Array(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]));

export const utf16leWithBom = (text: string): Uint8Array => new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));

export const utf16beWithBom = (text: string): Uint8Array => {
  const le = Buffer.from(text, 'utf16le');
  return new Uint8Array(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()]));
};

/** `count` staged rows user1@contoso.com... starting on line 2, CRLF, with a header. */
export const stagedCsv = (count: number): string =>
  ['EmailAddress,Password,ForceChangePassword', ...Array.from({ length: count }, (_, i) => `user${i + 1}@contoso.com,Pa55-${i + 1},False`)].join('\r\n') +
  '\r\n';
