import path from 'node:path';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';

/**
 * Issue 13: dependencies point inward, and lint says so. Each probe is a one-line change that breaks a
 * layering rule; ESLint, with the project's own layering rules (eslint.layers.cjs, spread into
 * eslint.config.mjs), must refuse it. The allowed imports next to them must pass.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { layers } = require('../../../eslint.layers.cjs') as { layers: Linter.Config[] };
const root = path.resolve(__dirname, '../../..');

const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...layers],
});

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages.map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

const refused: [string, string, string][] = [
  ['src/core/copy/probe.ts', "import { MailboxSteps } from '../../services/migration/mailboxSteps';", 'src/core imports nothing outside core'],
  ['src/core/copy/probe.ts', "import { TableClient } from '@azure/data-tables';", 'src/core does no I/O'],
  ['src/contract/probe.ts', "import type { MailboxCopier } from '../services/copy/mailboxCopier';", 'The contract names core types only'],
  [
    'src/orchestrators/probe.ts',
    "import type { MailboxSteps } from '../services/migration/mailboxSteps';",
    'Orchestrators import only core types and the contract',
  ],
  ['src/orchestrators/probe.ts', "import { readFileSync } from 'node:fs';", 'No Node built-ins in orchestrators'],
  ['src/services/probe.ts', "import { batchMigration } from '../orchestrators/batchMigration';", 'Services import neither functions'],
  ['src/services/copy/probe.ts', "import { createActivities } from '../../activities/createActivities';", 'Services import neither functions'],
  ['src/services/migration/probe.ts', "import { MailboxRepository } from '../../storage/mailboxRepository';", 'Services depend on their own ports'],
  ['src/services/migration/probe.ts', "import { GraphTenant } from '../../connectors/graph/graphTenant';", 'Services depend on their own ports'],
  ['src/services/migration/probe.ts', "import { getServices } from '../../compositionRoot';", 'Services import neither functions'],
  ['src/services/migration/probe.ts', "import { ImapFlow } from 'imapflow';", 'Services do no I/O of their own'],
  ['src/activities/probe.ts', "import { getServices } from '../compositionRoot';", 'Activities are built by their factory'],
  ['src/storage/probe.ts', "import { MailboxSteps } from '../services/migration/mailboxSteps';", "Adapters implement the services' ports"],
  ['src/connectors/graph/probe.ts', "import { getServices } from '../../compositionRoot';", 'Adapters do not reach the host'],
];

const allowed: [string, string][] = [
  ['src/core/copy/probe.ts', "import { itemMarker } from './itemKeys';"],
  ['src/contract/probe.ts', "import type { MailboxStatus } from '../core/mailbox/mailboxStatus';"],
  ['src/orchestrators/probe.ts', "import type { ActivityName } from '../contract/activities';"],
  ['src/services/migration/probe.ts', "import type { MailboxStore } from '../ports/batchStores';"],
  ['src/activities/probe.ts', "import type { MailboxSteps } from '../services/migration/mailboxSteps';"],
  ['src/storage/probe.ts', "import type { MailboxStore } from '../services/ports/batchStores';"],
  ['src/connectors/graph/probe.ts', "import type { CopyTarget } from '../../services/ports/copyTarget';"],
  ['src/composition/probe.ts', "import { GraphTenant } from '../connectors/graph/graphTenant';"],
];

describe('layering rules', () => {
  it.each(refused)('%s refuses %s', async (file, code, reason) => {
    expect(await problems(file, code)).toEqual([expect.stringContaining(reason)]);
  });

  it.each(allowed)('%s allows %s', async (file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });
});
