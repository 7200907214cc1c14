/**
 * Where a source folder lands in the target mailbox: under one of Exchange's well-known folders
 * (Graph `mailFolder` well-known names, https://learn.microsoft.com/graph/api/resources/mailfolder)
 * or, without `wellKnown`, under the message folder root. `segments` is the path below it.
 */
export type WellKnownFolder = 'inbox' | 'sentitems' | 'deleteditems' | 'drafts' | 'junkemail' | 'archive';

export interface TargetFolderPath {
  wellKnown?: WellKnownFolder;
  segments: string[];
}

/** English display names of the well-known folders, as Exchange Online creates them. */
export const WELL_KNOWN_DISPLAY_NAMES: Readonly<Record<WellKnownFolder, string>> = {
  inbox: 'Inbox',
  sentitems: 'Sent Items',
  deleteditems: 'Deleted Items',
  drafts: 'Drafts',
  junkemail: 'Junk Email',
  archive: 'Archive',
};

/** A readable path for reports: `Sent Items/2007`, `Projects/Alpha`. */
export function toTargetPathText(target: TargetFolderPath): string {
  const base = target.wellKnown ? [WELL_KNOWN_DISPLAY_NAMES[target.wellKnown]] : [];
  return [...base, ...target.segments].join('/');
}
