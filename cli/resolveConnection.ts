import { CliUsageError, MISSING_KEY_MESSAGE, MISSING_URL_MESSAGE } from './errors';
import { readString } from './readOptionValue';

export interface Connection {
  url: URL;
  key: string;
}

/** `--url`/`--key`, else `MIGRATION_API_URL`/`MIGRATION_API_KEY`: the flags win. */
export function resolveConnection(values: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv): Connection {
  const urlText = readString(values, 'url') ?? env.MIGRATION_API_URL;
  if (!urlText) throw new CliUsageError(MISSING_URL_MESSAGE, undefined, false);
  let url: URL;
  try {
    url = new URL(urlText);
  } catch {
    // Only the part before any query is echoed: a `?code=` there would be the key.
    throw new CliUsageError(`The API URL "${urlText.split('?')[0] ?? ''}" is not a URL: give it as http(s)://host[:port].`, undefined, false);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliUsageError(`The API URL must be http or https, not ${url.protocol}.`, undefined, false);
  const key = readString(values, 'key') ?? env.MIGRATION_API_KEY;
  if (!key) throw new CliUsageError(MISSING_KEY_MESSAGE, undefined, false);
  return { url, key };
}
