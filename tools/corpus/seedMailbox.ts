import type { ImapFlow } from 'imapflow';

import type { CorpusMessage, FolderSegments } from './generateCorpus';

export interface MailboxSeed {
  /** Folders to create even when no message goes there (parents are created first). */
  folders?: readonly FolderSegments[];
  messages: Iterable<CorpusMessage>;
}

export interface SeedResult {
  /** Server path of every folder, keyed by its segments joined with `/`. */
  paths: Record<string, string>;
  /** UID each message got (APPENDUID, RFC 4315), by corpus index. */
  uids: Map<number, number>;
  appended: number;
  bytes: number;
}

/** APPENDs kept in flight on the one connection; see seedMailbox. */
const IN_FLIGHT = 8;

/**
 * Creates the folders and APPENDs the messages (with flags and INTERNALDATE) through a logged-in
 * connection, so the server builds its own indexes exactly as in production. Throughput comes
 * from keeping several APPENDs queued on the connection: with LITERAL+ (RFC 7888) imapflow sends
 * each literal without waiting for a continuation, so the server always has work. Seed several
 * mailboxes in parallel with one connection each (see test/support/corpus/README.md for numbers).
 */
export async function seedMailbox(client: ImapFlow, seed: MailboxSeed): Promise<SeedResult> {
  const result: SeedResult = { paths: {}, uids: new Map(), appended: 0, bytes: 0 };
  const ensure = async (segments: FolderSegments): Promise<string> => {
    const key = segments.join('/');
    const known = result.paths[key];
    if (known !== undefined) return known;
    const path = await createFolder(client, segments);
    result.paths[key] = path;
    return path;
  };
  for (const folder of seed.folders ?? []) await ensure(folder);

  const pending = new Set<Promise<void>>();
  for (const message of seed.messages) {
    const path = await ensure(message.folder);
    const append = client.append(path, message.raw, message.flags, new Date(message.internalDate)).then((response) => {
      if (!response) throw new Error(`APPEND of corpus message ${message.index} to ${path} failed`);
      if (response.uid !== undefined) result.uids.set(message.index, response.uid);
      result.appended += 1;
      result.bytes += message.raw.length;
    });
    const tracked = append.finally(() => pending.delete(tracked));
    pending.add(tracked);
    if (pending.size >= IN_FLIGHT) await Promise.race(pending);
  }
  await Promise.all(pending);
  return result;
}

/** Creates each level in turn (RFC 3501 lets a server refuse missing parents); INBOX always exists. */
async function createFolder(client: ImapFlow, segments: FolderSegments): Promise<string> {
  if (segments.length === 1 && segments[0]?.toUpperCase() === 'INBOX') return 'INBOX';
  const delimiter = client.namespace?.delimiter ?? '/';
  const prefix = client.namespace?.prefix ?? '';
  let path = '';
  for (const segment of segments) {
    path = path === '' ? `${prefix}${segment}` : `${path}${delimiter}${segment}`;
    await client.mailboxCreate(path);
  }
  return path;
}
