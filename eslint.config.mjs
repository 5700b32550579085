// Lint rules that keep the architecture's boundaries: core and protocol never import `vscode`,
// webview code imports nothing from the extension but the message protocol, the emulator nothing from the
// extension (code both need lives in common/, which imports neither). No function outside the tests runs
// over 150 lines: split a long one by responsibility.
import tseslint from 'typescript-eslint';

const noVscode = {
  paths: [{ name: 'vscode', message: 'core/ and protocol/ stay VS Code-free: take what you need through a constructor.' }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', '.emulator-data/**', '.spark-env/**', 'test-results/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Prettier wraps code at 140 columns; only strings, template literals, URLs and regular expressions may run longer.
      'max-len': ['error', { code: 140, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreUrls: true, ignoreRegExpLiterals: true }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "Property[key.name='rejectUnauthorized'][value.value=false]",
          message: 'TLS is always verified: trust extra CAs explicitly instead.',
        },
      ],
    },
  },
  {
    // Not test/: a describe block is long by nature.
    files: ['src/**/*.ts', 'emulator/**/*.ts', 'common/**/*.ts', 'webview-ui/**/*.ts', 'bench/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 150, skipBlankLines: true, skipComments: true }] },
  },
  {
    files: ['src/core/**/*.ts', 'src/protocol/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', noVscode] },
  },
  {
    // Pipelines (the file model, validation, REST bodies) know nothing of jobs; jobs (submit, follow, batches)
    // build on pipelines. One direction only, so the two folders never form a cycle.
    files: ['src/core/pipelines/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: noVscode.paths,
          patterns: [{ group: ['**/jobs', '**/jobs/**'], message: 'core/pipelines must not import core/jobs (jobs build on pipelines).' }],
        },
      ],
    },
  },
  {
    files: ['emulator/**/*.ts', 'common/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: noVscode.paths,
          patterns: [
            {
              group: ['**/src/*', '**/src/**', '!./**', '../../src/**', '../../../src/**'],
              message: 'The emulator and common/ stand apart from the extension: share code through common/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['webview-ui/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: noVscode.paths,
          patterns: [
            {
              group: ['**/src/*', '!**/src/protocol', '**/src/*/**', '!**/src/protocol/**'],
              message: 'webview-ui may import only src/protocol from the extension.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'esbuild.mjs', 'eslint.config.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', fetch: 'readonly', setTimeout: 'readonly' } },
  },
);
