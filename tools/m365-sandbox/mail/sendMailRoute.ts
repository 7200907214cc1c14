import { z } from 'zod';
import { GraphError } from '../graphError';
import { parseActionParameters } from '../http/parseJsonBody';
import type { Router } from '../http/router';
import type { SandboxRequest, SandboxResponse } from '../http/sandboxRequest';
import type { TenantStore } from '../store/tenantStore';
import type { MessageRecord } from '../store/types';
import { messageFromJson, nowIso } from './createMessage';
import { deliverToTenantMailbox } from './deliverMessage';
import { createMessageSchema } from './messageSchemas';
import { messageFromMime } from './mimeImport';

const sendMailSchema = z.object({ message: createMessageSchema, saveToSentItems: z.boolean().default(true) });

/**
 * `POST /users/{id}/sendMail` (https://learn.microsoft.com/graph/api/user-sendmail): 202 Accepted, a copy
 * in Sent Items unless `saveToSentItems` is false, and delivery to every recipient that has a mailbox in
 * this tenant (so a test can read the status email the service sends). Other recipients are accepted and dropped.
 */
export function addSendMailRoute(router: Router, store: TenantStore): void {
  router.add('POST', '/users/:user/sendMail', (req, p) => sendMail(req, store, p.user!));
}

async function sendMail(req: SandboxRequest, store: TenantStore, userId: string): Promise<SandboxResponse> {
  const mailbox = store.mailboxOf(userId);
  const sender = store.findUser(mailbox.userId);
  const isMime = (req.headers['content-type'] ?? '').toLowerCase().startsWith('text/plain');
  const sentItems = store.folderOf(mailbox, 'sentitems');
  let draft: MessageRecord;
  let save = true;
  if (isMime) {
    draft = await messageFromMime(req.body.toString('ascii'), sentItems.id);
  } else {
    const body = parseActionParameters(req, sendMailSchema);
    draft = messageFromJson({ ...body.message, singleValueExtendedProperties: [] }, sentItems.id);
    save = body.saveToSentItems;
  }
  const recipients = [...draft.toRecipients, ...draft.ccRecipients, ...draft.bccRecipients];
  if (recipients.length === 0) throw new GraphError(400, 'ErrorInvalidRecipients', 'At least one recipient is not valid., Recipient is missing.');
  const now = nowIso();
  const from = { emailAddress: { name: sender.displayName, address: sender.mail ?? sender.userPrincipalName } };
  const sent: MessageRecord = {
    ...draft,
    from,
    sender: from,
    isDraft: false,
    isRead: true,
    sentDateTime: now,
    receivedDateTime: now,
    createdDateTime: now,
    lastModifiedDateTime: now,
  };
  if (save) mailbox.messages[sent.id] = sent;
  for (const recipient of recipients) deliverToTenantMailbox(store, recipient.emailAddress.address, sent);
  store.changed();
  return { status: 202 };
}
