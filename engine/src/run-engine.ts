import pino from 'pino';
import { EngineClient } from './connection/engine-client.ts';
import { ConfigError, parseEngineConfig, USAGE } from './config.ts';
import { onParentGone, tokenFromParent } from './parent-channel.ts';
import { closePostgresPools } from './nodes/postgres-pool.ts';
import { closeMySqlPools } from './nodes/mysql-pool.ts';

/**
 * `WEFT_ENGINE_TOKEN=T npm run engine -- --server http://127.0.0.1:8787` (or
 * `WEFT_ENGINE_TOKEN_FILE=/run/secrets/weft-engine`): an engine process. The
 * token is best kept off the command line, where every user of the machine
 * can read it; `--token` remains for quick trials. `npm start` runs one as a child of the server; more can join the
 * same server from anywhere that reaches it. Its flags and environment are
 * read in config.ts.
 */

const fail = (message: string): never => {
  process.stderr.write(`weft engine: ${message}\n`);
  process.exit(2);
};

/** Runs an engine until it is stopped; it owns the process (it exits when it stops). */
export const runEngine = async (argv: readonly string[]): Promise<void> => {
  let config;
  try {
    config = parseEngineConfig(argv, process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  if (config === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }

  // Started by a server as its child (it gives the token): leave with it, however it ended (see parent-channel.ts).
  const childOfServer = config.token.from === 'parent';
  let leave = (reason: string): void => {
    process.stderr.write(`weft engine: ${reason}; exiting\n`);
    process.exit(0);
  };
  if (childOfServer) onParentGone(() => leave('the server that started this engine is gone'));

  const { server, concurrency } = config;
  const token =
    config.token.from === 'given'
      ? config.token.token
      : await tokenFromParent().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));

  const logger = pino({ level: config.logLevel, base: { component: 'engine' } });
  const client = new EngineClient({
    server,
    token,
    concurrency,
    engineId: config.engineId,
    filesDir: config.filesDir,
    logger,
    onRefused: () => {
      process.stderr.write(
        `weft engine: ${server} refused the engine token (WEFT_ENGINE_TOKEN / WEFT_ENGINE_TOKEN_FILE must be the server's)\n`,
      );
      process.exit(2);
    },
  });
  await client.start();
  logger.info({ concurrency }, 'engine ready');

  let stopping = false;
  const shutdown = (reason: string, graceMs?: number) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason, running: client.activeJobs }, 'engine stopping');
    void client
      .stop(graceMs)
      // Runs are over: database sessions end politely rather than by the process going away.
      .then(() => Promise.all([closePostgresPools(), closeMySqlPools()]))
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'engine stop failed');
          process.exit(1);
        },
      );
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => shutdown(signal));
  // Runs cannot report to a server that is gone: give them a second, and never more than a few.
  leave = (reason) => {
    setTimeout(() => process.exit(1), 5_000).unref();
    shutdown(reason, 1_000);
  };
};
