import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ENGINE_PARENT_ENV } from '#shared/protocol/engine-child.ts';
import { ConfigError, parseEngineConfig, USAGE, type EngineConfig } from '../src/config.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const SERVER = 'http://127.0.0.1:8787';
const ON_ITS_OWN = { WEFT_SERVER_URL: SERVER, WEFT_ENGINE_TOKEN: 'env-token' };

const dir = mkdtempSync(join(tmpdir(), 'weft-engine-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = (argv: string[], env: Record<string, string>): EngineConfig => {
  const parsed = parseEngineConfig(argv, env);
  if (parsed === 'help') throw new Error('expected a configuration, got help');
  return parsed;
};

/** The one line a bad configuration gives, after `weft engine: `. */
const problem = (argv: string[], env: Record<string, string>): string => {
  try {
    parseEngineConfig(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('engine configuration', () => {
  it('defaults: 20 runs at once, log level info, named host-pid', () => {
    expect(config([], ON_ITS_OWN)).toEqual({
      server: SERVER,
      token: { from: 'given', token: 'env-token' },
      concurrency: 20,
      logLevel: 'info',
      engineId: `${hostname()}-${process.pid}`,
      filesDir: resolve('./data/files'),
    });
  });

  it('the files folder: --files-dir over WEFT_FILES_DIR, made absolute; empty or with a NUL byte is refused', () => {
    expect(config([], { ...ON_ITS_OWN, WEFT_FILES_DIR: '/srv/weft/files' }).filesDir).toBe('/srv/weft/files');
    expect(config(['--files-dir', 'shared'], { ...ON_ITS_OWN, WEFT_FILES_DIR: '/srv/x' }).filesDir).toBe(
      resolve('shared'),
    );
    expect(problem(['--files-dir', ' '], ON_ITS_OWN)).toBe('--files-dir is empty');
    expect(problem(['--files-dir', 'a\0b'], ON_ITS_OWN)).toBe('--files-dir has a NUL character');
  });

  it('flags beat the environment', () => {
    const env = { ...ON_ITS_OWN, WEFT_ENGINE_CONCURRENCY: '5', LOG_LEVEL: 'warn' };
    expect(config([], env)).toMatchObject({ concurrency: 5, logLevel: 'warn' });
    expect(
      config(
        ['--server', 'https://weft.example.com', '--token', 'flag-token', '--concurrency', '1000', '--id', 'e1'],
        env,
      ),
    ).toMatchObject({
      server: 'https://weft.example.com',
      token: { from: 'given', token: 'flag-token' },
      concurrency: 1000,
      engineId: 'e1',
    });
  });

  it('an empty variable counts as unset', () => {
    expect(config([], { ...ON_ITS_OWN, WEFT_ENGINE_CONCURRENCY: '', LOG_LEVEL: '' })).toMatchObject({
      concurrency: 20,
      logLevel: 'info',
    });
    expect(problem([], { ...ON_ITS_OWN, WEFT_SERVER_URL: '' })).toBe('--server (or WEFT_SERVER_URL) is required');
  });

  it.each(['0', '1001', 'abc', '1.5', '-3', '1e2', ''])(
    '--concurrency %j is refused, from a flag or the environment',
    (bad) => {
      expect(problem([`--concurrency=${bad}`], ON_ITS_OWN)).toBe('--concurrency must be 1–1000');
      if (bad !== '')
        expect(problem([], { ...ON_ITS_OWN, WEFT_ENGINE_CONCURRENCY: bad })).toBe('--concurrency must be 1–1000');
    },
  );

  it('accepts the bounds of --concurrency', () => {
    expect(config(['--concurrency', '1'], ON_ITS_OWN).concurrency).toBe(1);
    expect(config([], { ...ON_ITS_OWN, WEFT_ENGINE_CONCURRENCY: ' 1000 ' }).concurrency).toBe(1000);
  });

  it('the server is required and must be an http(s) or ws(s) URL', () => {
    expect(problem([], { WEFT_ENGINE_TOKEN: 't' })).toBe('--server (or WEFT_SERVER_URL) is required');
    expect(problem(['--server', 'not a url'], ON_ITS_OWN)).toBe('--server not a url is not a URL');
    // `localhost:8787` parses, as a URL of scheme "localhost:": the usual slip.
    expect(problem(['--server', 'localhost:8787'], ON_ITS_OWN)).toBe(
      '--server localhost:8787 is not an http://, https://, ws:// or wss:// URL',
    );
    expect(config(['--server', 'wss://weft.example.com/'], ON_ITS_OWN).server).toBe('wss://weft.example.com/');
  });

  it('the token: --token, else WEFT_ENGINE_TOKEN, else WEFT_ENGINE_TOKEN_FILE; one of them is required', () => {
    expect(problem([], { WEFT_SERVER_URL: SERVER })).toBe(
      'WEFT_ENGINE_TOKEN (or WEFT_ENGINE_TOKEN_FILE, or --token) is required',
    );
    expect(problem(['--token', ''], ON_ITS_OWN)).toBe('--token is empty');
    // A file that is not the source is never opened.
    const missing = join(dir, 'missing');
    expect(config([], { ...ON_ITS_OWN, WEFT_ENGINE_TOKEN_FILE: missing }).token).toEqual({
      from: 'given',
      token: 'env-token',
    });
    expect(config(['--token', 'f'], { WEFT_SERVER_URL: SERVER, WEFT_ENGINE_TOKEN_FILE: missing }).token).toEqual({
      from: 'given',
      token: 'f',
    });
  });

  it('reads a token file: its content trimmed; an empty or unreadable file is an error', () => {
    const file = join(dir, 'engine-token');
    writeFileSync(file, '  file-token\n', { mode: 0o600 });
    // An empty WEFT_ENGINE_TOKEN is unset: the file is the source.
    expect(config([], { WEFT_SERVER_URL: SERVER, WEFT_ENGINE_TOKEN: '', WEFT_ENGINE_TOKEN_FILE: file }).token).toEqual({
      from: 'given',
      token: 'file-token',
    });

    const empty = join(dir, 'empty-token');
    writeFileSync(empty, ' \n\n');
    expect(problem([], { WEFT_SERVER_URL: SERVER, WEFT_ENGINE_TOKEN_FILE: empty })).toBe(`${empty} is empty`);

    const missing = join(dir, 'no-such-token');
    expect(problem([], { WEFT_SERVER_URL: SERVER, WEFT_ENGINE_TOKEN_FILE: missing })).toMatch(
      new RegExp(`^cannot read WEFT_ENGINE_TOKEN_FILE ${missing}: ENOENT`),
    );
  });

  it("started by the server: the token is the parent's, whatever token settings it inherited", () => {
    const child = { [ENGINE_PARENT_ENV]: 'ipc', WEFT_SERVER_URL: SERVER };
    expect(config([], child).token).toEqual({ from: 'parent' });
    expect(
      config(['--token', 'ignored'], { ...child, WEFT_ENGINE_TOKEN_FILE: join(dir, 'missing'), WEFT_ENGINE_TOKEN: 'x' })
        .token,
    ).toEqual({ from: 'parent' });
    // Anything else set on the child is still checked.
    expect(problem([], { ...child, WEFT_ENGINE_CONCURRENCY: '0' })).toBe('--concurrency must be 1–1000');
    // Only the value the server sets counts.
    expect(problem([], { ...child, [ENGINE_PARENT_ENV]: '1' })).toBe(
      'WEFT_ENGINE_TOKEN (or WEFT_ENGINE_TOKEN_FILE, or --token) is required',
    );
  });

  it('--help and -h, whatever else is wrong', () => {
    expect(parseEngineConfig(['--help'], {})).toBe('help');
    expect(parseEngineConfig(['-h', '--concurrency', '0'], {})).toBe('help');
  });

  it('an unknown flag or a stray argument is refused, pointing at --help', () => {
    expect(problem(['--nope'], ON_ITS_OWN)).toMatch(/^Unknown option '--nope'.*\(see weft engine --help\)$/);
    expect(problem(['http://127.0.0.1:8787'], ON_ITS_OWN)).toMatch(/positional argument.*\(see weft engine --help\)$/);
    expect(problem(['--server'], ON_ITS_OWN)).toMatch(/--server.*argument missing.*\(see weft engine --help\)$/);
  });

  it("LOG_LEVEL is one of pino's levels, as the server's", () => {
    expect(config([], { ...ON_ITS_OWN, LOG_LEVEL: 'silent' }).logLevel).toBe('silent');
    expect(problem([], { ...ON_ITS_OWN, LOG_LEVEL: 'loud' })).toBe(
      'invalid LOG_LEVEL (got "loud"): must be one of fatal, error, warn, info, debug, trace, silent',
    );
  });

  it('--id is 1–100 characters, as the server takes it', () => {
    expect(problem(['--id', ''], ON_ITS_OWN)).toBe('--id must be 1–100 characters');
    expect(problem(['--id', 'e'.repeat(101)], ON_ITS_OWN)).toBe('--id must be 1–100 characters');
  });
});

describe('the engine process', () => {
  const engine = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      encoding: 'utf8',
      timeout: 30_000,
      // Only what is given here: none of the test run's own WEFT_* or LOG_LEVEL.
      env: { PATH: process.env.PATH ?? '', ...env },
    });

  it('bad configuration: one line `weft engine: …` on stderr, exit code 2, nothing started', () => {
    for (const [args, env, line] of [
      [['--concurrency', '0'], ON_ITS_OWN, 'weft engine: --concurrency must be 1–1000'],
      [[], { ...ON_ITS_OWN, LOG_LEVEL: 'loud' }, 'weft engine: invalid LOG_LEVEL (got "loud"): must be one of'],
      [[], { WEFT_ENGINE_TOKEN: 't' }, 'weft engine: --server (or WEFT_SERVER_URL) is required'],
    ] as const) {
      const run = engine([...args], env);
      expect(run.status, run.stderr).toBe(2);
      expect(run.stdout).toBe('');
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]?.startsWith(line), lines[0]).toBe(true);
    }
  });

  it('--help prints the usage and exits 0', () => {
    const run = engine(['--help'], {});
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${USAGE}\n`);
  });
});
