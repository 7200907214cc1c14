import { randomBytes, randomUUID } from 'node:crypto';

/**
 * Exchange item ids are long opaque base64url strings (`AAMkAD...` for messages, `AQMk...` for folders);
 * code that assumes short or GUID-shaped ids should break here as it would against Graph.
 */
export function newExchangeId(kind: 'message' | 'folder' | 'attachment' | 'item'): string {
  const prefix = { message: 'AAMkAD', folder: 'AQMkAD', attachment: 'AAMkADAT', item: 'AAMkADIT' }[kind];
  return prefix + randomBytes(45).toString('base64url');
}

export function newDirectoryId(): string {
  return randomUUID();
}
