import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { DEFAULT_MAX_REUSE_BYTES, defaultRunLimits } from '#shared/protocol/engine.ts';

/**
 * The sync server's configuration: read once from flags and the environment,
 * validated, then passed down. Nothing else reads process.env.
 */

const int = (min: number, max: number) =>
  z.string().trim().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min).max(max));

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** A comma-separated list; blanks dropped. */
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== ''),
);

/** An IANA zone name Node's Intl knows (Europe/Berlin, UTC). */
const timeZone = z
  .string()
  .trim()
  .max(64)
  .refine((v) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: v });
      return true;
    } catch {
      return false;
    }
  }, 'is not an IANA time zone (such as Europe/Berlin or UTC)');

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/** An entry of WEFT_HTTP_ALLOW / WEFT_HTTP_DENY: an IP address, a CIDR range, a host name or `*.domain`. */
export const isHostEntry = (raw: string): boolean => {
  const entry = raw.toLowerCase().replace(/\.$/, '');
  if (entry.includes('/')) return ipaddr.isValidCIDR(entry);
  const bare = entry.startsWith('[') && entry.endsWith(']') ? entry.slice(1, -1) : entry;
  if (ipaddr.IPv4.isValidFourPartDecimal(bare) || ipaddr.IPv6.isValid(bare)) return true;
  return HOST_NAME.test(entry.startsWith('*.') ? entry.slice(2) : entry);
};

const hostList = list.pipe(
  z
    .array(z.string().max(300))
    .max(1_000)
    .superRefine((entries, ctx) => {
      const bad = entries.find((e) => !isHostEntry(e));
      if (bad !== undefined)
        ctx.addIssue({
          code: 'custom',
          message: `"${bad}" is not an IP address, a CIDR range (10.0.0.0/8), a host name or *.domain`,
        });
    }),
);

/** A server URL with one of `protocols`; the message never repeats it (it may carry a password). */
const serverUrl = (protocols: readonly string[], example: string) =>
  z
    .string()
    .trim()
    .refine((v) => {
      try {
        const url = new URL(v);
        return protocols.includes(url.protocol) && url.hostname !== '';
      } catch {
        return false;
      }
    }, `must be a URL such as ${example}`);

