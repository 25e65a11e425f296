import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { startEngine, stopEngine, TEST_ENGINE_TOKEN } from './engine-process.ts';
import { startPostgres, type ThrowawayPostgres } from '../../../shared/test/support/throwaway-postgres.ts';
import { startRedis, type ThrowawayRedis } from './redis.ts';
import { spawnServer, type SpawnedServer } from './spawn-server.ts';
import { startTcpBalancer, type TcpBalancer } from './tcp-balancer.ts';
import { tempDir } from './temp-dir.ts';

/**
 * A Weft cluster of real processes on this machine, for the cluster tests,
 * `npm run cluster` and bench:cluster: a throwaway PostgreSQL and Redis,
 * N instances (`sync-server/src/main.ts`, each its own DATA_DIR and port,
 * one shared credential key and engine token), engines attached to chosen
 * instances, and a TCP balancer in front. Instances can be killed (-9) and
 * started again on the same port and data directory.
 */
export interface ProcessCluster {
  postgres: ThrowawayPostgres;
  redis: ThrowawayRedis;
  databaseUrl: string;
  balancer: TcpBalancer;
  /** Index → the running instance, undefined while it is down. */
  readonly instances: (SpawnedServer | undefined)[];
  /** The instance at `index`, which must be up. */
  instance(index: number): SpawnedServer;
  kill(index: number, signal?: NodeJS.Signals): Promise<void>;
  restart(index: number): Promise<SpawnedServer>;
  /** A real engine joined to the instance at `index` (stopped with the cluster). */
  engineOn(index: number): Promise<ChildProcess>;
  /** A SQL query on the cluster's database. */
  sql<T extends pg.QueryResultRow>(text: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

/** 32 bytes in hex: every instance must encrypt credentials with the same key. */
const CLUSTER_KEY = '7'.repeat(64);

export const startProcessCluster = async ({
  instances: count = 3,
  env = {},
}: {
  instances?: number;
  /** More environment for every instance (WEFT_ENGINE=child gives each its own engine). */
  env?: Record<string, string>;
} = {}): Promise<ProcessCluster> => {
  const postgres = await startPostgres();
  const redis = await startRedis();
  const admin = new pg.Client({ connectionString: postgres.urlFor('postgres') });
  await admin.connect();
  await admin.query('create database weft_cluster');
  await admin.end();
  const databaseUrl = postgres.urlFor('weft_cluster');
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const dirs = Array.from({ length: count }, () => tempDir());
  const ports: number[] = [];
  const instances: (SpawnedServer | undefined)[] = [];
  const engines: ChildProcess[] = [];
  const spawnAt = async (index: number, port?: number) => {
    const dir = dirs[index];
    if (!dir) throw new Error(`no instance ${index}`);
    const server = await spawnServer(dir.path, {
      ...(port === undefined ? {} : { port }),
      env: {
        DATABASE_URL: databaseUrl,
        REDIS_URL: redis.url,
        WEFT_ENCRYPTION_KEY: CLUSTER_KEY,
        WEFT_ENGINE: 'none',
        WEFT_ENGINE_TOKEN: TEST_ENGINE_TOKEN,
        ...env,
      },
    });
    instances[index] = server;
    ports[index] = server.port;
    return server;
  };
  let balancer: TcpBalancer;
  try {
    // One at a time the first time: they migrate under one lock anyway, and their logs stay readable.
    for (let i = 0; i < count; i++) await spawnAt(i);
    balancer = await startTcpBalancer(() => ports.filter((_, i) => instances[i] !== undefined));
  } catch (error) {
    // Nothing outlives a cluster that did not start.
    for (const server of instances) server?.child.kill('SIGKILL');
    await pool.end();
    await redis.stop();
    await postgres.stop();
    for (const dir of dirs) dir.remove();
    throw error;
  }

  const kill = async (index: number, signal: NodeJS.Signals = 'SIGKILL') => {
    const server = instances[index];
    if (!server) return;
    instances[index] = undefined;
    server.child.kill(signal);
    await server.exited;
  };
  return {
    postgres,
    redis,
    databaseUrl,
    balancer,
    instances,
    instance: (index) => {
      const server = instances[index];
      if (!server) throw new Error(`instance ${index} is down`);
      return server;
    },
    kill,
    restart: (index) => spawnAt(index, ports[index]),
    engineOn: async (index) => {
      const server = instances[index];
      if (!server) throw new Error(`instance ${index} is down`);
      const engine = await startEngine(server.baseUrl);
      engines.push(engine);
      return engine;
    },
    sql: async <T extends pg.QueryResultRow>(text: string, params: unknown[] = []) =>
      (await pool.query<T>(text, params)).rows,
    stop: async () => {
      await Promise.all(engines.map((e) => stopEngine(e)));
      await Promise.all(instances.map((_, i) => kill(i, 'SIGTERM')));
      await balancer.close();
      await pool.end();
      await redis.stop();
      await postgres.stop();
      for (const dir of dirs) dir.remove();
    },
  };
};
