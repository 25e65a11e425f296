import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:cluster`: several Weft instances on one throwaway PostgreSQL
 * and one Redis — in one process (RoomManagers or whole servers sharing a
 * bus) and as real processes behind a balancer, killed with SIGKILL. Kept
 * out of `npm test` and run after it in .ci/run, one file at a time: these
 * tests measure latencies across instances (live status within 100 ms), which
 * a 2-core machine running the rest of the suite beside them would blur.
 */
export default defineConfig({
  test: {
    name: 'cluster',
    root: fileURLToPath(new URL('./sync-server', import.meta.url)),
    environment: 'node',
    include: ['test/cluster/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
