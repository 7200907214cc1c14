import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { QueueServiceClient } from '@azure/storage-queue';
import { readConnectionSetting, resolveSettingReferences } from './appSettings';
import type { RpcInvocationResponse, RpcTypedData } from './coreApiTypes';
import { DevHostError } from './errors';
import type { RegisteredFunction } from './functionRegistry';
import { fromTypedData } from './typedData';

/** Fills `{token}`s of a binding expression from trigger metadata (e.g. `processed/{name}`). */
function bindExpression(expression: string, metadata: Record<string, unknown>, where: string): string {
  return resolveSettingReferences(expression, where).replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, token: string) => {
    const key = Object.keys(metadata).find((k) => k.toLowerCase() === token.toLowerCase());
    if (key === undefined) throw new DevHostError('DEVHOST_UNRESOLVED_SETTING', `${where} uses {${token}}, which the trigger does not provide.`);
    return String(metadata[key]);
  });
}

function keyText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Writes the storage output bindings of an invocation (`output.storageQueue`, `output.storageBlob`,
 * `output.table`), as the host's extensions do after the function returns: queue messages base64
 * encoded, blobs at their bound path, table entities upserted.
 */
export async function writeOutputBindings(
  fn: RegisteredFunction,
  response: RpcInvocationResponse,
  triggerMetadata: Record<string, RpcTypedData> | undefined,
): Promise<void> {
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(triggerMetadata ?? {})) metadata[key] = fromTypedData(value);
  for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
    if (binding.direction !== 'out' || !['queue', 'blob', 'table'].includes(String(binding.type))) continue;
    const data = name === '$return' ? response.returnValue : response.outputData?.find((o) => o.name === name)?.data;
    const value = fromTypedData(data);
    if (value === undefined || value === null) continue;
    const where = `output binding "${name}" of ${fn.metadata.name}`;
    const connection = readConnectionSetting(typeof binding.connection === 'string' ? binding.connection : undefined);
    if (binding.type === 'queue') {
      const queue = QueueServiceClient.fromConnectionString(connection).getQueueClient(
        bindExpression(String(binding.queueName), metadata, where).toLowerCase(),
      );
      await queue.createIfNotExists();
      for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) await queue.sendMessage(Buffer.from(asText(item)).toString('base64'));
    } else if (binding.type === 'blob') {
      const path = bindExpression(String(binding.path), metadata, where);
      const slash = path.indexOf('/');
      const container = BlobServiceClient.fromConnectionString(connection).getContainerClient(path.slice(0, slash));
      await container.createIfNotExists();
      const content = Buffer.isBuffer(value) ? value : Buffer.from(asText(value));
      await container.getBlockBlobClient(path.slice(slash + 1)).upload(content, content.length);
    } else {
      const table = TableClient.fromConnectionString(connection, bindExpression(String(binding.tableName), metadata, where), { allowInsecureConnection: true });
      await table.createTable();
      for (const item of Array.isArray(value) ? (value as Record<string, unknown>[]) : [value as Record<string, unknown>]) {
        const { PartitionKey, RowKey, ...rest } = item;
        await table.upsertEntity(
          { ...rest, partitionKey: keyText(PartitionKey ?? binding.partitionKey), rowKey: keyText(RowKey ?? binding.rowKey) },
          'Replace',
        );
      }
    }
  }
}
