// Type-aware lint for the whole app. Orchestrators get an extra rule set: they replay, so they may
// not touch the clock, randomness, Node built-ins or I/O modules (see the design card, "Durable rules").
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import layering from './eslint.layers.cjs';

const { layers } = layering;

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'scripts/**', 'coverage/**', '.data/**', '*.js', '*.mjs', '*.cjs', 'test/artifacts/**'] },
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
  // Dependencies point inward: which folder may import which (eslint.layers.cjs).
  ...layers,
  {
    files: ['src/orchestrators/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', { name: 'Date', message: 'Use context.df.currentUtcDateTime: orchestrators replay.' }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Orchestrators must be deterministic.' }],
    },
  },
  {
    // The dashboard's browser code (its own tsconfig, with the DOM library): browser globals, none of
    // Node's, and only its own modules and core's, by the addresses the browser requests (`./x.js`).
    files: ['src/dashboard/browser/**/*.ts'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-globals': ['error', ...['process', 'Buffer', 'require', 'module', 'exports', '__dirname', '__filename', 'global', 'setImmediate']
        .map((name) => ({ name, message: 'Browser code: Node globals do not exist in the page.' }))],
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: '^(?!\\./)', message: 'The page loads only its own modules (./x.js) and core\'s, as ./core/... (tsconfig rootDirs): no packages, no ../' },
          { regex: '^\\./(?!.*\\.js$)', message: 'Write the .js the browser requests: an import is fetched as written.' },
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
