import type { CliCommand } from './cliCommand';
import { batchesAction } from './commands/batchesAction';
import { batchesCreate } from './commands/batchesCreate';
import { batchesList } from './commands/batchesList';
import { batchesRemove } from './commands/batchesRemove';
import { batchesShow } from './commands/batchesShow';
import { batchesStatus } from './commands/batchesStatus';
import { endpointsCreate } from './commands/endpointsCreate';
import { endpointsList } from './commands/endpointsList';
import { endpointsShow } from './commands/endpointsShow';
import { reportsDownload } from './commands/reportsDownload';

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly CliCommand[] = [
  endpointsList,
  endpointsShow,
  endpointsCreate,
  batchesList,
  batchesCreate,
  batchesShow,
  batchesStatus,
  batchesAction('start'),
  batchesAction('stop'),
  batchesAction('resume'),
  batchesAction('complete'),
  batchesAction('retry'),
  batchesRemove,
  reportsDownload,
];

export function tryFindCommand(group: string | undefined, verb: string | undefined): CliCommand | undefined {
  return COMMANDS.find((c) => c.words[0] === group && c.words[1] === verb);
}
