import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.ts';
import { cacheDirs, extractFile, extractFolder } from './extract.ts';

const dirs: { remove: () => void }[] = [];
const fresh = (): string => {
  const dir = tempDir();
  dirs.push(dir);
  return dir.path;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

const bytes = new TextEncoder().encode('an addon, say');

describe('cacheDirs', () => {
  it('tries $XDG_CACHE_HOME/weft, ~/.cache/weft, the data dir, then a folder of this user in the temp dir', () => {
    expect(cacheDirs({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/ann' }, '/srv/weft')).toEqual([
      '/x/cache/weft',
      '/home/ann/.cache/weft',
      '/srv/weft/.cache',
      join(tmpdir(), `weft-${process.getuid?.() ?? 'user'}`),
    ]);
  });

  it('ignores a relative XDG_CACHE_HOME, as the XDG spec says', () => {
    expect(cacheDirs({ XDG_CACHE_HOME: 'cache', HOME: '/home/ann' })[0]).toBe('/home/ann/.cache/weft');
  });
});

describe('extractFile', () => {
  it('writes the file named by its sha256 into the first folder that works, and loads it from there', () => {
    const root = fresh();
    writeFileSync(join(root, 'a-file'), '');
    const unwritable = join(root, 'a-file', 'weft'); // under a regular file: cannot be created
    const refusing = join(root, 'noexec');
    const good = join(root, 'good');
    const tried: string[] = [];
    const result = extractFile({
      dirs: [unwritable, refusing, good],
      name: 'better_sqlite3',
      extension: '.node',
      bytes,
      load: (path) => {
        tried.push(path);
        if (path.startsWith(refusing)) throw new Error('failed to map segment from shared object');
        return readFileSync(path, 'utf8');
      },
    });
    expect(result.loaded).toBe('an addon, say');
    expect(result.path.startsWith(`${good}/better_sqlite3-`)).toBe(true);
    expect(result.path).toMatch(/better_sqlite3-[0-9a-f]{64}\.node$/);
    // The folder that could not load it was tried (and keeps the file); no temporary files are left anywhere.
    expect(tried.map((p) => dirname(p))).toEqual([refusing, good]);
    expect(readdirSync(refusing)).toHaveLength(1);
    expect(readdirSync(good)).toHaveLength(1);
    expect(statSync(good).mode & 0o777).toBe(0o700);
  });

  it('reuses a file already there, and replaces one whose content is not what its name says', () => {
    const dir = join(fresh(), 'cache');
    const load = (path: string) => readFileSync(path, 'utf8');
    const first = extractFile({ dirs: [dir], name: 'addon', extension: '.node', bytes, load });
    const writtenAt = statSync(first.path).mtimeMs;
    const again = extractFile({ dirs: [dir], name: 'addon', extension: '.node', bytes, load });
    expect(again.path).toBe(first.path);
    expect(statSync(again.path).mtimeMs).toBe(writtenAt);

    writeFileSync(first.path, 'tampered with');
    const repaired = extractFile({ dirs: [dir], name: 'addon', extension: '.node', bytes, load });
    expect(repaired.loaded).toBe('an addon, say');
    expect(readdirSync(dir)).toHaveLength(1);
  });

  it('uses no folder others can write to: a symbolic link is skipped, a group- or world-writable folder of ours is tightened', () => {
    const root = fresh();
    const target = join(root, 'elsewhere');
    mkdirSync(target);
    const link = join(root, 'link');
    symlinkSync(target, link);
    const loose = join(root, 'loose');
    mkdirSync(loose);
    chmodSync(loose, 0o777);
    const result = extractFile({ dirs: [link, loose], name: 'addon', extension: '.node', bytes, load: () => 'ok' });
    expect(result.path.startsWith(`${loose}/`)).toBe(true);
    expect(readdirSync(target)).toEqual([]);
    expect(statSync(loose).mode & 0o022).toBe(0);
  });

  it('says which folders it tried and why when none works', () => {
    const root = fresh();
    writeFileSync(join(root, 'file'), '');
    expect(() =>
      extractFile({ dirs: [join(root, 'file', 'x')], name: 'addon', extension: '.node', bytes, load: () => 'ok' }),
    ).toThrow(/could not write addon-[0-9a-f]+\.node to any cache folder \(.*file\/x: /);
  });
});

describe('extractFolder', () => {
  it('writes the files into a folder named by their hash; other content gets another folder', () => {
    const dir = join(fresh(), 'cache');
    const files = { 'meta/_journal.json': '{"entries":[]}', '0000_init.sql': 'create table t (x);' };
    const folder = extractFolder({ dirs: [dir], name: 'migrations', files });
    expect(folder).toMatch(/\/migrations-[0-9a-f]{64}$/);
    expect(readFileSync(join(folder, 'meta/_journal.json'), 'utf8')).toBe('{"entries":[]}');
    expect(readFileSync(join(folder, '0000_init.sql'), 'utf8')).toBe('create table t (x);');
    expect(extractFolder({ dirs: [dir], name: 'migrations', files })).toBe(folder);
    const other = extractFolder({ dirs: [dir], name: 'migrations', files: { ...files, '0001_more.sql': 'select 1;' } });
    expect(other).not.toBe(folder);
  });

  it('refuses a file name that leaves the folder', () => {
    const dir = join(fresh(), 'cache');
    expect(() => extractFolder({ dirs: [dir], name: 'm', files: { '../escape.sql': 'x' } })).toThrow(/bad file name/);
  });
});
