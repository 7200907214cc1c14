import type { BatchView } from '../apiTypes';
import { type CliCommand, writeJson, writeLines } from '../cliCommand';
import { formatBytes } from '../formatBytes';
import { formatTable } from '../formatTable';
import { listBatchMailboxes } from '../listBatchMailboxes';
import { readInteger } from '../readOptionValue';
import { formatBatch } from './formatBatch';

/** `batches show <id>`: the batch, then every mailbox (all pages) with Get-MigrationUserStatistics' figures. */
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
    writeLines(context, [
      ...formatBatch(batch),
      '',
      ...formatTable(
        ['MAILBOX', 'STATUS', 'PERCENT', 'ITEMS', 'BYTES', 'ERROR'],
        mailboxes.map((m) => [
          m.emailAddress,
          m.statusDetail ? `${m.status} (${m.statusDetail})` : m.status,
          `${m.percentageComplete}%`,
          `${m.syncedItemCount}/${m.totalItemsInSourceMailbox}`,
          formatBytes(m.bytesTransferred),
          m.error ?? '',
        ]),
      ),
    ]);
  },
};
