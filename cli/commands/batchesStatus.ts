import { setTimeout as sleep } from 'node:timers/promises';
import { type MailboxView, RUNNING_BATCH_STATUSES } from '../apiTypes';
import { type CliCommand, type CommandContext, writeLines } from '../cliCommand';
import { readNumber } from '../readOptionValue';
import { type BatchProgress, messagesPerSecond, readBatchProgress } from '../watch/readBatchProgress';
import { progressKey, renderBatchProgress } from '../watch/renderBatchProgress';

/**
 * `batches status <id> [--watch]`: progress bars redrawn in place on a terminal; elsewhere a plain
 * line whenever something changed; with `--json` one JSON object per poll (NDJSON). Watching ends
 * when the batch is no longer Validating, Syncing or Completing.
 */
export const batchesStatus: CliCommand = {
  words: ['batches', 'status'],
  summary: "Show a batch's progress; --watch polls until it stops validating, syncing or completing.",
  arguments: ['<id>'],
  options: {
    watch: {
      type: 'boolean',
      description: 'Keep polling until the batch is no longer Validating, Syncing or Completing (with --json: one JSON line per poll).',
    },
    interval: { type: 'string', valueName: 'SECONDS', description: 'Seconds between polls with --watch (default 2).' },
  },
  async run(context) {
    const intervalMs = (readNumber(context.values, 'interval', 0.2, 3600) ?? 2) * 1000;
    const id = context.args[0]!;
    const plain = !context.stdout.isTTY;
    let previous: BatchProgress | undefined;
    let shownLines = 0;
    let shownKey = '';
    for (;;) {
      const progress = await readBatchProgress(context.api, id);
      const rate = messagesPerSecond(previous, progress);
      if (context.json) writeJsonLine(context, progress, rate);
      else if (!plain) shownLines = redraw(context, renderBatchProgress(progress, rate, false), shownLines);
      else if (progressKey(progress) !== shownKey) writeLines(context, renderBatchProgress(progress, rate, true));
      shownKey = progressKey(progress);
      previous = progress;
      if (context.values.watch !== true || !RUNNING_BATCH_STATUSES.includes(progress.batch.status)) break;
      await sleep(intervalMs);
    }
    if (context.values.watch === true && !context.json && previous) writeLines(context, [`Batch ${id} is ${previous.batch.status}.`]);
  },
};

function writeJsonLine(context: CommandContext, progress: BatchProgress, rate: number): void {
  const { batch, inFlight, done, percent, at } = progress;
  context.stdout.write(
    `${JSON.stringify({ at: new Date(at).toISOString(), id: batch.id, status: batch.status, percent: Math.round(percent * 10) / 10, done, mailboxCount: batch.mailboxCount, messagesPerSecond: Math.round(rate * 10) / 10, counts: batch.counts, inFlight: inFlight.map(toInFlightJson) })}\n`,
  );
}

/** A mailbox in flight for `--json`: its mail figures, and its contacts and events figures when it has them (as the API names them). */
export function toInFlightJson(m: MailboxView): Record<string, unknown> {
  const groupware = Object.entries({
    contactsSynced: m.contactsSynced,
    contactsSkipped: m.contactsSkipped,
    contactsTotal: m.contactsTotal,
    eventsSynced: m.eventsSynced,
    eventsSkipped: m.eventsSkipped,
    eventsTotal: m.eventsTotal,
  }).filter(([, n]) => n !== undefined);
  return {
    emailAddress: m.emailAddress,
    status: m.status,
    percentageComplete: m.percentageComplete,
    syncedItemCount: m.syncedItemCount,
    totalItemsInSourceMailbox: m.totalItemsInSourceMailbox,
    ...Object.fromEntries(groupware),
    bytesTransferred: m.bytesTransferred,
  };
}

/** Moves the cursor back over what the last poll drew and draws the new lines in its place. */
function redraw(context: CommandContext, lines: string[], previousLines: number): number {
  const up = previousLines > 0 ? `\x1b[${previousLines}A\x1b[0J` : '';
  // A line wider than the terminal would wrap and throw the count of lines to move up off.
  // A pseudo-terminal without a size reports 0 columns.
  const columns = context.stdout.columns ?? 0;
  const width = columns >= 20 ? columns : 200;
  context.stdout.write(`${up}${lines.map((line) => line.slice(0, width - 1)).join('\n')}\n`);
  return lines.length;
}
