/**
 * What a storage request addresses, as far as fault rules care: its verb and the resource it is
 * about (a table, a container, a queue). Read from the request line only, never rewritten: the
 * SharedKey signature covers the path, so the proxy must send it on exactly as received.
 */

export interface StorageOperation {
  /** Upper case. A POST tunnelling another verb in `X-HTTP-Method` counts as that verb. */
  method: string;
  /**
   * The first path segment after the account, without an entity's key and decoded: the table name
   * (`Tables` for the table operations themselves, `$batch` for an entity group transaction), the
   * container, or the queue. Empty for account-level requests (service properties, list containers).
   */
  resource: string;
}

/**
 * The operation of a request line. `accountPath` is the endpoint's path (`/devstoreaccount1` for
 * Azurite's path-style URLs), left off before the resource is read; a request outside it is read
 * from its first segment.
 */
export function operationOf(method: string, rawUrl: string, tunnelledMethod: string | undefined, accountPath: string): StorageOperation {
  const verb = method.toUpperCase() === 'POST' && tunnelledMethod ? tunnelledMethod : method;
  return { method: verb.toUpperCase(), resource: resourceOf(pathnameOf(rawUrl), accountPath) };
}

/** `/devstoreaccount1/Mailboxes(PartitionKey='a',RowKey='b')` → `Mailboxes`; `/devstoreaccount1/Tables('x')` → `Tables`. */
export function resourceOf(pathname: string, accountPath: string): string {
  const prefix = accountPath.replace(/\/+$/, '');
  let rest = pathname;
  if (prefix !== '' && (rest === prefix || rest.startsWith(`${prefix}/`))) rest = rest.slice(prefix.length);
  const segment = rest.replace(/^\/+/, '').split('/')[0] ?? '';
  const name = segment.split('(')[0] ?? '';
  return decodeSafely(name);
}

/** The path of an origin-form (`/a/b?c`) or absolute-form (`http://host/a/b`) request target. */
export function pathnameOf(rawUrl: string): string {
  try {
    return new URL(rawUrl, 'http://storage-fault-proxy.invalid').pathname;
  } catch {
    return rawUrl.split('?')[0] ?? rawUrl;
  }
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
