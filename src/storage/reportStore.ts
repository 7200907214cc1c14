import {
  BlobSASPermissions,
  type BlobServiceClient,
  type ContainerClient,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { unlessNotFound } from './unlessNotFound';
import type { ReportFiles, ReportKind } from '../services/ports/fileStores';

const FILE_NAMES: Record<ReportKind, string> = { statistics: 'MigrationStatistics.csv', errors: 'MigrationErrors.csv' };
/**
 * A user delegation key may be valid for at most 7 days from the service's current time
 * (https://learn.microsoft.com/rest/api/storageservices/get-user-delegation-key): asking for exactly 7
 * days from our clock is refused whenever our clock runs ahead of the service's. The window starts a
 * little in the past and ends an hour short of the maximum, so clock skew either way is absorbed.
 */
const CLOCK_SKEW_MS = 15 * 60 * 1000;
const LINK_VALIDITY_MS = 7 * 24 * 3600 * 1000 - 60 * 60 * 1000;

/** When a report link (and the delegation key signing it) is valid, for links made at `now`. */
export function reportLinkWindow(now: Date): { startsOn: Date; expiresOn: Date } {
  return { startsOn: new Date(now.getTime() - CLOCK_SKEW_MS), expiresOn: new Date(now.getTime() + LINK_VALIDITY_MS) };
}

/**
 * The reports container: `<batch>/MigrationStatistics.csv` and `<batch>/MigrationErrors.csv`,
 * linked from the status email by read-only SAS URLs that expire. With an account key (Azurite,
 * connection strings) the SAS is signed with it; with a managed identity, by a user delegation key.
 */
export class ReportStore implements ReportFiles {
  constructor(
    private readonly container: () => Promise<ContainerClient>,
    private readonly service: BlobServiceClient,
  ) {}

  async write(batchId: string, kind: ReportKind, csv: string): Promise<void> {
    const text = `\uFEFF${csv}`;
    await (await this.container()).getBlockBlobClient(`${batchId}/${FILE_NAMES[kind]}`).upload(text, Buffer.byteLength(text), {
      blobHTTPHeaders: { blobContentType: 'text/csv; charset=utf-8', blobContentDisposition: `attachment; filename="${FILE_NAMES[kind]}"` },
    });
  }

  async read(batchId: string, kind: ReportKind): Promise<Buffer | undefined> {
    const blob = (await this.container()).getBlobClient(`${batchId}/${FILE_NAMES[kind]}`);
    return unlessNotFound(() => blob.downloadToBuffer());
  }

  async link(batchId: string, kind: ReportKind, now: Date): Promise<string> {
    const container = await this.container();
    const blob = container.getBlobClient(`${batchId}/${FILE_NAMES[kind]}`);
    const { startsOn, expiresOn } = reportLinkWindow(now);
    const permissions = BlobSASPermissions.parse('r');
    if (blob.credential instanceof StorageSharedKeyCredential) return blob.generateSasUrl({ permissions, startsOn, expiresOn });
    const key = await this.service.getUserDelegationKey(startsOn, expiresOn);
    const sas = generateBlobSASQueryParameters(
      { containerName: container.containerName, blobName: blob.name, permissions, startsOn, expiresOn },
      key,
      this.service.accountName,
    );
    return `${blob.url}?${sas.toString()}`;
  }

  async deleteBatch(batchId: string): Promise<void> {
    const container = await this.container();
    for await (const blob of container.listBlobsFlat({ prefix: `${batchId}/` })) await container.getBlobClient(blob.name).deleteIfExists();
  }
}
