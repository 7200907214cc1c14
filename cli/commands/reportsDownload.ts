import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type CliCommand, type CommandContext, writeJson, writeLines } from '../cliCommand';
import { CliFileError } from '../errors';
import { formatBytes } from '../formatBytes';
import { readChoice, readString } from '../readOptionValue';

type ReportKind = 'statistics' | 'errors';
const DEFAULT_FILE_NAMES: Record<ReportKind, string> = { statistics: 'MigrationStatistics.csv', errors: 'MigrationErrors.csv' };

interface DownloadedReport {
  kind: ReportKind;
  path: string;
  bytes: number;
}

/** `reports download <id>`: the batch's MigrationStatistics.csv and/or MigrationErrors.csv, saved as the API names them. */
export const reportsDownload: CliCommand = {
  words: ['reports', 'download'],
  summary: "Download a batch's reports (written when its initial sync finishes).",
  arguments: ['<id>'],
  options: {
    kind: { type: 'string', valueName: 'statistics|errors|both', description: 'Which report (default both).' },
    out: { type: 'string', valueName: 'DIR', description: 'Folder to write to, created if missing (default: the current folder).' },
  },
  async run(context) {
    const kind = readChoice(context.values, 'kind', ['statistics', 'errors', 'both']) ?? 'both';
    const folder = readString(context.values, 'out') ?? '.';
    const kinds: ReportKind[] = kind === 'both' ? ['statistics', 'errors'] : [kind];
    const downloaded: DownloadedReport[] = [];
    for (const k of kinds) downloaded.push(await downloadReport(context, context.args[0]!, k, folder));
    if (context.json) return writeJson(context, downloaded);
    writeLines(
      context,
      downloaded.map((d) => `Wrote ${d.path} (${formatBytes(d.bytes)}).`),
    );
  },
};

async function downloadReport(context: CommandContext, batchId: string, kind: ReportKind, folder: string): Promise<DownloadedReport> {
  const response = await context.api.request('GET', `/api/batches/${encodeURIComponent(batchId)}/reports/${kind}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  const file = path.join(folder, toFileName(response.headers.get('content-disposition')) ?? DEFAULT_FILE_NAMES[kind]);
  try {
    await mkdir(folder, { recursive: true });
    await writeFile(file, bytes);
  } catch (error) {
    throw new CliFileError(`Cannot write ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { kind, path: file, bytes: bytes.length };
}

/** The `filename` of a Content-Disposition, reduced to a bare name so an answer cannot write outside `--out`. */
function toFileName(disposition: string | null): string | undefined {
  const name = /filename="?([^";]+)"?/i.exec(disposition ?? '')?.[1];
  const base = name ? path.basename(name.trim()) : '';
  return base && base !== '.' && base !== '..' ? base : undefined;
}
