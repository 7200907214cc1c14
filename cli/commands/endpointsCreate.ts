import type { EndpointView } from '../apiTypes';
import { type CliCommand, writeJson, writeLines } from '../cliCommand';
import { CliUsageError } from '../errors';
import { readStdin } from '../readStdin';
import { readChoice, readInteger, readString } from '../readOptionValue';
import { formatEndpoint } from './formatEndpoint';

/**
 * `endpoints create`: `POST /api/endpoints`. The admin password comes only from stdin
 * (`--password-stdin`): a flag value would stay in the shell history and the process list.
 */
export const endpointsCreate: CliCommand = {
  words: ['endpoints', 'create'],
  summary: 'Create a migration endpoint (the admin password is read from stdin with --password-stdin).',
  arguments: [],
  options: {
    name: { type: 'string', valueName: 'NAME', required: true, description: 'Endpoint name: letters, digits, dots, dashes, underscores.' },
    host: { type: 'string', valueName: 'HOST', required: true, description: 'IMAP server host name or address.' },
    port: { type: 'string', valueName: 'N', description: 'IMAP port (default 993 with tls, else 143).' },
    security: { type: 'string', valueName: 'tls|starttls|none', description: 'Connection security (default tls).' },
    'source-kind': { type: 'string', valueName: 'imap|exchange', description: 'What the source server is (default imap).' },
    'admin-user': { type: 'string', valueName: 'USER', description: 'Admin (master) account that logs in for every mailbox.' },
    'admin-login-format': { type: 'string', valueName: 'FORMAT', description: 'Per-user login with the admin account, e.g. "{user}*{admin}" for Dovecot.' },
    'dav-url': {
      type: 'string',
      valueName: 'URL',
      description: 'CalDAV/CardDAV URL with {user}, e.g. "https://mail.contoso.com/dav/{user}/": contacts and calendars move too.',
    },
    'password-stdin': { type: 'boolean', description: 'Read the admin password from stdin.' },
    'max-concurrent-migrations': { type: 'string', valueName: 'N', description: 'Mailboxes migrated at once, 1-100 (default 20).' },
    'max-concurrent-incremental-syncs': { type: 'string', valueName: 'N', description: 'Incremental syncs at once, 1-100 (default 10).' },
  },
  async run(context) {
    const body = await toEndpointInput(context.values, context.stdin);
    const endpoint = await context.api.postJson<EndpointView>('/api/endpoints', body);
    if (context.json) return writeJson(context, endpoint);
    writeLines(context, [`Endpoint ${endpoint.name} created.`, ...formatEndpoint(endpoint)]);
  },
};

async function toEndpointInput(values: Record<string, string | boolean | undefined>, stdin: NodeJS.ReadableStream): Promise<Record<string, unknown>> {
  const fields: Record<string, unknown> = {
    name: readString(values, 'name'),
    host: readString(values, 'host'),
    port: readInteger(values, 'port', 1, 65535),
    security: readChoice(values, 'security', ['tls', 'starttls', 'none']),
    sourceKind: readChoice(values, 'source-kind', ['imap', 'exchange']),
    adminUserName: readString(values, 'admin-user'),
    adminLoginFormat: readString(values, 'admin-login-format'),
    davUrl: readString(values, 'dav-url'),
    maxConcurrentMigrations: readInteger(values, 'max-concurrent-migrations', 1, 100),
    maxConcurrentIncrementalSyncs: readInteger(values, 'max-concurrent-incremental-syncs', 1, 100),
  };
  // The password is read last, so a mistyped flag is reported before stdin is waited for.
  if (values['password-stdin'] === true) {
    fields.password = await readStdin(stdin);
    if (fields.password === '') throw new CliUsageError('--password-stdin was given but stdin was empty.');
  }
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}
