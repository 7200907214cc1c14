import type { BatchView, ListAnswer } from '../apiTypes';
import { type CliCommand, writeJson, writeLines } from '../cliCommand';
import { formatTable } from '../formatTable';

/** `batches list`: every batch with its status and how many mailboxes are where. */
export const batchesList: CliCommand = {
  words: ['batches', 'list'],
  summary: 'List the migration batches.',
  arguments: [],
  options: {},
  async run(context) {
    const { value } = await context.api.getJson<ListAnswer<BatchView>>('/api/batches');
    if (context.json) return writeJson(context, value);
    if (value.length === 0) return writeLines(context, ['No migration batches.']);
    writeLines(
      context,
      formatTable(
        ['ID', 'NAME', 'ENDPOINT', 'STATUS', 'MAILBOXES', 'SYNCED', 'COMPLETED', 'FAILED', 'CREATED'],
        value.map((b) => [
          b.id,
          b.name,
          b.endpoint,
          b.status,
          String(b.mailboxCount),
          String(b.counts.Synced ?? 0),
          String(b.counts.Completed ?? 0),
          String(b.counts.Failed ?? 0),
          b.createdAt,
        ]),
      ),
    );
  },
};
