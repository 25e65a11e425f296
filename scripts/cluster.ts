import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startProcessCluster } from '../sync-server/test/helpers/process-cluster.ts';

/**
 * `npm run cluster [-- --instances N]`: Weft as a cluster on this machine, to
 * try it or measure it — a throwaway PostgreSQL and Redis (Debian's
 * `postgresql` and `redis-server`), N instances each with its own engine,
 * and a round-robin TCP balancer in front. Everything is removed on Ctrl-C.
 */

const { values } = parseArgs({ options: { instances: { type: 'string', default: '3' } } });
const instances = Number(values.instances);
if (!Number.isInteger(instances) || instances < 1 || instances > 16) {
  process.stderr.write('cluster: --instances must be a whole number from 1 to 16\n');
  process.exit(2);
}
const built = fileURLToPath(new URL('../dist/client', import.meta.url));
const cluster = await startProcessCluster({
  instances,
  env: {
    WEFT_ENGINE: 'child',
    // The built web app, when there is one (npm run build); otherwise the API and sync only.
    ...(existsSync(join(built, 'index.html')) ? { WEFT_CLIENT_DIR: built } : {}),
  },
});
const lines = [
  `Weft cluster: ${instances} instance(s) on PostgreSQL ${cluster.databaseUrl} and Redis ${cluster.redis.url}`,
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
