import { removePasswordColumn } from '../core/csv/removePasswordColumn';
import { toErrorsCsv } from '../core/csv/csvErrors';
import type { BatchCsvFiles } from './ports/fileStores';
import type { BatchIntake } from './batchIntake';
import type { IntakeError } from './intakeProblem';
import type { MigrationBatch } from '../core/batch/migrationBatch';

export type BlobIntakeOutcome =
  | { kind: 'ignored'; reason: string }
  | { kind: 'created'; batch: MigrationBatch; processedAs: string }
  | { kind: 'rejected'; errors: IntakeError[]; errorsBlob: string };

/** Blob metadata keys an administrator may set on a dropped CSV (metadata names are case-insensitive). */
const METADATA = {
  endpoint: 'endpoint',
  notify: 'notificationemails',
  autoStart: 'autostart',
  interval: 'incrementalsyncintervalhours',
  usageLocation: 'usagelocation',
  rejected: 'intakerejected',
};

/**
 * A CSV dropped into the intake container: `<endpoint>/<batch name>.csv`, or `<batch name>.csv`
 * with the endpoint in the blob's metadata. A good file becomes a batch and moves to the processed
 * container without its Password column; a bad one creates nothing and gets `<name>.errors.csv`
 * beside it. Either way no password stays behind in storage.
 */
export class BlobIntake {
  constructor(
    private readonly intake: BatchIntake,
    private readonly blobs: BatchCsvFiles,
  ) {}

  async takeIn(blobName: string, now: string): Promise<BlobIntakeOutcome> {
    if (!/\.csv$/i.test(blobName) || /\.errors\.csv$/i.test(blobName)) return { kind: 'ignored', reason: 'not a batch CSV' };
    const blob = await this.blobs.readIntake(blobName);
    if (!blob) return { kind: 'ignored', reason: 'the blob is gone (already taken in)' };
    const metadata = lowerCaseKeys(blob.metadata);
    // Our own rewrite of a rejected file changes the blob too; only a new upload is looked at again.
    if (metadata[METADATA.rejected] === 'true') return { kind: 'ignored', reason: 'already rejected; upload a corrected file' };
    const segments = blobName.split('/');
    const fileName = segments[segments.length - 1] ?? blobName;
    const endpointName = segments.length > 1 ? segments[0] : metadata[METADATA.endpoint];
    const batchName = fileName.replace(/\.csv$/i, '');
    if (!endpointName) {
      return this.reject(blobName, blob.bytes, blob.metadata, [
        {
          code: 'EndpointMissing',
          field: 'endpoint',
          message:
            'The file names no migration endpoint: drop it under a folder named after the endpoint (<endpoint>/<batch>.csv) or set the blob metadata "endpoint".',
        },
      ]);
    }
    const result = await this.intake.takeIn({
      name: batchName,
      endpointName,
      csv: blob.bytes,
      source: `blob:${blobName}@${blob.etag}`,
      ...(metadata[METADATA.notify] ? { notify: metadata[METADATA.notify] } : {}),
      ...(metadata[METADATA.interval] ? { incrementalSyncIntervalHours: metadata[METADATA.interval] } : {}),
      ...(metadata[METADATA.usageLocation] ? { usageLocation: metadata[METADATA.usageLocation] } : {}),
      autoStart: metadata[METADATA.autoStart]?.toLowerCase() !== 'false',
      now,
    });
    if (!result.ok) return this.reject(blobName, blob.bytes, blob.metadata, result.errors);
    const processedAs = await this.blobs.storeProcessed(result.batch.id, fileName, removePasswordColumn(blob.bytes));
    await this.blobs.deleteIntake(blobName);
    return { kind: 'created', batch: result.batch, processedAs };
  }

  private async reject(blobName: string, bytes: Buffer, metadata: Record<string, string>, errors: IntakeError[]): Promise<BlobIntakeOutcome> {
    const errorsBlob = await this.blobs.writeErrors(blobName, toErrorsCsv(errors));
    // The rejected file stays for the administrator to fix, but without passwords; a file too
    // broken to rewrite is removed (its errors file says why).
    let passwordFree: string | undefined;
    try {
      passwordFree = removePasswordColumn(bytes);
    } catch {
      passwordFree = undefined;
    }
    if (passwordFree === undefined) await this.blobs.deleteIntake(blobName);
    else await this.blobs.replaceIntake(blobName, passwordFree, { ...metadata, [METADATA.rejected]: 'true' });
    return { kind: 'rejected', errors, errorsBlob };
  }
}

function lowerCaseKeys(metadata: Record<string, string>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k.toLowerCase(), v]));
}
