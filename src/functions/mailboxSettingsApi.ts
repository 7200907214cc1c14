import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { z } from 'zod';
import { getServices } from '../compositionRoot';
import { toMailboxKey } from '../core/mailbox/mailboxKey';
import { updateMailbox } from '../services/copy/mailboxStatistics';
import { toMailboxView } from './http/apiViews';
import { invalidBody, readJson } from './http/requestBody';
import { apiRoute, pathName } from './http/requestParameters';
import { json, problem } from './http/responses';
import { BATCH_ID } from './http/routeParameters';
import { logEvent } from './logging/functionLog';

/** What an administrator may change on one mailbox of a batch, as Set-MigrationUser does. */
const mailboxSettings = z
  .object({
    /** The mailbox's own BadItemLimit: how many bad items one pass may skip before the mailbox fails. */
    badItemLimit: z.number().int().min(0).max(1_000_000),
  })
  .strict();

/**
 * `PATCH /api/batches/{id}/mailboxes/{address}` with `{"badItemLimit": n}`: raises (or lowers) one
 * mailbox's BadItemLimit, as `Set-MigrationUser -BadItemLimit` does; resume or retry the batch to go on.
 */
export async function setMailboxSettings(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const id = request.params.id ?? '';
  const mailboxKey = toMailboxKey(request.params.address ?? '');
  const body = await readJson(request, 'Send the change as a JSON object, e.g. {"badItemLimit": 200}.');
  if ('error' in body) return body.error;
  const parsed = mailboxSettings.safeParse(body.value);
  if (!parsed.success) return invalidBody('The change is not valid.', parsed.error);
  const services = getServices();
  if (!(await services.mailboxes.get(id, mailboxKey))) {
    return problem(404, 'The mailbox is not in the batch.', [
      { code: 'MailboxNotFound', field: 'address', message: `Batch "${id}" has no mailbox ${mailboxKey}.` },
    ]);
  }
  const updated = await updateMailbox(services.mailboxes, id, mailboxKey, (m) => ({
    ...m,
    badItemLimit: parsed.data.badItemLimit,
    lastUpdatedTimestamp: new Date().toISOString(),
  }));
  logEvent(context, 'info', `Batch ${id}: the BadItemLimit of a mailbox is now ${parsed.data.badItemLimit}.`, {
    batchId: id,
    mailboxKey,
    badItemLimit: parsed.data.badItemLimit,
  });
  return json(200, toMailboxView(updated));
}

/** An SMTP address as typed in the URL: no control characters or characters Table Storage refuses in keys. */
// eslint-disable-next-line no-control-regex -- control characters are what is refused
const ADDRESS = pathName('address', /^[^\s/\\#?\u0000-\u001f\u007f-\u009f]{3,320}$/, "must be the mailbox's SMTP address");

apiRoute(
  'setMailboxSettings',
  { route: 'batches/{id}/mailboxes/{address}', methods: ['PATCH'], authLevel: 'function' },
  [BATCH_ID, ADDRESS],
  setMailboxSettings,
);
