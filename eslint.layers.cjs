// Which folder of src/ may import which (issue 13: dependencies point inward). Kept apart from
// eslint.config.mjs so test/unit/lint/layering.test.ts lints probe imports against exactly these rules.
//
//   core          the domain: pure, imports nothing outside core (a few pure libraries)
//   contract      the activity/orchestration contract: core only
//   orchestrators replay code: core, the contract and durable-functions only
//   services      the use cases: core, the contract and their own ports (services/ports), never the
//                 adapters (storage, connectors), the host (functions, activities) or the composition
//   activities    thin adapters from the contract to the services, built by a factory
//   storage, connectors
//                 adapters implementing the services' ports: core and services/ports only
//   composition, compositionRoot.ts, index.ts, functions
//                 the outer ring: may use everything
'use strict';

const OUTER = ['**/functions/**', '**/activities/**', '**/orchestrators/**', '**/composition/**', '**/compositionRoot', '**/index'];
const ADAPTERS = ['**/storage/**', '**/connectors/**'];
const IO_LIBRARIES = ['@azure/*', 'imapflow', 'ldapts', 'mailparser', 'undici', '@microsoft/*', 'durable-functions', 'node:net', 'node:tls', 'node:fs', 'node:http', 'node:https', 'node:child_process'];

const rule = (patterns) => ['error', { patterns }];
const group = (names, message) => ({ group: names, message });

/** Flat-config blocks, one per layer; each replaces no-restricted-imports for its files. */
const layers = [
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': rule([
        group([...OUTER, ...ADAPTERS, '**/services/**', '**/contract/**', '**/config', '**/dashboard/**'], 'src/core imports nothing outside core.'),
        group(IO_LIBRARIES, 'src/core does no I/O: put it behind a port in services/ports.'),
      ]),
    },
  },
  {
    files: ['src/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': rule([
        group([...OUTER, ...ADAPTERS, '**/services/**', '**/config', '**/dashboard/**'], 'The contract names core types only.'),
        group(IO_LIBRARIES, 'The contract is types and names, no I/O.'),
      ]),
    },
  },
  {
    files: ['src/orchestrators/**/*.ts'],
    rules: {
      'no-restricted-imports': rule([
        group(['node:*', 'fs', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'timers'], 'No Node built-ins in orchestrators.'),
        group([...ADAPTERS, '@azure/data-tables', '@azure/storage-*', 'imapflow', '@microsoft/*'], 'No I/O from orchestrators: call an activity.'),
        group(['**/services/**', '**/activities/**', '**/functions/**', '**/composition/**', '**/compositionRoot', '**/config', '**/dashboard/**'], 'Orchestrators import only core types and the contract (src/contract).'),
      ]),
    },
  },
  {
    files: ['src/services/**/*.ts'],
    rules: {
      'no-restricted-imports': rule([
        group([...OUTER, '**/dashboard/**'], 'Services import neither functions, activities, orchestrators nor the composition root.'),
        group(ADAPTERS, 'Services depend on their own ports (src/services/ports), not on storage or connectors.'),
        group(IO_LIBRARIES, 'Services do no I/O of their own: use a port.'),
      ]),
    },
  },
  {
    files: ['src/activities/**/*.ts'],
    rules: {
      'no-restricted-imports': rule([
        group(['**/functions/**', '**/orchestrators/**', '**/composition/**', '**/compositionRoot', ...ADAPTERS], 'Activities are built by their factory over the services they are given.'),
      ]),
    },
  },
  {
    files: ['src/storage/**/*.ts', 'src/connectors/**/*.ts'],
    rules: {
      'no-restricted-imports': rule([
        group(OUTER, 'Adapters do not reach the host or the composition root.'),
        { regex: '(^|/)services/(?!ports/)', message: 'Adapters implement the services\' ports (src/services/ports) and import nothing else of services.' },
      ]),
    },
  },
];

module.exports = { layers };
