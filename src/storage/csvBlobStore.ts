import type { ContainerClient } from '@azure/storage-blob';
import { unlessNotFound } from './unlessNotFound';
import type { BatchCsvFiles, IntakeBlob } from '../services/ports/fileStores';

/**
 * The CSV containers: `migration-batches` where administrators drop batch files, and the processed
 * container where a taken-in file is kept with its Password column removed.
 */
export class CsvBlobStore implements BatchCsvFiles {
  constructor(
    private readonly intake: () => Promise<ContainerClient>,
    private readonly processed: () => Promise<ContainerClient>,
  ) {}

  /** The dropped file, or undefined if it is gone (already taken in by an earlier run). */
  async readIntake(blobName: string): Promise<IntakeBlob | undefined> {
    const blob = (await this.intake()).getBlobClient(blobName);
    return unlessNotFound(async () => {
      const bytes = await blob.downloadToBuffer();
      const properties = await blob.getProperties();
      return { bytes, etag: properties.etag ?? '', metadata: properties.metadata ?? {} };
    });
  }

  /** Keeps the password-free copy of a taken-in CSV under the batch's folder. */
  async storeProcessed(batchId: string, fileName: string, passwordFreeCsv: string): Promise<string> {
    const name = `${batchId}/${fileName}`;
    await (await this.processed()).getBlockBlobClient(name).upload(passwordFreeCsv, Buffer.byteLength(passwordFreeCsv), {
      blobHTTPHeaders: { blobContentType: 'text/csv; charset=utf-8' },
    });
    return name;
  }

  /** Writes `<name>.errors.csv` beside a rejected file. */
  async writeErrors(blobName: string, errorsCsv: string): Promise<string> {
    const name = `${blobName.replace(/\.csv$/i, '')}.errors.csv`;
    await (await this.intake()).getBlockBlobClient(name).upload(errorsCsv, Buffer.byteLength(errorsCsv), {
      blobHTTPHeaders: { blobContentType: 'text/csv; charset=utf-8' },
    });
    return name;
  }

  /** Overwrites a dropped file, keeping its metadata (used to strip passwords from a rejected file). */
  async replaceIntake(blobName: string, text: string, metadata: Record<string, string>): Promise<void> {
    await (await this.intake()).getBlockBlobClient(blobName).upload(text, Buffer.byteLength(text), {
      metadata,
      blobHTTPHeaders: { blobContentType: 'text/csv; charset=utf-8' },
    });
  }

  /** Deletes the batch's password-free CSV copy (retention). */
  async deleteProcessed(batchId: string): Promise<void> {
    const container = await this.processed();
    for await (const blob of container.listBlobsFlat({ prefix: `${batchId}/` })) await container.getBlobClient(blob.name).deleteIfExists();
  }

  async deleteIntake(blobName: string): Promise<void> {
    await (await this.intake()).getBlobClient(blobName).deleteIfExists();
  }
}
