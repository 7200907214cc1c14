import { isValidEmailAddress } from '../../../src/core/csv/batchCsvRules';

describe('isValidEmailAddress', () => {
  it.each([
    'ann@contoso.com',
    'Bob.Smith@Contoso.COM',
    "o'brien+tag@mail.contoso.co.uk",
    'x@xn--bcher-kva.example',
    `${'a'.repeat(64)}@contoso.com`,
    `a@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(60)}`, // 254 characters
  ])('accepts %s', (address) => {
    expect(isValidEmailAddress(address)).toBe(true);
  });

  it.each([
    '',
    'ann',
    'ann@',
    '@contoso.com',
    'ann@contoso',
    'ann @contoso.com',
    'ann@contoso .com',
    'ann..b@contoso.com',
    '.ann@contoso.com',
    'ann.@contoso.com',
    'ann@-contoso.com',
    'ann@contoso-.com',
    'ann@contoso..com',
    'ann@contoso.c',
    'ann@contoso.123',
    'a@b@contoso.com',
    '"ann"@contoso.com',
    'ann@[10.0.0.1]',
    'zoë@contoso.com',
    `${'a'.repeat(65)}@contoso.com`,
    `a@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(61)}`, // 255 characters
  ])('rejects %j', (address) => {
    expect(isValidEmailAddress(address)).toBe(false);
  });
});
