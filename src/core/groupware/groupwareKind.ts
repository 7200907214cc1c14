/** What a groupware collection holds: an address book's contacts or a calendar's events. */
export type GroupwareKind = 'contact' | 'event';

export const GROUPWARE_KINDS: readonly GroupwareKind[] = ['contact', 'event'];