const schema = z.object({
  /** Interface to listen on. */
  host: z.string().trim().min(1).default('127.0.0.1'),
  /** TCP port; 0 picks a free one (printed in the "listening" log line). */
  port: int(0, 65535).default(8787),
  /**
   * A second port serving only /metrics, without a token (docs/SECURITY.md): for a Prometheus beside
   * the server. Unset: none (/metrics on the main port wants an admin's API token).
   */
  metricsPort: int(0, 65535).optional(),
  /** Interface of the metrics port: loopback unless said otherwise. */
  metricsHost: z.string().trim().min(1).default('127.0.0.1'),
  /** Directory for the SQLite database and other state. */
  dataDir: z.string().trim().min(1).default('./data'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest WebSocket frame accepted; a bigger one closes that socket (1009). */
  maxFrameBytes: int(1024, 1024 * 1024 * 1024).default(16 * 1024 * 1024),
  /**
   * Unsent bytes per socket. Past this, a socket that drains nothing for a second is
   * dropped (a reader that stopped reading); past 8× this, any socket is.
   */
  maxBufferedBytes: int(64 * 1024, 1024 * 1024 * 1024).default(2 * 1024 * 1024),
  /** Fold a document's update log into a snapshot once it holds this many updates. */
  compactEvery: int(1, 1_000_000).default(500),
  /** An editing session nobody edited for this many minutes becomes an automatic version (version history). */
  versionIdleMinutes: int(1, 10_080).default(10),
  /** In one-pen mode, the pen is freed after this many minutes without a committed edit (a workflow may set its own). */
  penIdleMinutes: int(1, 240).default(10),
  /** Audit events older than this many days are deleted; 0 keeps them all. */
  auditRetentionDays: int(0, 36_500).default(365),
  /** Cap on the pause between two commits of a busy room (0.1 ms per member up to this); idle rooms commit at once. */
  flushIntervalMs: int(0, 1000).default(4),
  /** Keep an empty room loaded this long, so a quick reconnect does not reload it. */
  roomUnloadMs: int(0, 3_600_000).default(2000),
  /** WebSocket ping interval; a socket that misses a pong for a whole interval is dropped. */
  pingIntervalMs: int(1000, 3_600_000).default(30_000),
  /** `closed`: only the first account (the admin) can sign up; `invite`: also people with an invitation or a join link. The settings page changes it later. */
  signup: z.enum(['open', 'invite', 'closed']).default('open'),
  /** Mark the session cookie Secure (serve over HTTPS, e.g. behind a TLS proxy). */
  cookieSecure: bool.default(false),
  /** SQLite `synchronous`: NORMAL survives a process crash; FULL also fsyncs every commit. */
  dbSynchronous: z.enum(['NORMAL', 'FULL']).default('NORMAL'),
  /** A folder holding the built web app (vite build output); unset: the one this installation carries (http/static.ts). */
  clientDir: z.string().trim().min(1).optional(),
  /** The only folder Read/Write Files may use, handed to the engine child (--files-dir); unset: DATA_DIR/files. */
  filesDir: z.string().trim().min(1).optional(),
  /** Secret engines present on /engine; unset: a random one per start, known only to the child engine. */
  engineToken: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Key credentials are encrypted with (64 hex characters or base64 of 32 bytes); unset: DATA_DIR/encryption.key. */
  encryptionKey: z.string().optional(),
  /** `child`: start one engine process beside the server; `none`: engines join on their own. */
  engine: z.enum(['child', 'none']).default('child'),
  /**
   * Host names (and host:port) the server answers to, besides localhost and IP
   * addresses: a guard against DNS rebinding. `*` turns the check off.
   */
  allowedHosts: list.default([]),
  /**
   * Behind a reverse proxy: take the client's address from X-Forwarded-For
   * (rate limits) and the public host and protocol from X-Forwarded-Host/-Proto
   * (the Host check, the same-origin check, webhook URLs).
   */
  trustProxy: bool.default(false),
  /** Executions of one workflow waiting for an engine; past it, webhooks and runs answer 429. */
  maxQueuedPerWorkflow: int(1, 1_000_000).default(1000),
  /** Reused output bytes one partial run may carry to its engine; past it the run reuses nothing and logs why. */
  maxReuseBytes: int(0, 1024 * 1024 * 1024).default(DEFAULT_MAX_REUSE_BYTES),
  /** Runs of one workflow on the engines at once; 0: half of all engines' slots (at least 1). */
  maxRunningPerWorkflow: int(0, 1_000_000).default(0),
  /** Sub-workflow calls in one chain (A calls B calls C: 2), at most. */
  maxSubworkflowDepth: int(1, 1_000).default(10),
  /** Sub-workflow runs one run may start, all depths together, at most. */
  maxSubworkflowRuns: int(1, 1_000_000).default(1000),
  /** Finished executions older than this many days are deleted in the background (0 keeps them). */
  executionsMaxAgeDays: int(0, 36_500).default(14),
  /** At most this many finished executions are kept, the oldest deleted first (0: no limit). */
  executionsMaxCount: int(0, 100_000_000).default(10_000),
  /** Log-in attempts per account per 15 minutes. */
  loginLimitPerAccount: int(1, 1_000_000).default(10),
  /** Log-in and sign-up attempts per client address per 15 minutes. */
  authLimitPerAddress: int(1, 1_000_000).default(100),
  /** Node runs in one execution: an endless loop stops here ("too many node runs"). */
  maxNodeRuns: int(1, 100_000_000).default(defaultRunLimits.maxNodeRuns),
  /** Items one node run may put out. */
  maxItemsPerNode: int(1, 1_000_000_000).default(defaultRunLimits.maxItemsPerNode),
  /** Items all node runs of one execution may put out together. */
  maxItemsPerExecution: int(1, 1_000_000_000).default(defaultRunLimits.maxItemsPerExecution),
  /** JSON bytes one node run may put out. */
  maxBytesPerNode: int(1024, 4 * 1024 * 1024 * 1024).default(defaultRunLimits.maxBytesPerNode),
  /** JSON bytes of all node runs' inputs and outputs in one execution (what it stores). */
  maxBytesPerExecution: int(1024, 4 * 1024 * 1024 * 1024).default(defaultRunLimits.maxBytesPerExecution),
  /** HTTP Request to private, loopback, link-local, … addresses; unset: `block` when sign-up is open, else `allow`. */
  httpPrivate: z.enum(['allow', 'block']).optional(),
  /** Hosts and ranges HTTP Request may always reach (IP, CIDR, host name, `*.domain`). */
  httpAllow: hostList.default([]),
  /** Hosts and ranges HTTP Request may never reach (unless also allowed). */
  httpDeny: hostList.default([]),
  /** The zone of workflows without one of their own (n8n's "DEFAULT"); unset: the host's zone. */
  timezone: timeZone.optional(),
  /** PostgreSQL instead of DATA_DIR/weft.db: what lets several instances share one database. */
  databaseUrl: serverUrl(['postgres:', 'postgresql:'], 'postgres://user:password@host:5432/weft').optional(),
  /** Redis that instances on one PostgreSQL share rooms (and, later, jobs) through; needs databaseUrl. */
  redisUrl: serverUrl(['redis:', 'rediss:'], 'redis://host:6379').optional(),
  /** SMTP for invitations by email (smtp:// or smtps://, credentials in the URL); unset: no email, links to copy. */
  smtpUrl: serverUrl(['smtp:', 'smtps:'], 'smtps://user:password@mail.example.com:465').optional(),
  /** The sender of Weft's mail, e.g. `Weft <weft@example.com>`. */
  smtpFrom: z.string().trim().min(3).max(200).optional(),
  /** The address people reach Weft at, for links in mail and share links; unset: the request's own. */
  publicUrl: serverUrl(['http:', 'https:'], 'https://weft.example.com').optional(),
  /** Prefix of every Redis key and channel, so two Weft clusters can share one Redis. */
  redisPrefix: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,32}$/, 'must be 1–32 letters, digits, "_", "." or "-"')
    .default('weft'),
});

