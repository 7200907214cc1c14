import { AndFilter, EqualityFilter, type Filter, OrFilter } from 'ldapts';

import { ExchangeAttribute } from './exchangeRecipientAttributes';

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
