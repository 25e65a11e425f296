import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

describe('configuration', () => {
  it('defaults to 127.0.0.1:8787 and ./data; flags override the environment', () => {
    const defaults = loadConfig([], {});
    expect(defaults).toMatchObject({ host: '127.0.0.1', port: 8787 });
    expect(defaults !== 'help' && defaults.dbFile.endsWith('/data/weft.db')).toBe(true);
    const both = loadConfig(['--port', '9001', '--data-dir', '/tmp/weft-x'], { PORT: '9000', HOST: '0.0.0.0' });
    expect(both).toMatchObject({ host: '0.0.0.0', port: 9001, dbFile: '/tmp/weft-x/weft.db' });
  });

  it('names the bad setting and what was given', () => {
    expect(() => loadConfig(['--port', 'abc'], {})).toThrow(ConfigError);
    expect(() => loadConfig([], { PORT: '70000' })).toThrow(/--port \/ PORT \(got "70000"\)/);
    expect(() => loadConfig(['--nope'], {})).toThrow(ConfigError);
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
});
