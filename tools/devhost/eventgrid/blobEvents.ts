/**
 * The Event Grid event schema as Azure Storage publishes blob events, the subset the blob trigger reads
 * (https://learn.microsoft.com/azure/event-grid/event-schema-blob-storage), and the subscription
 * validation handshake (https://learn.microsoft.com/azure/event-grid/webhook-event-delivery).
 */
export const BLOB_CREATED = 'Microsoft.Storage.BlobCreated';
export const SUBSCRIPTION_VALIDATION = 'Microsoft.EventGrid.SubscriptionValidationEvent';

export interface EventGridEvent<T = unknown> {
  id: string;
  topic: string;
  subject: string;
  eventType: string;
  eventTime: string;
  data: T;
  dataVersion: string;
  metadataVersion: '1';
}

export interface BlobCreatedData {
  api: 'PutBlob' | 'PutBlockList' | 'CopyBlob';
  eTag: string;
  contentType?: string;
  contentLength: number;
  blobType: 'BlockBlob';
  url: string;
}

/** Which function a webhook call is for: `functionName=Host.Functions.<name>`, as the host names it. */
export function functionNameOf(query: URLSearchParams): string | undefined {
  const value = query.get('functionName') ?? '';
  return value.startsWith('Host.Functions.') ? value.slice('Host.Functions.'.length) : undefined;
}

/** Container and blob name of a blob URL (`<account endpoint>/<container>/<blob path>`; Azurite puts the account first). */
export function blobOfUrl(url: string, container: string): string | undefined {
  const parts = new URL(url).pathname
    .split('/')
    .filter((p) => p.length > 0)
    .map(decodeURIComponent);
  const at = parts.indexOf(container);
  return at >= 0 && at < parts.length - 1 ? parts.slice(at + 1).join('/') : undefined;
}
