import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';
import { apiDocsAssets } from './scripts/api-docs-assets.ts';
import { bundleBudget } from './scripts/bundle-budget.ts';
import { workerFilesInManifest } from './scripts/worker-files-manifest.ts';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/**
 * One config for the client build (root: client/, output: dist/client) and for
 * the unit and integration tests of every part (vitest projects).
 * Browser flows run under Playwright (playwright.config.ts), not here.
 */
/**
 * The n8n-diff families `npm test` runs: those at zero divergence outside the
 * documented exceptions (docs/n8n-compatibility.md). A family joins when it
 * gets there; the others are the n8n-fidelity work still open.
 */
const N8N_DIFF_IN_NPM_TEST = [
  'code',
  'conditions',
  'conditions-v1',
  'switch',
  'switch-v1',
  'set',
  'merge',
  'httpRequest',
  'sort',
  'limit',
  'aggregate',
  'split-out',
  'remove-duplicates',
  'item-lists',
  'dateTime',
  'expressions',
  'respondToWebhook',
  'wait',
  'triggers',
  'webhook',
  'executeWorkflow',
  'function',
  'function-item',
  'noOp',
  'summarize',
  'renameKeys',
  'executionData',
  'compareDatasets',
  'xml',
  'html',
  'markdown',
  'stopAndError',
  'errorTrigger',
  'crypto',
  'postgres',
  'mysql',
  'read-write-files',
  // The random workflows (graphs.diff.ts): run order, loops, connection order.
  'graphs',
];

/**
 * Server suites that do not run again on PostgreSQL, each for a reason: they are about
 * something other than storage, or they wrap the SQLite adapters themselves.
 */
const SQLITE_ONLY_TESTS = [
  // Process trees of `npm start` and the binary on exit: no storage in question.
  'test/integration/orphans.test.ts',
  // Interleavings forced by gating SQLite adapters the test builds; the ports' rules are in test/contracts.
  'test/integration/hand-over-gated.test.ts',
  'test/integration/queue-cap.test.ts',
  'test/integration/slow-access.test.ts',
  // The hub built by hand on SQLite stores (server.ts does not hand it the audit yet); the dedupe key is in the contracts.
  'test/integration/credential-used.test.ts',
];

export default defineConfig({
  root: here('./client'),
  plugins: [react(), apiDocsAssets(), workerFilesInManifest('asset-manifest.json'), bundleBudget()],
  // The expression preview's worker (client/src/expressions) loads Luxon and jmespath only when an expression
  // needs them: module workers can split chunks, classic ones cannot.
  worker: { format: 'es' },
  build: {
    outDir: here('./dist/client'),
    emptyOutDir: true,
    sourcemap: true,
    // The service worker reads it to keep every chunk, lazy ones included, for offline use.
    manifest: 'asset-manifest.json',
    rolldownOptions: {
      // The service worker is its own entry, served unhashed at /sw.js so its scope is the whole app.
      input: { index: here('./client/index.html'), sw: here('./client/sw/sw.ts') },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  server: {
    // `npm run dev`: the sync server runs on 8787, vite serves the client with hot reload.
    proxy: {
      '/api': 'http://127.0.0.1:8787',
      '/healthz': 'http://127.0.0.1:8787',
      '/sync': { target: 'ws://127.0.0.1:8787', ws: true },
    },
  },
  test: {
    projects: [
      { test: { name: 'shared', root: here('./shared'), environment: 'node', include: ['**/*.test.ts'] } },
      {
        test: {
          name: 'sync-server',
          root: here('./sync-server'),
          environment: 'node',
          include: ['**/*.test.ts'],
          // Several instances at once: `npm run test:cluster` (vitest.cluster.config.ts), after this in .ci/run.
          exclude: ['test/cluster/**', '**/node_modules/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The server's integration suites again, every test server on PostgreSQL (one throwaway
        // server for the run, a copy of a migrated template per test server): the same behaviour
        // on both dialects. The store contracts and upgrade tests run both dialects by themselves.
        test: {
          name: 'sync-server-pg',
          root: here('./sync-server'),
          environment: 'node',
          include: ['test/http/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/hostile/**/*.test.ts'],
          exclude: SQLITE_ONLY_TESTS,
          env: { WEFT_TEST_DATABASE: 'postgres' },
          globalSetup: ['./test/helpers/pg-global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      { test: { name: 'client', root: here('./client'), environment: 'node', include: ['**/*.test.ts'] } },
      // The benchmarks' shared logic (the regression guard of their --quick modes in .ci/run).
      { test: { name: 'bench', root: here('./bench'), environment: 'node', include: ['lib/**/*.test.ts'] } },
      {
        test: {
          name: 'cli',
          root: here('./cli'),
          environment: 'node',
          include: ['**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'engine',
          root: here('./engine'),
          environment: 'node',
          include: ['**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        // The differential tests against n8n 2.41 (installed on first use): the short budget of
        // every node family that is at zero divergence. The long run is `npm run test:n8n-diff`.
        test: {
          name: 'n8n-diff',
          root: here('./engine/test/n8n-diff'),
          environment: 'node',
          include: ['nodes.diff.ts', 'graphs.diff.ts'],
          env: { WEFT_N8N_DIFF_BUDGET: 'short', WEFT_N8N_DIFF_FAMILY: N8N_DIFF_IN_NPM_TEST.join(',') },
          testTimeout: 20 * 60_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
