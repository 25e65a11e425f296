import { lstat, mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { GitFolderError } from './errors.ts';

/**
 * File access for a folder that may come from anyone's git repository: a
 * symbolic link is never followed (a link to ~/.ssh/id_rsa named code.js
 * would otherwise be pushed to the server), sizes are bounded, text must be
 * UTF-8, and every write replaces the file whole (a crash leaves the old or
 * the new file, never half of one).
 */

const isMissing = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === 'ENOENT';

export type Entry = 'file' | 'dir' | 'other' | 'missing';

export const entryType = async (path: string): Promise<Entry> => {
  try {
    const info = await lstat(path);
    return info.isFile() ? 'file' : info.isDirectory() ? 'dir' : 'other';
  } catch (error) {
    if (isMissing(error)) return 'missing';
    throw error;
  }
};

// ignoreBOM keeps a byte-order mark as the text's first character: the file round-trips byte for byte.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The file's text, exactly as stored; `label` names it in errors. */
export const readTextFile = async (path: string, label: string, maxBytes: number): Promise<string> => {
  const type = await entryType(path);
  if (type === 'missing') throw new GitFolderError(`${label} does not exist`, { file: label });
  if (type !== 'file')
    throw new GitFolderError(`${label} is not a regular file (links are not followed)`, { file: label });
  const info = await lstat(path);
  if (info.size > maxBytes) {
    throw new GitFolderError(`${label} has ${info.size} bytes; at most ${maxBytes} are read`, { file: label });
  }
  const bytes = await readFile(path);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new GitFolderError(`${label} is not UTF-8 text`, { file: label });
  }
};

export const readBytes = async (path: string, maxBytes: number): Promise<Uint8Array | undefined> => {
  const type = await entryType(path);
  if (type === 'missing') return undefined;
  if (type !== 'file') throw new GitFolderError(`${path} is not a regular file`);
  const info = await lstat(path);
  if (info.size > maxBytes) throw new GitFolderError(`${path} has ${info.size} bytes; at most ${maxBytes} are read`);
  return new Uint8Array(await readFile(path));
};

/** A directory we may write into: created when missing, refused when it is a link or a file. */
export const ensureDir = async (path: string): Promise<void> => {
  const type = await entryType(path);
  if (type === 'dir') return;
  if (type !== 'missing') throw new GitFolderError(`${path} exists and is not a folder (links are not followed)`);
  await mkdir(path, { recursive: true });
};

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

/** Writes the file unless it already holds exactly these bytes; answers whether it wrote. */
export const writeIfChanged = async (path: string, content: string | Uint8Array): Promise<boolean> => {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  const type = await entryType(path);
  if (type === 'file') {
    const current = new Uint8Array(await readFile(path));
    if (sameBytes(current, bytes)) return false;
  } else if (type !== 'missing') {
    throw new GitFolderError(`${path} exists and is not a regular file; it is left alone`);
  }
  const temporary = `${path}.weft-tmp-${process.pid}`;
  try {
    await writeFile(temporary, bytes, { flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return true;
};

/** Removes a regular file if it is there; answers whether it did. */
export const removeFile = async (path: string): Promise<boolean> => {
  if ((await entryType(path)) !== 'file') return false;
  await rm(path);
  return true;
};

/** Removes a folder only when nothing is left in it. */
export const removeDirIfEmpty = async (path: string): Promise<void> => {
  if ((await entryType(path)) !== 'dir') return;
  if ((await readdir(path)).length === 0) await rmdir(path);
};

export const listDirs = async (path: string): Promise<string[]> => {
  if ((await entryType(path)) !== 'dir') return [];
  const entries = await readdir(path, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
};

export const listEntries = async (path: string): Promise<string[]> =>
  (await entryType(path)) === 'dir' ? readdir(path) : [];
