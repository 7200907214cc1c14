import type { EndpointView, ListAnswer } from '../apiTypes';
import { type CliCommand, writeJson, writeLines } from '../cliCommand';
import { formatTable } from '../formatTable';

/** `endpoints list`: every migration endpoint, one row each (never a password: the API has none to give). */
export const endpointsList: CliCommand = {
  words: ['endpoints', 'list'],
  summary: 'List the migration endpoints.',
  arguments: [],
  options: {},
  async run(context) {
    const { value } = await context.api.getJson<ListAnswer<EndpointView>>('/api/endpoints');
    if (context.json) return writeJson(context, value);
    if (value.length === 0) return writeLines(context, ['No migration endpoints.']);
    writeLines(
      context,
      formatTable(
        ['NAME', 'HOST', 'PORT', 'SECURITY', 'ADMIN', 'MIGRATIONS', 'INCREMENTAL', 'PASSWORD'],
        value.map((e) => [
          e.name,
          e.host,
          String(e.port),
          e.security,
          e.adminUserName ?? '-',
          String(e.maxConcurrentMigrations),
          String(e.maxConcurrentIncrementalSyncs),
          e.hasPassword ? 'stored' : 'none',
        ]),
      ),
    );
  },
};
