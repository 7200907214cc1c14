import type { GroupwareKind } from './groupwareKind';

/**
 * Names servers give a user's main address book or calendar (Nextcloud `contacts`/`personal`, SOGo
 * `personal`, Zimbra `Contacts`/`Calendar`, Kerio, Radicale's clients), compared without case, spaces or
 * punctuation, against both the display name and the last path segment.
 */
const MAIN_NAMES: Record<GroupwareKind, readonly string[]> = {
  contact: ['contacts', 'addressbook', 'personal', 'personaladdressbook', 'default', 'card'],
  event: ['calendar', 'personal', 'personalcalendar', 'default', 'home', 'calendars'],
};

/**
 * Which address book and which calendar are the user's main ones, to become the mailbox's default
 * Contacts folder and default Calendar (the one free/busy is read from) rather than extra folders beside
 * them. CardDAV and CalDAV have no flag for it on a plain server, so: the only one of its kind; else the
 * first whose name is a usual main name; else the first by URL. The choice is stable from pass to pass.
 */
export function primaryCollectionIds(collections: readonly { id: string; kind: GroupwareKind; displayName: string }[]): Set<string> {
  const chosen = new Set<string>();
  for (const kind of ['contact', 'event'] as const) {
    const candidates = collections.filter((c) => c.kind === kind).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const main = candidates.find((c) => isMainName(kind, c.displayName) || isMainName(kind, lastSegment(c.id))) ?? candidates[0];
    if (main) chosen.add(main.id);
  }
  return chosen;
}

function isMainName(kind: GroupwareKind, name: string): boolean {
  return MAIN_NAMES[kind].includes(name.toLowerCase().replace(/[^a-z]/g, ''));
}

function lastSegment(url: string): string {
  return url.split('/').filter(Boolean).pop() ?? '';
}
