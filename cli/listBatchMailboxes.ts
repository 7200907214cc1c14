import type { ApiClient } from './apiClient';
import type { ListAnswer, MailboxView } from './apiTypes';

/** Every mailbox of a batch, following `nextLink` page after page. */
export async function listBatchMailboxes(api: ApiClient, batchId: string, pageSize?: number): Promise<MailboxView[]> {
  const mailboxes: MailboxView[] = [];
  let page = await api.getJson<ListAnswer<MailboxView>>(`/api/batches/${encodeURIComponent(batchId)}/mailboxes`, { pageSize: pageSize?.toString() });
  mailboxes.push(...page.value);
  while (page.nextLink) {
    page = await api.getJson<ListAnswer<MailboxView>>(page.nextLink);
    mailboxes.push(...page.value);
  }
  return mailboxes;
}
