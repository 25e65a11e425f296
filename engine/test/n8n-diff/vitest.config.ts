import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:n8n-diff`: the differential tests against n8n's own engine.
 * Their files end in `.diff.ts`, so `npm test` (which runs `*.test.ts`) does
 * not pick them up: they find divergences that later work fixes, and CI must
 * stay green meanwhile. Budgets and seeds: budget.ts.
 */
export default defineConfig({
  test: {
    name: 'n8n-diff',
    root: fileURLToPath(new URL('.', import.meta.url)),
    environment: 'node',
    include: ['**/*.diff.ts'],
    testTimeout: 6 * 60 * 60 * 1000,
    hookTimeout: 300_000,
    // One reference process per file; files run one after another on a 2-core machine.
    fileParallelism: false,
  },
});
