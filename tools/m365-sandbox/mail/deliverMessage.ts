import { newExchangeId } from '../store/graphIds';
import type { TenantStore } from '../store/tenantStore';
import type { MessageRecord } from '../store/types';

/**
 * Puts a copy of a sent message in the Inbox of the tenant mailbox that owns `address` (primary,
 * UPN or proxy address). Returns false for outside addresses and users without a mailbox; Exchange
 * would relay the first and bounce the second, the sandbox drops both.
 */
export function deliverToTenantMailbox(store: TenantStore, address: string, sent: MessageRecord): boolean {
  const user = store.tryFindUserByAddress(address);
  if (!user) return false;
  let mailbox;
  try {
    mailbox = store.mailboxOf(user.id);
  } catch {
    return false;
  }
  const inbox = store.folderOf(mailbox, 'inbox');
  const copy: MessageRecord = {
    ...sent,
    id: newExchangeId('message'),
    parentFolderId: inbox.id,
    isRead: false,
    attachments: sent.attachments.map((a) => ({ ...a })),
  };
  mailbox.messages[copy.id] = copy;
  return true;
}
