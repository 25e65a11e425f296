import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import mysql from 'mysql2/promise';
import type { AllowedTarget } from '../net/connect-policy.ts';
import type { Credential } from '../runner/types.ts';

/**
 * One small pool per MySQL login per engine process, as postgres-pool.ts
 * for PostgreSQL: connections are reused across runs, no credential takes
 * more than MAX connections of its server, and the pool connects to the
 * address the connect policy checked (TLS keeps the name for SNI and the
 * certificate check). A connection handed back is reset (COM_RESET_CONNECTION:
 * session variables, temporary tables, an open transaction and prepared
 * statements do not reach the next run).
 */

type MySql = Extract<Credential, { type: 'mysql' }>;

const MAX = 4;
const IDLE_MS = 10_000;
const MAX_POOLS = 64;
/** Statements one connection keeps prepared (mysql2's default, 16,000, would hold the server's memory). */
const MAX_PREPARED = 64;

const pools = new Map<string, mysql.Pool>();
const configs = new WeakMap<mysql.Pool, mysql.ConnectionOptions>();

const sslOf = (c: MySql, target: AllowedTarget): mysql.SslOptions | undefined => {
  if (!c.ssl) return undefined;
  const servername = isIP(target.host) === 0 ? { servername: target.host } : {};
  return { ...servername, rejectUnauthorized: !c.allowUnauthorizedCerts };
};

/** How numbers come out is chosen per statement (the node's options), so it does not split a login's pool. */
export const mysqlPoolFor = (c: MySql, target: AllowedTarget, connectTimeoutMs: number): mysql.Pool => {
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
        connectTimeoutMs,
      ]),
    )
    .digest('hex');
  const found = pools.get(key);
  if (found) return found;
  const ssl = sslOf(c, target);
  // As n8n's transport (2.1 and later): dates as the server's text, BIGINT beyond 2^53 as text.
  const config: mysql.ConnectionOptions = {
    host: target.address,
    port: target.port,
    database: c.database,
    user: c.user,
    password: c.password,
    ...(ssl ? { ssl } : {}),
    connectTimeout: connectTimeoutMs,
    multipleStatements: false,
    supportBigNumbers: true,
    dateStrings: true,
    maxPreparedStatements: MAX_PREPARED,
    connectAttributes: { program_name: 'weft' },
  };
  const pool = mysql.createPool({
    ...config,
    connectionLimit: MAX,
    maxIdle: 0,
    idleTimeout: IDLE_MS,
    enableKeepAlive: true,
    resetOnRelease: true,
  });
  // A socket that dies while a run holds its connection must not become an unhandled 'error' event (once per connection).
  pool.on('connection', (connection) => {
    (connection as unknown as NodeJS.EventEmitter).on('error', () => undefined);
  });
  pools.set(key, pool);
  configs.set(pool, config);
  if (pools.size > MAX_POOLS) {
    const [oldestKey, oldest] = pools.entries().next().value as [string, mysql.Pool];
    pools.delete(oldestKey);
    oldest.end().catch(() => undefined);
  }
  return pool;
};

/**
 * Stops the statement a pooled connection is running (KILL QUERY over a
 * connection of its own, as the same login, which may kill its own
 * threads): closing the socket alone leaves the server running it. False
 * when it could not be sent.
 */
export const killRunning = async (pool: mysql.Pool, threadId: number): Promise<boolean> => {
  const config = configs.get(pool);
  if (!config) return false;
  let side: mysql.Connection | undefined;
  try {
    side = await mysql.createConnection(config);
    side.on('error', () => undefined);
    await side.query('KILL QUERY ?', [threadId]);
    return true;
  } catch {
    return false;
  } finally {
    await side?.end().catch(() => undefined);
  }
};

/** Closes every pool (tests; engine shutdown). */
export const closeMySqlPools = async (): Promise<void> => {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.end().catch(() => undefined)));
};
