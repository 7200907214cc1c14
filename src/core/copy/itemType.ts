import type { GroupwareKind } from '../groupware/groupwareKind';

/**
 * What a mailbox holds and the copy moves: mail, contacts and calendar items, as Exchange Online's
 * staged migration moves "all email messages, contacts, and calendar items". Every type goes through
 * the one copy engine (services/copy/copyEngine.ts) and the one item ledger.
 */
export type ItemType = 'mail' | GroupwareKind;

export const ITEM_TYPES: readonly ItemType[] = ['mail', 'contact', 'event'];
