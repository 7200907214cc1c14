import type { BatchView } from '../apiTypes';
import { type CliCommand, writeJson, writeLines } from '../cliCommand';
import { listBatchMailboxes } from '../listBatchMailboxes';
import { readInteger } from '../readOptionValue';
import { formatBatch } from './formatBatch';
import { formatMailboxTable } from './formatMailboxTable';

/**
 * `batches show <id>`: the batch, then every mailbox (all pages) with Get-MigrationUserStatistics'
 * figures, its items split into mail, contacts and events when the endpoint moves groupware.
 */
export const batchesShow: CliCommand = {
  words: ['batches', 'show'],
  summary: 'Show a batch: status, counts and every mailbox with its progress and error.',
  arguments: ['<id>'],
  options: {
    'page-size': { type: 'string', valueName: 'N', description: 'Mailboxes fetched per request, 1-1000 (default 500); all pages are shown.' },
  },
  async run(context) {
    const pageSize = readInteger(context.values, 'page-size', 1, 1000);
    const id = context.args[0]!;
    const batch = await context.api.getJson<BatchView>(`/api/batches/${encodeURIComponent(id)}`);
    const mailboxes = await listBatchMailboxes(context.api, id, pageSize);
    if (context.json) return writeJson(context, { ...batch, mailboxes });
    writeLines(context, [...formatBatch(batch), '', ...formatMailboxTable(mailboxes)]);
  },
};
