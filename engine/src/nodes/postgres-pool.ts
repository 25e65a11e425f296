import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import pg from 'pg';
import type { AllowedTarget } from '../net/connect-policy.ts';
import type { Credential } from '../runner/types.ts';

/**
 * One small pool per database login per engine process: a workflow that
 * runs every minute reuses its connections instead of opening one per run,
 * and no credential can take more than MAX connections of its server. The
 * pool connects to the address the connect policy checked, never to the
 * name again; TLS keeps the name for SNI and the certificate check.
 */

type Postgres = Extract<Credential, { type: 'postgres' }>;

const MAX = 4;
const IDLE_MS = 10_000;
/** Logins kept at once; the oldest pool is closed past this. */
const MAX_POOLS = 64;

const pools = new Map<string, pg.Pool>();
const configs = new WeakMap<pg.Pool, pg.ClientConfig>();

/** As n8n's transport: "Ignore SSL issues" turns TLS on (unchecked) whatever the SSL mode says. */
const sslOf = (c: Postgres, target: AllowedTarget): pg.PoolConfig['ssl'] => {
  const servername = isIP(target.host) === 0 ? { servername: target.host } : {};
  if (c.allowUnauthorizedCerts) return { ...servername, rejectUnauthorized: false };
  if (c.ssl === 'disable') return false;
  return { ...servername, rejectUnauthorized: true };
};

export const poolFor = (c: Postgres, target: AllowedTarget, connectionTimeoutMs: number): pg.Pool => {
  const key = createHash('sha256')
    .update(
      JSON.stringify([
        target.host,
        target.address,
        target.port,
        c.database,
        c.user,
        c.password,
        c.ssl,
        c.allowUnauthorizedCerts,
        connectionTimeoutMs,
      ]),
    )
    .digest('hex');
  const found = pools.get(key);
  if (found) return found;
  const config: pg.ClientConfig = {
    host: target.address,
    port: target.port,
    database: c.database,
    user: c.user,
    password: c.password,
    ssl: sslOf(c, target),
    application_name: 'weft',
    connectionTimeoutMillis: connectionTimeoutMs,
  };
  const pool = new pg.Pool({
    ...config,
    max: MAX,
    idleTimeoutMillis: IDLE_MS,
    keepAlive: true,
    allowExitOnIdle: true,
  });
  // An idle connection that dies (server restart) must not take the engine with it; the pool drops it.
  pool.on('error', () => undefined);
  pools.set(key, pool);
  configs.set(pool, config);
  if (pools.size > MAX_POOLS) {
    const [oldestKey, oldest] = pools.entries().next().value as [string, pg.Pool];
    pools.delete(oldestKey);
    oldest.end().catch(() => undefined);
  }
  return pool;
};

/**
 * Stops what a pooled connection is running. Closing the connection is not
 * enough: PostgreSQL notices a gone client only when it next writes to it,
 * so a long query would run on. The cancel goes over a connection of its
 * own (the pool's may all be busy), as the same login, which may cancel
 * its own backends. False when it could not be sent.
 */
export const cancelRunning = async (pool: pg.Pool, client: pg.PoolClient): Promise<boolean> => {
  const pid = (client as unknown as { processID?: unknown }).processID;
  const config = configs.get(pool);
  if (typeof pid !== 'number' || !config) return false;
  const side = new pg.Client(config);
  side.on('error', () => undefined);
  try {
    await side.connect();
    const result = await side.query<{ done: boolean }>('SELECT pg_cancel_backend($1) AS done', [pid]);
    return result.rows[0]?.done === true;
  } catch {
    return false;
  } finally {
    await side.end().catch(() => undefined);
  }
};

/** Closes every pool (tests; engine shutdown). */
export const closePostgresPools = async (): Promise<void> => {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.end().catch(() => undefined)));
};
