import type { ImapFlow, ListResponse, StatusObject } from 'imapflow';

import type { SourceFolder, SpecialUse } from '../../services/ports/mailSource';

const STATUS_QUERY = { messages: true, uidNext: true, uidValidity: true, highestModseq: true } as const;

/**
 * Lists every folder with its counters. LIST-STATUS (RFC 5819) answers in one round trip where
 * offered; imapflow falls back to STATUS per folder otherwise, and this fills any gap itself.
 */
export async function listSourceFolders(client: ImapFlow): Promise<SourceFolder[]> {
  const entries = await client.list({ statusQuery: STATUS_QUERY });
  const folders: SourceFolder[] = [];
  for (const entry of entries) {
    const selectable = !entry.flags.has('\\Noselect') && !entry.flags.has('\\NonExistent');
    const status = selectable ? (entry.status ?? ((await client.status(entry.path, STATUS_QUERY)) || undefined)) : undefined;
    folders.push(toSourceFolder(entry, selectable, status));
  }
  return folders;
}

function toSourceFolder(entry: ListResponse, selectable: boolean, status: StatusObject | undefined): SourceFolder {
  const specialUse = declaredSpecialUse(entry);
  return {
    path: entry.path,
    name: entry.name,
    delimiter: entry.delimiter ?? '',
    ...(entry.parentPath ? { parentPath: entry.parentPath } : {}),
    ...(specialUse ? { specialUse } : {}),
    selectable,
    uidValidity: (status?.uidValidity ?? 0n).toString(),
    uidNext: status?.uidNext ?? 0,
    ...(status?.highestModseq !== undefined ? { highestModseq: status.highestModseq.toString() } : {}),
    messages: status?.messages ?? 0,
  };
}

/**
 * Only special uses the server declared (RFC 6154 / XLIST). imapflow also guesses from names;
 * that guess is left to the folder mapping, which knows more names. INBOX is special by RFC 3501.
 */
function declaredSpecialUse(entry: ListResponse): SpecialUse | undefined {
  if (entry.path.toUpperCase() === 'INBOX') return '\\Inbox';
  if (entry.specialUseSource !== 'extension') return undefined;
  return entry.specialUse as SpecialUse | undefined;
}
