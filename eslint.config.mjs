// Type-aware lint for the whole app. Orchestrators get an extra rule set: they replay, so they may
// not touch the clock, randomness, Node built-ins or I/O modules (see the design card, "Durable rules").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'scripts/**', 'coverage/**', '.data/**', '*.js', '*.mjs', 'test/artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      eqeqeq: ['error', 'always'],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/orchestrators/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', { name: 'Date', message: 'Use context.df.currentUtcDateTime: orchestrators replay.' }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Orchestrators must be deterministic.' }],
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', 'fs', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'timers'], message: 'No Node built-ins in orchestrators.' },
          { group: ['**/storage/**', '**/connectors/**', '@azure/data-tables', '@azure/storage-*', 'imapflow', '@microsoft/*'], message: 'No I/O from orchestrators: call an activity.' },
        ],
      }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'tools/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
);