export type Config = z.infer<typeof schema> & { dbFile: string; filesDir: string };

/** Environment variable (or flag) for each setting, as the README documents them. */
export const configSources: Record<
  keyof z.infer<typeof schema>,
  /** `alias`: another name read when `env` is unset (n8n's, for settings carried over from it). */
  { env: string; flag?: string; alias?: string }
> = {
  host: { env: 'HOST', flag: 'host' },
  port: { env: 'PORT', flag: 'port' },
  metricsPort: { env: 'WEFT_METRICS_PORT' },
  metricsHost: { env: 'WEFT_METRICS_HOST' },
  dataDir: { env: 'DATA_DIR', flag: 'data-dir' },
  logLevel: { env: 'LOG_LEVEL' },
  maxFrameBytes: { env: 'WEFT_MAX_FRAME_BYTES' },
  maxBufferedBytes: { env: 'WEFT_MAX_BUFFERED_BYTES' },
  compactEvery: { env: 'WEFT_COMPACT_EVERY' },
  versionIdleMinutes: { env: 'WEFT_VERSION_IDLE_MINUTES' },
  penIdleMinutes: { env: 'WEFT_PEN_IDLE_MINUTES' },
  auditRetentionDays: { env: 'WEFT_AUDIT_RETENTION_DAYS' },
  flushIntervalMs: { env: 'WEFT_FLUSH_INTERVAL_MS' },
  roomUnloadMs: { env: 'WEFT_ROOM_UNLOAD_MS' },
  pingIntervalMs: { env: 'WEFT_PING_INTERVAL_MS' },
  signup: { env: 'WEFT_SIGNUP' },
  cookieSecure: { env: 'WEFT_COOKIE_SECURE' },
  dbSynchronous: { env: 'WEFT_DB_SYNCHRONOUS' },
  clientDir: { env: 'WEFT_CLIENT_DIR' },
  filesDir: { env: 'WEFT_FILES_DIR', flag: 'files-dir' },
  engineToken: { env: 'WEFT_ENGINE_TOKEN' },
  encryptionKey: { env: 'WEFT_ENCRYPTION_KEY' },
  engine: { env: 'WEFT_ENGINE' },
  allowedHosts: { env: 'WEFT_ALLOWED_HOSTS' },
  trustProxy: { env: 'WEFT_TRUST_PROXY' },
  maxQueuedPerWorkflow: { env: 'WEFT_MAX_QUEUED_PER_WORKFLOW' },
  maxRunningPerWorkflow: { env: 'WEFT_MAX_RUNNING_PER_WORKFLOW' },
  maxReuseBytes: { env: 'WEFT_MAX_REUSE_BYTES' },
  maxSubworkflowDepth: { env: 'WEFT_MAX_SUBWORKFLOW_DEPTH' },
  maxSubworkflowRuns: { env: 'WEFT_MAX_SUBWORKFLOW_RUNS' },
  executionsMaxAgeDays: { env: 'WEFT_EXECUTIONS_MAX_AGE_DAYS' },
  executionsMaxCount: { env: 'WEFT_EXECUTIONS_MAX_COUNT' },
  loginLimitPerAccount: { env: 'WEFT_LOGIN_LIMIT_PER_ACCOUNT' },
  authLimitPerAddress: { env: 'WEFT_AUTH_LIMIT_PER_ADDRESS' },
  maxNodeRuns: { env: 'WEFT_MAX_NODE_RUNS' },
  maxItemsPerNode: { env: 'WEFT_MAX_ITEMS_PER_NODE' },
  maxItemsPerExecution: { env: 'WEFT_MAX_ITEMS_PER_EXECUTION' },
  maxBytesPerNode: { env: 'WEFT_MAX_BYTES_PER_NODE' },
  maxBytesPerExecution: { env: 'WEFT_MAX_BYTES_PER_EXECUTION' },
  httpPrivate: { env: 'WEFT_HTTP_PRIVATE' },
  httpAllow: { env: 'WEFT_HTTP_ALLOW' },
  httpDeny: { env: 'WEFT_HTTP_DENY' },
  timezone: { env: 'WEFT_TIMEZONE', alias: 'GENERIC_TIMEZONE' },
  databaseUrl: { env: 'DATABASE_URL' },
  redisUrl: { env: 'REDIS_URL' },
  redisPrefix: { env: 'WEFT_REDIS_PREFIX' },
  smtpUrl: { env: 'WEFT_SMTP_URL' },
  smtpFrom: { env: 'WEFT_SMTP_FROM' },
  publicUrl: { env: 'WEFT_PUBLIC_URL' },
};

