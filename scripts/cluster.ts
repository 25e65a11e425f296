import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startProcessCluster } from '../sync-server/test/helpers/process-cluster.ts';

/**
 * `npm run cluster [-- --instances N] [--engines M]`: Weft as a cluster on
 * this machine, to try it or measure it — a throwaway PostgreSQL and Redis
 * (Debian's `postgresql` and `redis-server`), N instances, M engines spread
 * over them (default: each instance its own engine child, as `npm start`),
 * and a round-robin TCP balancer in front. Everything is removed on Ctrl-C.
 */

const { values } = parseArgs({ options: { instances: { type: 'string', default: '3' }, engines: { type: 'string' } } });
const wholeNumber = (name: string, raw: string, max: number): number => {
  const n = Number(raw);
  if (Number.isInteger(n) && n >= 0 && n <= max) return n;
  process.stderr.write(`cluster: --${name} must be a whole number from 0 to ${max}\n`);
  process.exit(2);
};
const instances = Math.max(1, wholeNumber('instances', values.instances, 16));
const engines = values.engines === undefined ? undefined : wholeNumber('engines', values.engines, 32);
const built = fileURLToPath(new URL('../dist/client', import.meta.url));
const cluster = await startProcessCluster({
  instances,
  env: {
    WEFT_ENGINE: engines === undefined ? 'child' : 'none',
    // The built web app, when there is one (npm run build); otherwise the API and sync only.
    ...(existsSync(join(built, 'index.html')) ? { WEFT_CLIENT_DIR: built } : {}),
  },
});
for (let i = 0; i < (engines ?? 0); i++) await cluster.engineOn(i % instances);
const lines = [
  `Weft cluster: ${instances} instance(s), ${engines ?? instances} engine(s), PostgreSQL ${cluster.databaseUrl}, Redis ${cluster.redis.url}`,
  `  balancer   ${cluster.balancer.url}   (open this one)`,
  ...cluster.instances.map((s, i) => `  instance ${i} ${s?.baseUrl ?? '(down)'}`),
  'Ctrl-C stops everything and removes its data.',
];
process.stdout.write(`${lines.join('\n')}\n`);
await new Promise<void>((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
await cluster.stop();
process.exit(0);
