import { type Client, type Entry, EqualityFilter, NoSuchObjectError } from 'ldapts';

import { BINARY_ATTRIBUTES, USER_ATTRIBUTES } from './exchangeRecipientAttributes';

/** The user entry at `dn` with every attribute the connector uses, or undefined when no user is there. */
export async function readUserEntry(client: Client, dn: string): Promise<Entry | undefined> {
  try {
    const { searchEntries } = await client.search(dn, {
      scope: 'base',
      filter: new EqualityFilter({ attribute: 'objectClass', value: 'user' }),
      attributes: [...USER_ATTRIBUTES],
      explicitBufferAttributes: [...BINARY_ATTRIBUTES],
    });
    return searchEntries[0];
  } catch (error) {
    if (error instanceof NoSuchObjectError) return undefined;
    throw error;
  }
}
