import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * Writes files the binary carries (the SQLite addon, the migrations) to a
 * cache folder once, for code that can only read them from disk: dlopen needs
 * a file, and drizzle's migrator reads a folder. Files are named by their
 * sha256, so two versions of Weft never clash, and written atomically (a
 * temporary file renamed), so a crash or a second Weft starting at the same
 * time never leaves half a file. A file found there is used only if its
 * content has that hash.
 *
 * A folder is used only if it is a real directory of this user that no one
 * else can write to: another user who could swap the addon between the check
 * and the load would run code as Weft (the system temporary folder is shared).
 */

const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

/** Folders tried in turn: one may be missing, read-only or mounted noexec (then the addon cannot be loaded from it). */
export const cacheDirs = (env: Record<string, string | undefined>, dataDir?: string): string[] => {
  const dirs: string[] = [];
  // The XDG spec says a relative value is to be ignored.
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) dirs.push(join(env.XDG_CACHE_HOME, 'weft'));
  const home = env.HOME || safeHomedir();
  if (home && isAbsolute(home)) dirs.push(join(home, '.cache', 'weft'));
  if (dataDir) dirs.push(join(dataDir, '.cache'));
  dirs.push(join(tmpdir(), `weft-${process.getuid?.() ?? 'user'}`));
  return [...new Set(dirs)];
};

const safeHomedir = (): string | undefined => {
  try {
    return homedir();
  } catch {
    return undefined;
  }
};

/** Creates `dir` if needed and checks it is this user's own directory, writable by no one else. */
const privateDir = (dir: string): void => {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  if (!stat.isDirectory()) throw new Error('not a directory (a symbolic link?)');
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) throw new Error(`owned by uid ${stat.uid}, not by this user (${uid})`);
  if ((stat.mode & 0o022) !== 0) chmodSync(dir, stat.mode & 0o755);
};

/** Whether `path` is this user's regular file with content of hash `sha`. */
const holds = (path: string, sha: string): boolean => {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return false;
  }
  const uid = process.getuid?.();
  if (!stat.isFile() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o022) !== 0) return false;
  return sha256(readFileSync(path)) === sha;
};

const writeAtomically = (path: string, bytes: Uint8Array | string): void => {
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      writeSync(fd, typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
};

/** Makes `dir/relative` hold `bytes` (whose hash is `sha`), writing it only when it does not already. */
const ensureFile = (dir: string, relative: string, bytes: Uint8Array | string, sha: string): string => {
  const path = join(dir, relative);
  if (!holds(path, sha)) writeAtomically(path, bytes);
  return path;
};

const tryEach = <T>(dirs: readonly string[], what: string, attempt: (dir: string) => T): T => {
  const failures: string[] = [];
  for (const dir of dirs) {
    try {
      privateDir(dir);
      return attempt(dir);
    } catch (error) {
      failures.push(`${dir}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new Error(`could not write ${what} to any cache folder (${failures.join('; ')})`);
};

/**
 * Writes `bytes` as `<name>-<sha256><extension>` into the first folder of
 * `dirs` where that works and `load` accepts the file (dlopen fails in a
 * noexec folder), and returns what `load` returned.
 */
export const extractFile = <T>(options: {
  dirs: readonly string[];
  name: string;
  extension: string;
  bytes: Uint8Array;
  load: (path: string) => T;
}): { path: string; loaded: T } => {
  const sha = sha256(options.bytes);
  const fileName = `${options.name}-${sha}${options.extension}`;
  return tryEach(options.dirs, fileName, (dir) => {
    const path = ensureFile(dir, fileName, options.bytes, sha);
    return { path, loaded: options.load(path) };
  });
};

/**
 * Writes `files` (relative path → text) into `<name>-<sha256 of them all>/`
 * in the first folder of `dirs` where that works, and returns that folder.
 */
export const extractFolder = (options: {
  dirs: readonly string[];
  name: string;
  files: Readonly<Record<string, string>>;
}): string => {
  const entries = Object.entries(options.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [relative] of entries) {
    if (isAbsolute(relative) || relative.split('/').includes('..')) throw new Error(`bad file name ${relative}`);
  }
  const folderName = `${options.name}-${sha256(JSON.stringify(entries))}`;
  return tryEach(options.dirs, folderName, (dir) => {
    const folder = join(dir, folderName);
    for (const [relative, text] of entries) {
      const parent = join(folder, relative, '..');
      mkdirSync(parent, { recursive: true, mode: 0o700 });
      ensureFile(folder, relative, text, sha256(text));
    }
    return folder;
  });
};
