import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ENGINE_PARENT_ENV } from '#shared/protocol/engine-child.ts';

/**
 * The engine's configuration: read once from flags and the environment,
 * validated, then passed down. Nothing else in engine/src reads process.env
 * (the sandbox has none to give workflow code, and jobs bring the network
 * policy and run limits with them).
 */

export const USAGE = `Usage: weft engine --server URL [--concurrency N] [--id NAME]
       (npm run engine -- … in the source tree)

An engine process: joins the server at URL and runs its workflows.
  --server URL       the server (or WEFT_SERVER_URL)
  --concurrency N    runs at once, 1–1000 (or WEFT_ENGINE_CONCURRENCY; default 20)
  --id NAME          how the server names this engine (default: host-pid)
  --token TOKEN      the engine token; better WEFT_ENGINE_TOKEN or WEFT_ENGINE_TOKEN_FILE,
                     since a command line is visible to every user of the machine
  --files-dir DIR    the only folder Read/Write Files may use (or WEFT_FILES_DIR; default ./data/files)
Exit codes: 0 stopped, 1 failed, 2 bad usage or configuration.`;

/** Where the engine token comes from; the parent's arrives later, over the channel (parent-channel.ts). */
export type TokenSource = { from: 'parent' } | { from: 'given'; token: string };

/** The same levels, and the same default, as the server's LOG_LEVEL. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Schemes EngineClient can turn into its WebSocket's (http → ws, https → wss). */
const SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:']);

/** A token kept in a file (a container secret): its content, trimmed. */
const tokenFile = z.string().transform((path, ctx) => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: `cannot read WEFT_ENGINE_TOKEN_FILE ${path}: ${error instanceof Error ? error.message : String(error)}`,
    });
    return z.NEVER;
  }
  const token = text.trim();
  if (token === '') {
    ctx.addIssue({ code: 'custom', message: `${path} is empty` });
    return z.NEVER;
  }
  return token;
});

/**
 * Fields in the order problems are reported (only the first is): the server,
 * then the token, then the rest. Every message is the whole line after
 * `weft engine: `.
 */
const schema = z
  .object({
    server: z.string({ error: '--server (or WEFT_SERVER_URL) is required' }).superRefine((server, ctx) => {
      let url: URL;
      try {
        url = new URL(server);
      } catch {
        ctx.addIssue({ code: 'custom', message: `--server ${server} is not a URL` });
        return;
      }
      if (!SCHEMES.has(url.protocol))
        ctx.addIssue({
          code: 'custom',
          message: `--server ${server} is not an http://, https://, ws:// or wss:// URL`,
        });
    }),
    startedByServer: z.boolean(),
    tokenFlag: z.string().min(1, '--token is empty').optional(),
    tokenEnv: z.string().optional(),
    tokenFile: tokenFile.optional(),
    concurrency: z
      .string()
      .trim()
      .regex(/^\d+$/, '--concurrency must be 1–1000')
      .transform(Number)
      .pipe(z.number().int().min(1, '--concurrency must be 1–1000').max(1000, '--concurrency must be 1–1000'))
      // One workflow takes at most half the engines' slots. A run holds its slot while the server stores its
      // start and end too, a few milliseconds under load: with 10 slots one busy webhook workflow left this
      // engine idle three quarters of the time (docs/decisions.md › Performance round 2, webhook throughput).
      .default(20),
    // The server's hello schema takes 1–100 characters.
    engineId: z.string().min(1, '--id must be 1–100 characters').max(100, '--id must be 1–100 characters').optional(),
    // Read/Write Files' folder; the server's child is given DATA_DIR/files (or WEFT_FILES_DIR) with --files-dir.
    filesDir: z
      .string()
      .trim()
      .min(1, '--files-dir is empty')
      .refine((dir) => !dir.includes('\0'), '--files-dir has a NUL character')
      .default('./data/files')
      .transform((dir) => resolve(dir)),
    logLevel: z
      .enum(LOG_LEVELS, {
        error: (issue) =>
          `invalid LOG_LEVEL (got ${JSON.stringify(issue.input)}): must be one of ${LOG_LEVELS.join(', ')}`,
      })
      .default('info'),
  })
  .transform(({ startedByServer, tokenFlag, tokenEnv, tokenFile, engineId, ...rest }, ctx) => {
    const given = tokenFlag ?? tokenEnv ?? tokenFile;
    if (!startedByServer && given === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'WEFT_ENGINE_TOKEN (or WEFT_ENGINE_TOKEN_FILE, or --token) is required',
      });
      return z.NEVER;
    }
    const token: TokenSource =
      startedByServer || given === undefined ? { from: 'parent' } : { from: 'given', token: given };
    return { ...rest, token, engineId: engineId ?? `${hostname()}-${process.pid}` };
  });

export type EngineConfig = z.infer<typeof schema>;

/** Bad usage or configuration: `message` is one line, for `weft engine: <message>` and exit code 2. */
export class ConfigError extends Error {}

/**
 * Flags win over the environment; an empty variable counts as unset. Any
 * problem is one ConfigError; `--help` is `'help'`.
 *
 * @example
 * const config = parseEngineConfig(['--server', 'http://127.0.0.1:8787'], { WEFT_ENGINE_TOKEN: 't' });
 * // { server: 'http://127.0.0.1:8787', token: { from: 'given', token: 't' }, concurrency: 20, … }
 */
export const parseEngineConfig = (
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): EngineConfig | 'help' => {
  let flags;
  try {
    flags = parseArgs({
      args: [...argv],
      options: {
        server: { type: 'string' },
        token: { type: 'string' },
        concurrency: { type: 'string' },
        id: { type: 'string' },
        'files-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new ConfigError(`${error instanceof Error ? error.message : String(error)} (see weft engine --help)`);
  }
  if (flags.help) return 'help';

  const fromEnv = (name: string): string | undefined => env[name] || undefined;
  // The server sets this on the child it starts: that engine asks it for the
  // token over their IPC channel, and whatever token settings it inherited are
  // not read (no file is opened).
  const startedByServer = env[ENGINE_PARENT_ENV] === 'ipc';
  const tokenFlag = startedByServer ? undefined : flags.token;
  const tokenEnv = startedByServer || tokenFlag !== undefined ? undefined : fromEnv('WEFT_ENGINE_TOKEN');
  const parsed = schema.safeParse({
    server: flags.server ?? fromEnv('WEFT_SERVER_URL'),
    startedByServer,
    tokenFlag,
    tokenEnv,
    // Read only when it is the token's source.
    tokenFile:
      startedByServer || tokenFlag !== undefined || tokenEnv !== undefined
        ? undefined
        : fromEnv('WEFT_ENGINE_TOKEN_FILE'),
    concurrency: flags.concurrency ?? fromEnv('WEFT_ENGINE_CONCURRENCY'),
    engineId: flags.id,
    filesDir: flags['files-dir'] ?? fromEnv('WEFT_FILES_DIR'),
    logLevel: fromEnv('LOG_LEVEL'),
  });
  if (!parsed.success) throw new ConfigError(parsed.error.issues[0]?.message ?? 'invalid configuration');
  return parsed.data;
};
