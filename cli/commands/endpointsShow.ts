import type { EndpointView } from '../apiTypes';
import { type CliCommand, writeJson, writeLines } from '../cliCommand';
import { formatEndpoint } from './formatEndpoint';

/** `endpoints show <name>`. */
export const endpointsShow: CliCommand = {
  words: ['endpoints', 'show'],
  summary: 'Show one migration endpoint.',
  arguments: ['<name>'],
  options: {},
  async run(context) {
    const endpoint = await context.api.getJson<EndpointView>(`/api/endpoints/${encodeURIComponent(context.args[0]!)}`);
    if (context.json) return writeJson(context, endpoint);
    writeLines(context, formatEndpoint(endpoint));
  },
};
