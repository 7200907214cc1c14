import { DevHostError } from '../errors';

/**
 * A blob trigger `path` such as `migration-batches/{name}` or `intake/{batch}/{file}.csv`: the
 * container, and a matcher that returns the `{...}` values bound from a blob name.
 */
export interface BlobPathPattern {
  container: string;
  match(blobName: string): Record<string, string> | undefined;
}

export function parseBlobPath(path: string): BlobPathPattern {
  const slash = path.indexOf('/');
  const container = slash < 0 ? path : path.slice(0, slash);
  const pattern = slash < 0 ? '{name}' : path.slice(slash + 1) || '{name}';
  if (!/^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/.test(container)) {
    throw new DevHostError('DEVHOST_BAD_SETTINGS', `Blob trigger path "${path}" does not start with a valid container name.`);
  }
  const names: string[] = [];
  const source = pattern
    .split(/(\{[A-Za-z_][A-Za-z0-9_]*\})/)
    .map((part) => {
      const token = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(part);
      if (!token) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(token[1]!);
      // A name binds across "/" only when it is the last token, as `{name}` does for nested blobs.
      return '(.+?)';
    })
    .join('');
  const regex = new RegExp(`^${source}$`);
  return {
    container,
    match(blobName: string) {
      const found = regex.exec(blobName);
      if (!found) return undefined;
      return Object.fromEntries(names.map((n, i) => [n, found[i + 1] ?? '']));
    },
  };
}
