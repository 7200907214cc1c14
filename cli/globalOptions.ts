import type { CliOption } from './cliCommand';

/** Options every command takes. The key is best given by the environment: a flag shows in `ps`. */
export const GLOBAL_OPTIONS: Readonly<Record<string, CliOption>> = {
  url: { type: 'string', valueName: 'URL', description: 'Base URL of the app (default: $MIGRATION_API_URL).' },
  key: { type: 'string', valueName: 'KEY', description: 'Function key (default: $MIGRATION_API_KEY, which keeps it out of the process list).' },
  json: { type: 'boolean', description: 'Print JSON for scripts instead of text.' },
  help: { type: 'boolean', description: 'Show this help.' },
};
