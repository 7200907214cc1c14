import fc from 'fast-check';
import { endpointSecretName, legacyEndpointSecretName } from '../../../src/core/endpoint/endpointSecretName';
import { ENDPOINT_NAME_PATTERN } from '../../../src/core/endpoint/migrationEndpoint';
import { toMailboxKey } from '../../../src/core/mailbox/mailboxKey';

/** Key Vault: 1 to 127 characters, 0-9 a-z A-Z and dashes. */
const KEY_VAULT_SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;

const endpointName = fc.stringMatching(ENDPOINT_NAME_PATTERN);

describe('endpoint secret names', () => {
  it('gives ex.2007, ex_2007 and ex-2007 three names, where the old scheme gave one', () => {
    const names = ['ex.2007', 'ex_2007', 'ex-2007'].map(endpointSecretName);
    expect(new Set(names).size).toBe(3);
    for (const name of names) expect(name).toMatch(/^endpoint-ex-2007-[0-9a-f]{64}$/);
    expect(new Set(['ex.2007', 'ex_2007', 'ex-2007'].map(legacyEndpointSecretName))).toEqual(new Set(['endpoint-ex-2007-password']));
  });

  it('names one endpoint the same in any case, as endpoints are keyed case-insensitively', () => {
    expect(endpointSecretName('Ex.2007')).toBe(endpointSecretName('ex.2007'));
  });

  it('is a valid Key Vault secret name for every endpoint name, even the longest', () => {
    expect(endpointSecretName(`a${'.'.repeat(63)}`)).toMatch(KEY_VAULT_SECRET_NAME);
    expect(endpointSecretName('x'.repeat(64))).toMatch(KEY_VAULT_SECRET_NAME);
    fc.assert(fc.property(endpointName, (name) => KEY_VAULT_SECRET_NAME.test(endpointSecretName(name))));
  });

  it('never gives two endpoints (names that differ other than in case) the same name, nor an old-scheme name', () => {
    fc.assert(
      fc.property(endpointName, endpointName, (a, b) => {
        if (a.toLowerCase() === b.toLowerCase()) return endpointSecretName(a) === endpointSecretName(b);
        return endpointSecretName(a) !== endpointSecretName(b) && endpointSecretName(a) !== legacyEndpointSecretName(b);
      }),
      { numRuns: 2000 },
    );
    // Names that only differ in the characters the readable part folds together.
    const folded = ['a.b', 'a_b', 'a-b', 'a..b', 'a__b', 'a--b', 'a.-b', 'a-.b', 'a._b'];
    expect(new Set(folded.map(endpointSecretName)).size).toBe(folded.length);
  });
});

describe('per-mailbox secret keys', () => {
  it('are a reversible encoding of the address, so two addresses never share a sealed password', () => {
    // The table key is (batch id, toMailboxKey(address)) and the ciphertext is bound to both.
    const tricky = ['a/b@x.com', 'a%2fb@x.com', 'a%252fb@x.com', 'a#b@x.com', 'a%23b@x.com', 'a?b@x.com', 'a\\b@x.com'];
    expect(new Set(tricky.map(toMailboxKey)).size).toBe(tricky.length);
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const [x, y] = [a.trim().toLowerCase(), b.trim().toLowerCase()];
        return x === y || toMailboxKey(a) !== toMailboxKey(b);
      }),
      { numRuns: 2000 },
    );
  });
});
