/**
 * Tests run TypeScript through ts-jest (transpile only: `npm run build` type-checks everything first).
 * One Azurite, started by the global setup, serves every suite; suites make their own tables and
 * containers with unique names, so they can share it.
 *
 * Timeouts are sized for a loaded 2-core machine (two workers, each running real servers, and
 * `npm start` inside a test): the default of 3 minutes leaves a suite room to start its servers
 * while the other worker runs a migration, and suites that start a devhost or run a whole
 * migration give their hooks and tests more. A timeout only bounds a hung test: no test should fail
 * because the machine is slow.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
  setupFiles: ['<rootDir>/test/support/quietFunctionsTestMode.ts'],
  maxWorkers: 2,
  testTimeout: 180_000,
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};
