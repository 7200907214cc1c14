import { readFile } from 'node:fs/promises';
import type { BatchView } from '../apiTypes';
import { type CliCommand, writeJson, writeLines } from '../cliCommand';
import { CliUsageError } from '../errors';
import { readNumber, readString } from '../readOptionValue';
import { formatBatch } from './formatBatch';

/**
 * `batches create`: posts the CSV as it is on disk (the API reads UTF-8, UTF-16 and any of its
 * delimiters). A bad file is answered 400 with every error and its line, which `runCli` prints.
 */
export const batchesCreate: CliCommand = {
  words: ['batches', 'create'],
  summary: 'Create a batch from a CSV of mailboxes (staged: EmailAddress[,Password,ForceChangePassword]).',
  arguments: [],
  options: {
    name: { type: 'string', valueName: 'NAME', required: true, description: 'Batch name (its id is the name lower-cased, spaces as dashes).' },
    endpoint: { type: 'string', valueName: 'ENDPOINT', required: true, description: 'Migration endpoint to read the mailboxes from.' },
    file: { type: 'string', valueName: 'PATH', required: true, description: 'The batch CSV file.' },
    notify: { type: 'string', valueName: 'a@b,c@d', description: 'Addresses that get the status emails.' },
    'no-auto-start': { type: 'boolean', description: 'Create the batch without starting it ("batches start" starts it).' },
    'incremental-hours': { type: 'string', valueName: 'N', description: 'Hours between incremental syncs, 1-720 (default 24).' },
  },
  async run(context) {
    const hours = readNumber(context.values, 'incremental-hours', 1, 720);
    const path = readString(context.values, 'file')!;
    const csv = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      throw new CliUsageError(`Cannot read the CSV file ${path}: ${error.code === 'ENOENT' ? 'it does not exist' : error.message}.`, undefined, false);
    });
    const response = await context.api.request('POST', '/api/batches', {
      query: {
        name: readString(context.values, 'name'),
        endpoint: readString(context.values, 'endpoint'),
        notify: readString(context.values, 'notify'),
        autoStart: context.values['no-auto-start'] === true ? 'false' : undefined,
        incrementalSyncIntervalHours: hours?.toString(),
      },
      body: csv,
      contentType: 'text/csv',
    });
    const batch = (await response.json()) as BatchView;
    if (context.json) return writeJson(context, batch);
    writeLines(context, [`Batch ${batch.id} created with ${batch.mailboxCount} mailboxes${batch.autoStart ? '' : ' (not started)'}.`, ...formatBatch(batch)]);
  },
};
