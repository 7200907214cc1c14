import { type Change, type Client, type Entry, NoSuchAttributeError, TypeOrValueExistsError } from 'ldapts';

import { MigrationError } from '../../../core/errors/migrationError';
import { type DirectoryWriteResult, DirectoryErrorCode } from '../onPremisesDirectory';
import { readUserEntry } from './readUserEntry';

/** One retry covers an entry changed by someone else between our read and our modify. */
const ATTEMPTS = 2;

/**
 * Reads the user at `dn`, asks `plan` what must change, and applies exactly that in one modify;
 * nothing is written when the entry is already as wanted, which makes every write idempotent.
 * If the entry moved under us (a value we add appeared, an attribute we delete vanished), the
 * read and plan are repeated rather than failing the activity.
 */
export async function applyPlannedChanges(client: Client, dn: string, plan: (entry: Entry) => Change[]): Promise<DirectoryWriteResult> {
  for (let attempt = 1; ; attempt += 1) {
    const entry = await readUserEntry(client, dn);
    if (!entry) throw new MigrationError(DirectoryErrorCode.UserNotFound, `The directory has no user ${dn}.`, 'permanent');
    const changes = plan(entry);
    if (changes.length === 0) return { changed: false };
    try {
      await client.modify(entry.dn, changes);
      return { changed: true };
    } catch (error) {
      const raced = error instanceof NoSuchAttributeError || error instanceof TypeOrValueExistsError;
      if (!raced || attempt >= ATTEMPTS) throw error;
    }
  }
}
