import { type CliCommand, writeJson, writeLines } from '../cliCommand';

/** `batches remove <id>`: `DELETE /api/batches/{id}` (refused with 409 while the batch runs). */
export const batchesRemove: CliCommand = {
  words: ['batches', 'remove'],
  summary: 'Remove a batch that is not running, with its mailboxes and reports.',
  arguments: ['<id>'],
  options: {},
  async run(context) {
    const id = context.args[0]!;
    await context.api.request('DELETE', `/api/batches/${encodeURIComponent(id)}`);
    if (context.json) return writeJson(context, { id, removed: true });
    writeLines(context, [`Batch ${id} removed.`]);
  },
};
