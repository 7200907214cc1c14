/**
 * The folders Exchange Online creates with every mailbox, addressable by their well-known names
 * (https://learn.microsoft.com/graph/api/resources/mailfolder#well-known-folder-names).
 * `msgfolderroot` is the parent of the top-level folders and is not listed by `GET /mailFolders`.
 */
export const ROOT_WELL_KNOWN_NAME = 'msgfolderroot';

export const wellKnownFolders: readonly { name: string; displayName: string }[] = [
  { name: 'inbox', displayName: 'Inbox' },
  { name: 'drafts', displayName: 'Drafts' },
  { name: 'sentitems', displayName: 'Sent Items' },
  { name: 'deleteditems', displayName: 'Deleted Items' },
  { name: 'junkemail', displayName: 'Junk Email' },
  { name: 'archive', displayName: 'Archive' },
  { name: 'outbox', displayName: 'Outbox' },
  { name: 'conversationhistory', displayName: 'Conversation History' },
];
