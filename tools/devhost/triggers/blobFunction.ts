import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { readConnectionSetting, resolveSettingReferences } from '../appSettings';
import type { RegisteredFunction } from '../functionRegistry';
import { type BlobPathPattern, parseBlobPath } from './blobPathPattern';
import { invokeTriggeredFunction } from './invokeTriggeredFunction';
import type { TriggerDeps } from './startTriggerListeners';

/** The container a blob trigger watches, and the pattern its blob names match (settings resolved). */
export interface BlobTriggerSource {
  pattern: BlobPathPattern;
  container: ContainerClient;
}

export function blobTriggerSource(fn: RegisteredFunction): BlobTriggerSource {
  const pattern = parseBlobPath(resolveSettingReferences(String(fn.trigger.path), `function ${fn.metadata.name} path`));
  const connection = readConnectionSetting(fn.trigger.connection as string | undefined);
  return { pattern, container: BlobServiceClient.fromConnectionString(connection).getContainerClient(pattern.container) };
}

/**
 * Reads a blob and runs its function with the binding data the Blobs extension gives (BlobTrigger, Uri,
 * Properties and the path pattern's names), whichever source (polling or Event Grid) found it. Answers
 * 'gone' when the blob was deleted since, else the function's error, or undefined when it succeeded.
 */
export async function runBlobFunction(
  deps: TriggerDeps,
  fn: RegisteredFunction,
  source: BlobTriggerSource,
  blobName: string,
  etag: string,
  bindings: Record<string, string>,
): Promise<Error | 'gone' | undefined> {
  const client = source.container.getBlockBlobClient(blobName);
  let content: Buffer;
  try {
    content = await client.downloadToBuffer();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return 'gone';
    throw error;
  }
  return invokeTriggeredFunction(
    deps,
    fn,
    { bytes: content },
    {
      BlobTrigger: `${source.pattern.container}/${blobName}`,
      Uri: client.url,
      Properties: { ETag: etag, Length: content.length },
      ...bindings,
    },
  );
}
