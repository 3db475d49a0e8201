// Lint rules, including the layer rules of CONTRIBUTING.md: lower layers never import the command
// layer, `plan/` does no I/O, `db/` knows nothing of the phase, and nothing below `cli/` exits.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const commandLayer = { group: ['**/cli/*', '**/cli/**'], message: 'Only the command layer (src/cli) may import src/cli.' };
const io = [
  'node:fs',
  'node:fs/promises',
  'fs',
  'fs/promises',
  'fs-extra',
  'node:child_process',
  'child_process',
  'execa',
  'pg',
  '@electric-sql/*',
].map((name) => ({ group: [name], message: 'plan/ is pure: detection reads, apply writes.' }));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/fixtures/**', 'test/.cache/**', '.cache/**', 'templates/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Blob: 'readonly', AbortController: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [commandLayer] }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'exit', message: 'Return a typed error; the command layer exits.' },
      ],
    },
  },
  {
    files: ['src/plan/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [commandLayer, ...io] }] },
  },
  {
    files: ['src/db/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            commandLayer,
            {
              group: ['**/verify/**', '**/phase-04/**', '**/plan/**', '**/pipeline/**'],
              message: 'db/ is generic: the phase and the pipeline import it, not the reverse.',
            },
          ],
        },
      ],
    },
  },
);
