import { parseArgs } from 'node:util';
import { hostname } from 'node:os';
import pino from 'pino';
import { EngineClient } from './connection/engine-client.ts';

/**
 * `npm run engine -- --server http://127.0.0.1:8787 --token T`: an engine
 * process. `npm start` runs one as a child of the server; more can join the
 * same server from anywhere that reaches it.
 */

const fail = (message: string): never => {
  process.stderr.write(`weft engine: ${message}\n`);
  process.exit(2);
};

const { values } = parseArgs({
  options: {
    server: { type: 'string' },
    token: { type: 'string' },
    concurrency: { type: 'string' },
    id: { type: 'string' },
  },
  strict: true,
});

const server = values.server ?? process.env.WEFT_SERVER_URL ?? fail('--server (or WEFT_SERVER_URL) is required');
const token = values.token ?? process.env.WEFT_ENGINE_TOKEN ?? fail('--token (or WEFT_ENGINE_TOKEN) is required');
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
});
await client.start();
logger.info({ concurrency }, 'engine ready');

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal, running: client.activeJobs }, 'engine stopping');
  void client.stop().then(() => process.exit(0));
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
// Started by a server as its child: leave with it, even if it was killed without a chance to stop us.
const parent = Number(process.env.WEFT_ENGINE_PARENT_PID);
if (Number.isInteger(parent) && parent > 0) {
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      shutdown('parent gone');
    }
  }, 1_000).unref();
}
process.on('SIGINT', () => shutdown('SIGINT'));
