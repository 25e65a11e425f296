import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { join } from 'node:path';
import { loadEncryptionKey } from './credentials/encryption-key.ts';
import { acquireDataDirLock } from './admin/data-dir-lock.ts';
import { startEngineChild } from './engine-child.ts';
import { stopRequested } from './stop-requests.ts';
import type { Logger } from '#shared/log.ts';
import { ConfigError, loadConfig, USAGE } from './config.ts';
import { createSyncServer } from './server.ts';
import { InstanceConflictError } from './db/pg-session.ts';
import { EncryptionKeyMismatchError } from './credentials/cipher.ts';
import { postgresLabel } from './db/postgres-label.ts';

/**
 * `npm start` and `weft serve` land here: read the configuration, open the
 * database (applying migrations), serve, and shut down cleanly on
 * SIGINT/SIGTERM/SIGHUP or when the launcher that started it is gone (see
 * stop-requests.ts). It owns the process: it exits when the server stops.
 */
export const serve = async (argv: readonly string[]): Promise<void> => {
  let config;
  try {
    config = loadConfig(argv, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`weft: ${error.message} (see --help)\n`);
      process.exit(2);
    }
    throw error;
  }
  if (config === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  // One process owns a data directory at a time: this server, or a `weft restore` / `weft migrate`.
  let lock;
  try {
    lock = acquireDataDirLock(config.dataDir, 'weft serve');
  } catch (error) {
    process.stderr.write(`weft: cannot use the data directory ${config.dataDir}: ${(error as Error).message}\n`);
    process.exit(1);
  }
  if (!lock) {
    process.stderr.write(`weft: another Weft server (or weft restore/migrate) is using ${config.dataDir}\n`);
    // 6, "conflict", as in the command line's exit-code table.
    process.exit(6);
  }
  let encryptionKey: Buffer;
  try {
    encryptionKey = loadEncryptionKey(config.encryptionKey, join(config.dataDir, 'encryption.key'));
  } catch (error) {
    process.stderr.write(`weft: invalid WEFT_ENCRYPTION_KEY or key file: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const logger: Logger = pino({ level: config.logLevel, base: { service: 'weft' } });
  // Listening from here on: a request that comes during start-up is served right after it.
  const stopReason = stopRequested(logger);
  let server;
  try {
    // Without a configured token, only the child engine (told the token at start) can join.
    server = await createSyncServer({
      config: {
        ...config,
        engineToken: config.engineToken ?? randomBytes(24).toString('base64url'),
        encryptionKey,
        penIdleMs: config.penIdleMinutes * 60_000,
      },
      logger,
    });
  } catch (error) {
    // DATABASE_URL may hold a password: name the database by its host and name only.
    const where = config.databaseUrl === undefined ? config.dbFile : postgresLabel(config.databaseUrl);
    logger.error({ err: error, database: where }, 'could not open the database');
    if (error instanceof EncryptionKeyMismatchError) {
      process.stderr.write(`weft: ${error.message}\n`);
      process.exit(2);
    }
    if (error instanceof InstanceConflictError) {
      process.stderr.write(`weft: cannot use the database ${where}: ${error.message}\n`);
      process.exit(6);
    }
    process.stderr.write(`weft: could not open the database ${where}: ${(error as Error).message}\n`);
    process.exit(1);
  }
  let address;
  try {
    address = await server.listen();
  } catch (error) {
    logger.error({ err: error, host: config.host, port: config.port }, 'could not listen');
    // The log line is for the log; a person at a terminal gets one sentence.
    const code = (error as { code?: unknown }).code;
    const why =
      code === 'EADDRINUSE'
        ? 'the port is in use (another Weft, or another program)'
        : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
          ? 'no such address on this machine'
          : code === 'EACCES'
            ? 'not allowed (ports below 1024 need privileges)'
            : (error as Error).message;
    // Node names the address that failed: the main port's or the metrics port's (WEFT_METRICS_PORT).
    const failed = error as { address?: unknown; port?: unknown };
    const where =
      typeof failed.address === 'string' && typeof failed.port === 'number'
        ? `${failed.address}:${String(failed.port)}`
        : `${config.host}:${config.port}`;
    process.stderr.write(`weft: cannot listen on ${where}: ${why}\n`);
    await server.close();
    process.exit(1);
  }
  logger.info(
    {
      host: address.host,
      port: address.port,
      url: `http://${address.host}:${address.port}`,
      dataDir: config.dataDir,
      database: config.databaseUrl === undefined ? config.dbFile : postgresLabel(config.databaseUrl),
      instanceId: server.instanceId,
      ...(config.redisUrl === undefined ? {} : { cluster: true }),
      ...(address.metricsPort === undefined
        ? {}
        : { metrics: `http://${config.metricsHost}:${address.metricsPort}/metrics` }),
    },
    'listening',
  );

  if (config.engine === 'none' && !config.engineToken) {
    logger.warn({}, 'WEFT_ENGINE=none without WEFT_ENGINE_TOKEN: no engine can join, so runs will wait');
  }
  const engine =
    config.engine === 'child'
      ? startEngineChild({
          server: `http://${address.host === '0.0.0.0' ? '127.0.0.1' : address.host}:${address.port}`,
          token: config.engineToken ?? server.engineToken,
          env: process.env,
          filesDir: config.filesDir,
          logger: logger.child({ component: 'engine-child' }),
        })
      : undefined;

  const reason = await stopReason;
  logger.info({ reason }, 'shutting down');
  try {
    await engine?.stop();
    await server.close();
    lock.release();
  } catch (error) {
    logger.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
  logger.info({}, 'stopped');
  process.exit(0);
};
