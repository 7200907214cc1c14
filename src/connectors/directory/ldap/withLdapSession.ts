import { Client } from 'ldapts';

import { type ResolvedLdapDirectoryOptions, toLdapClientOptions, toTlsOptions } from './ldapDirectoryOptions';
import { toDirectoryError } from './toDirectoryError';

/**
 * Runs `work` on a fresh connection bound as the service account, then unbinds. One connection
 * per operation rather than a pool: each Durable activity does one short read-modify on the
 * directory, activities may run on different hosts, and domain controllers close idle LDAP
 * connections (MaxConnIdleTime, 900 s by default), so a kept connection would mostly be a stale
 * one. Every failure, including the bind's, leaves as a MigrationError.
 */
export async function withLdapSession<T>(options: ResolvedLdapDirectoryOptions, action: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client(toLdapClientOptions(options));
  try {
    if (options.startTls) await client.startTLS(toTlsOptions(options));
    await client.bind(options.bindDn, options.bindPassword);
    return await work(client);
  } catch (error) {
    throw toDirectoryError(error, { server: options.url, bindDn: options.bindDn, action });
  } finally {
    // A connection that already failed has nothing to unbind; that must not hide the first error.
    await client.unbind().catch(() => undefined);
  }
}
