import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { runPolicyOf } from './executions/run-policy.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

describe('configuration', () => {
  it('defaults to 127.0.0.1:8787 and ./data; flags override the environment', () => {
    const defaults = loadConfig([], {});
    expect(defaults).toMatchObject({ host: '127.0.0.1', port: 8787 });
    expect(defaults !== 'help' && defaults.dbFile.endsWith('/data/weft.db')).toBe(true);
    const both = loadConfig(['--port', '9001', '--data-dir', '/tmp/weft-x'], { PORT: '9000', HOST: '0.0.0.0' });
    expect(both).toMatchObject({ host: '0.0.0.0', port: 9001, dbFile: '/tmp/weft-x/weft.db' });
  });

  it("Read/Write Files' folder: DATA_DIR/files, or WEFT_FILES_DIR / --files-dir, made absolute", () => {
    const filesDir = (argv: string[], env: Record<string, string>): string =>
      (loadConfig(argv, env) as Config).filesDir;
    expect(filesDir([], {})).toBe(resolve('./data/files'));
    expect(filesDir([], { DATA_DIR: '/srv/weft' })).toBe('/srv/weft/files');
    expect(filesDir([], { DATA_DIR: '/srv/weft', WEFT_FILES_DIR: 'shared' })).toBe(resolve('shared'));
    expect(filesDir(['--files-dir', '/mnt/files'], { WEFT_FILES_DIR: '/elsewhere' })).toBe('/mnt/files');
  });

  it('names the bad setting and what was given', () => {
    expect(() => loadConfig(['--port', 'abc'], {})).toThrow(ConfigError);
    expect(() => loadConfig([], { PORT: '70000' })).toThrow(/--port \/ PORT \(got "70000"\)/);
    expect(() => loadConfig(['--nope'], {})).toThrow(ConfigError);
  });

  it('DATABASE_URL selects PostgreSQL, REDIS_URL needs it; a bad URL is named but never echoed (it may hold a password)', () => {
    expect(loadConfig([], {})).toMatchObject({ redisPrefix: 'weft' });
    expect((loadConfig([], {}) as Config).databaseUrl).toBeUndefined();
    const pg = loadConfig([], {
      DATABASE_URL: 'postgres://weft:s3cret@db.internal:5432/weft',
      REDIS_URL: 'redis://cache:6379/0',
      WEFT_REDIS_PREFIX: 'acme',
    });
    expect(pg).toMatchObject({
      databaseUrl: 'postgres://weft:s3cret@db.internal:5432/weft',
      redisUrl: 'redis://cache:6379/0',
      redisPrefix: 'acme',
    });
    expect(() => loadConfig([], { REDIS_URL: 'redis://cache:6379' })).toThrow(/REDIS_URL needs DATABASE_URL/);
    for (const bad of ['mysql://root:hunter2@db/weft', 'postgres://', 'hunter2'])
      expect(() => loadConfig([], { DATABASE_URL: bad })).toThrow(
        /^invalid DATABASE_URL: must be a URL such as postgres:/,
      );
    try {
      loadConfig([], { DATABASE_URL: 'mysql://root:hunter2@db/weft' });
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
    expect(() => loadConfig([], { DATABASE_URL: 'postgres://db/w', REDIS_URL: 'http://cache' })).toThrow(/REDIS_URL/);
    expect(() => loadConfig([], { WEFT_REDIS_PREFIX: 'a b' })).toThrow(/WEFT_REDIS_PREFIX/);
  });

  it('bad configuration: one clear line on stderr and exit code 2, nothing started', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', MAIN, '--port', 'not-a-port'], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, DATA_DIR: '/nonexistent-weft-dir' },
    });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^weft: invalid --port \/ PORT \(got "not-a-port"\)/);
  });

  it('run budgets and the network policy: documented defaults, lists of hosts and ranges, one clear line for a bad entry', () => {
    const defaults = loadConfig([], {}) as Config;
    expect(defaults).toMatchObject({
      maxNodeRuns: 10_000,
      maxItemsPerNode: 100_000,
      maxItemsPerExecution: 1_000_000,
      maxBytesPerNode: 16 * 1048576,
      maxBytesPerExecution: 48 * 1048576,
      httpAllow: [],
      httpDeny: [],
    });
    expect(defaults.httpPrivate).toBeUndefined();
    const set = loadConfig([], {
      WEFT_MAX_NODE_RUNS: '500',
      WEFT_HTTP_PRIVATE: 'allow',
      WEFT_HTTP_ALLOW: '10.0.0.0/8, internal.example.com,*.corp.example,[::1], 127.0.0.1',
      WEFT_HTTP_DENY: '10.0.0.5',
    });
    expect(set).toMatchObject({
      maxNodeRuns: 500,
      httpPrivate: 'allow',
      httpAllow: ['10.0.0.0/8', 'internal.example.com', '*.corp.example', '[::1]', '127.0.0.1'],
      httpDeny: ['10.0.0.5'],
    });
    expect(() => loadConfig([], { WEFT_HTTP_ALLOW: '10.0.0.0/8,http://x' })).toThrow(
      /^invalid WEFT_HTTP_ALLOW \(got "10.0.0.0\/8,http:\/\/x"\): "http:\/\/x" is not an IP address, a CIDR range/,
    );
    expect(() => loadConfig([], { WEFT_HTTP_DENY: '10.0.0.0/40' })).toThrow(/invalid WEFT_HTTP_DENY/);
    expect(() => loadConfig([], { WEFT_HTTP_PRIVATE: 'maybe' })).toThrow(/invalid WEFT_HTTP_PRIVATE/);
    expect(() => loadConfig([], { WEFT_MAX_NODE_RUNS: '0' })).toThrow(/invalid WEFT_MAX_NODE_RUNS/);
  });

  it('private addresses are blocked by default while sign-up is open, reachable when it is closed; the setting wins', () => {
    const policy = (env: Record<string, string>) => runPolicyOf(loadConfig([], env) as Config).network;
    expect(policy({})).toEqual({ privateAddresses: 'block', allow: [], deny: [] });
    expect(policy({ WEFT_SIGNUP: 'closed' }).privateAddresses).toBe('allow');
    expect(policy({ WEFT_SIGNUP: 'closed', WEFT_HTTP_PRIVATE: 'block' }).privateAddresses).toBe('block');
    expect(policy({ WEFT_HTTP_PRIVATE: 'allow' }).privateAddresses).toBe('allow');
    expect(runPolicyOf({ signup: 'open', maxNodeRuns: 7 }).limits).toMatchObject({
      maxNodeRuns: 7,
      maxItemsPerNode: 100_000,
    });
  });

  it("workflows without a zone run in WEFT_TIMEZONE (or n8n's GENERIC_TIMEZONE), else the host's zone", () => {
    const zone = (env: Record<string, string>) => runPolicyOf(loadConfig([], env) as Config).timezone;
    expect(zone({ WEFT_TIMEZONE: 'Europe/Berlin' })).toBe('Europe/Berlin');
    expect(zone({ GENERIC_TIMEZONE: 'Asia/Kolkata' })).toBe('Asia/Kolkata');
    expect(zone({ WEFT_TIMEZONE: 'UTC', GENERIC_TIMEZONE: 'Asia/Kolkata' })).toBe('UTC');
    expect(zone({})).toBe(new Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(() => loadConfig([], { WEFT_TIMEZONE: 'Mars/Olympus' })).toThrow(
      /^invalid WEFT_TIMEZONE \(got "Mars\/Olympus"\): is not an IANA time zone/,
    );
  });
});
