/**
 * An entity's own fields: without the keys, the ETag, the timestamp and the `odata.*` annotations
 * the service adds (which carry the account's URL and must not reach an API answer).
 */
export function ownFields(entity: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entity).filter(([key]) => !SERVICE_FIELDS.has(key) && !key.startsWith('odata.')));
}

const SERVICE_FIELDS = new Set(['partitionKey', 'rowKey', 'etag', 'timestamp']);

/** The fields that have a value: Table Storage has no "undefined", and an absent property is what stands for it. */
export function definedFields<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
