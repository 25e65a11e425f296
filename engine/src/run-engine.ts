import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { hostname } from 'node:os';
import pino from 'pino';
import { EngineClient } from './connection/engine-client.ts';
import { onParentGone, startedByServer, tokenFromParent } from './parent-channel.ts';

/**
 * `WEFT_ENGINE_TOKEN=T npm run engine -- --server http://127.0.0.1:8787` (or
 * `WEFT_ENGINE_TOKEN_FILE=/run/secrets/weft-engine`): an engine process. The
 * token is best kept off the command line, where every user of the machine
 * can read it; `--token` remains for quick trials. `npm start` runs one as a child of the server; more can join the
 * same server from anywhere that reaches it.
 */

const fail = (message: string): never => {
  process.stderr.write(`weft engine: ${message}\n`);
  process.exit(2);
};

/** A token kept in a file (a container secret): its content, trimmed. */
const tokenFromFile = (path: string | undefined): string | undefined => {
  if (!path) return undefined;
  try {
    return readFileSync(path, 'utf8').trim() || fail(`${path} is empty`);
  } catch (error) {
    return fail(
      `cannot read WEFT_ENGINE_TOKEN_FILE ${path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
};

const USAGE = `Usage: weft engine --server URL [--concurrency N] [--id NAME]
       (npm run engine -- … in the source tree)

An engine process: joins the server at URL and runs its workflows.
  --server URL       the server (or WEFT_SERVER_URL)
  --concurrency N    runs at once, 1–1000 (or WEFT_ENGINE_CONCURRENCY; default 10)
  --id NAME          how the server names this engine (default: host-pid)
  --token TOKEN      the engine token; better WEFT_ENGINE_TOKEN or WEFT_ENGINE_TOKEN_FILE,
                     since a command line is visible to every user of the machine
Exit codes: 0 stopped, 1 failed, 2 bad usage or configuration.`;

const parseFlags = (argv: readonly string[]) => {
  try {
    return parseArgs({
      args: [...argv],
      options: {
        server: { type: 'string' },
        token: { type: 'string' },
        concurrency: { type: 'string' },
        id: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : String(error)} (see weft engine --help)`);
  }
};

/** Runs an engine until it is stopped; it owns the process (it exits when it stops). */
export const runEngine = async (argv: readonly string[]): Promise<void> => {
  const values = parseFlags(argv);
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }

  // Started by a server as its child: leave with it, however it ended (see parent-channel.ts).
  const childOfServer = startedByServer();
  let leave = (reason: string): void => {
    process.stderr.write(`weft engine: ${reason}; exiting\n`);
    process.exit(0);
  };
  if (childOfServer) onParentGone(() => leave('the server that started this engine is gone'));

  const server = values.server ?? process.env.WEFT_SERVER_URL ?? fail('--server (or WEFT_SERVER_URL) is required');
  const token = childOfServer
    ? await tokenFromParent().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)))
    : (values.token ??
      (process.env.WEFT_ENGINE_TOKEN || undefined) ??
      tokenFromFile(process.env.WEFT_ENGINE_TOKEN_FILE) ??
      fail('WEFT_ENGINE_TOKEN (or WEFT_ENGINE_TOKEN_FILE, or --token) is required'));
  const concurrency = Number(values.concurrency ?? process.env.WEFT_ENGINE_CONCURRENCY ?? 10);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1000) fail('--concurrency must be 1–1000');
  try {
    new URL(server);
  } catch {
    fail(`--server ${server} is not a URL`);
  }

  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { component: 'engine' } });
  const client = new EngineClient({
    server,
    token,
    concurrency,
    engineId: values.id ?? `${hostname()}-${process.pid}`,
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
    void client.stop(graceMs).then(
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