/** Settings whose value may hold a secret: an error names them but does not echo what was given. */
const secret: ReadonlySet<keyof typeof configSources> = new Set([
  'databaseUrl',
  'redisUrl',
  'encryptionKey',
  'engineToken',
  'smtpUrl',
]);

export class ConfigError extends Error {}

export const USAGE = `Usage: weft [serve] [--host HOST] [--port PORT] [--data-dir DIR] [--files-dir DIR]   (from the source tree: npm start -- …)
Environment: ${Object.values(configSources)
  .map((s) => s.env)
  .join(', ')} (see README.md).`;

/** Flags win over the environment; any problem is one ConfigError with one line of text. */
export const loadConfig = (argv: readonly string[], env: Record<string, string | undefined>): Config | 'help' => {
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({
      args: [...argv],
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        'files-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  if (flags.help) return 'help';
  const raw: Record<string, string> = {};
  for (const [key, source] of Object.entries(configSources)) {
    const fromFlag = source.flag ? flags[source.flag] : undefined;
    const value =
      typeof fromFlag === 'string' ? fromFlag : (env[source.env] ?? (source.alias ? env[source.alias] : undefined));
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path[0] as keyof typeof configSources | undefined;
    const source = key ? configSources[key] : undefined;
    const name = source ? (source.flag ? `--${source.flag} / ${source.env}` : source.env) : 'configuration';
    const given = key && !secret.has(key) ? ` (got ${JSON.stringify(raw[key])})` : '';
    throw new ConfigError(`invalid ${name}${given}: ${issue?.message ?? 'invalid value'}`);
  }
  // Without PostgreSQL, each instance has its own SQLite file: sharing rooms through Redis would
  // relay edits between databases that never see each other's commits.
  if (parsed.data.redisUrl !== undefined && parsed.data.databaseUrl === undefined)
    throw new ConfigError('REDIS_URL needs DATABASE_URL=postgres://…: instances share rooms only on one PostgreSQL');
  const dataDir = resolve(parsed.data.dataDir);
  const clientDir = parsed.data.clientDir === undefined ? undefined : resolve(parsed.data.clientDir);
  const filesDir = resolve(parsed.data.filesDir ?? resolve(dataDir, 'files'));
  return { ...parsed.data, dataDir, clientDir, filesDir, dbFile: resolve(dataDir, 'weft.db') };
};
