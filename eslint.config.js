import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Lint rules, in one reviewed place (never disabled per file). The
 * no-restricted-imports blocks make the dependency direction mechanical:
 * client, sync-server and engine may import shared; none imports another;
 * shared imports none of them; cli/ (the `weft` command) may import all but client.
 */
const partImports = (forbidden, extra = []) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        ...forbidden.map((part) => ({
          group: [`**/${part}/**`, `../${part}/*`, `../../${part}/*`],
          message: `Parts talk over the wire, not by import: this folder may not import ${part}/.`,
        })),
        ...extra,
      ],
    },
  ],
});

/**
 * shared/ runs in the engine, the server and the browser (the expression preview runs its sandbox in a Web
 * Worker): its code imports nothing platform-specific. What differs per platform comes in through ports such as
 * SandboxHost. Its tests run on Node and may.
 */
const platformNeutral = [
  {
    group: ['node:*'],
    message: 'shared/ runs in the browser too: take what Node gives through a port (see SandboxHost).',
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      '.tsbuild/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'migrations/**',
      '.prof/**',
      'bench/results/**',
      // n8n's engine, driven as the reference (CommonJS, installed on the first bench run).
      'bench/engine/n8n-baseline/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'error',
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  {
    // A SQLite adapter implements an async storage port with a synchronous driver: its methods
    // are `async` so that a throw becomes a rejection, with nothing to await inside.
    files: ['sync-server/src/**/sqlite-*.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  { files: ['shared/**'], rules: partImports(['client', 'sync-server', 'engine', 'cli']) },
  {
    files: ['shared/src/**'],
    ignores: ['**/*.test.ts'],
    rules: partImports(['client', 'sync-server', 'engine', 'cli'], platformNeutral),
  },
  { files: ['client/**'], rules: partImports(['sync-server', 'engine', 'cli']) },
  { files: ['sync-server/**'], rules: partImports(['client', 'engine', 'cli']) },
  { files: ['engine/**'], rules: partImports(['client', 'sync-server', 'cli']) },
  // The `weft` command is the composition root: it starts the server and the engine, so it may import both.
  { files: ['cli/**'], rules: partImports(['client']) },
  {
    files: ['client/**/*.tsx', 'client/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
    languageOptions: { globals: globals.browser },
  },
  {
    // Playwright reads fixture dependencies from a destructuring pattern, even an empty one.
    files: ['e2e/**'],
    rules: { 'no-empty-pattern': ['error', { allowObjectPatternsAsParameters: true }] },
  },
  {
    // Tests, benchmarks and scripts report to the terminal.
    files: ['**/*.test.ts', '**/test/**', 'bench/**', 'scripts/**', 'e2e/**'],
    rules: { 'no-console': 'off' },
  },
);
