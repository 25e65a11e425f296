import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { NodeError } from '../runner/types.ts';

/**
 * The one folder Read/Write Files may touch (WEFT_FILES_DIR, docs/SECURITY.md › "The files folder"). A path is
 * relative to the folder, or absolute inside it; it is resolved, its real path (symbolic links followed) must still
 * be inside, and the file is opened without following a final link (O_NOFOLLOW) and checked to be the file that was
 * resolved (device and inode), so a link swapped in between is not followed either. Globbing follows no links.
 */

const HINT = 'paths are relative to the files folder (WEFT_FILES_DIR)';

const refuse = (path: string, why: string): never => {
  throw new NodeError(`The path "${path}" ${why}`, HINT);
};

/** Whether `path` is `root` or below it (both real, absolute). */
const within = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
};

/** O_NONBLOCK: opening a FIFO someone left in the folder must not hang the engine (it is refused after fstat). */
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const WRITE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK;

const errnoOf = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : undefined;

const sameFile = (a: Stats, b: Stats): boolean => a.dev === b.dev && a.ino === b.ino;

export interface FoundFile {
  /** The path as the workflow names it: the match of its pattern, relative or absolute as the pattern was. */
  shown: string;
  /** The real path inside the folder. */
  real: string;
}

export class FilesFolder {
  private real: Promise<string> | undefined;

  /** `dir`: absolute, as configured (its real path is found on first use; it is created when missing). */
  constructor(readonly dir: string) {}

  /** The folder's real path; created when missing (a fresh data directory has none). */
  root(): Promise<string> {
    this.real ??= mkdir(this.dir, { recursive: true, mode: 0o750 })
      .then(() => realpath(this.dir))
      .catch((e: unknown) => {
        this.real = undefined;
        throw new NodeError(
          `The files folder ${this.dir} cannot be used: ${e instanceof Error ? e.message : String(e)}`,
          'set WEFT_FILES_DIR (or the engine flag --files-dir) to a folder the engine may read and write',
        );
      });
    return this.real;
  }

  /** `path` relative to the folder as configured, refused when it names something outside (before any link). */
  private inside(path: string): string {
    if (path.includes('\0')) refuse(path.replaceAll('\0', '\\0'), 'has a NUL character');
    if (path.trim() === '') throw new NodeError('No path was given', HINT);
    const rel = isAbsolute(path) ? relative(this.dir, path) : relative(this.dir, resolve(this.dir, path));
    if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) refuse(path, 'is outside the files folder');
    return rel;
  }

  /**
   * Files matching a glob pattern, sorted as found. `literalBrackets` escapes [ ] ( ) as n8n's node does by default.
   * Patterns with `..` are refused (tinyglobby would walk up). A plain path (no pattern) names one file, which may be a
   * link that stays inside; a pattern matches no links (globbing follows none). Every file is checked by its real path.
   */
  async find(pattern: string, literalBrackets: boolean): Promise<FoundFile[]> {
    const rel = this.inside(pattern);
    if (pattern.split(/[/\\]/).includes('..')) refuse(pattern, 'goes up with ".."');
    const root = await this.root();
    const escaped = literalBrackets ? rel.replace(/\\?([()[\]])/g, '\\$1') : rel;
    if (!isDynamicPattern(escaped)) {
      const path = join(root, literalBrackets ? rel.replace(/\\([()[\]])/g, '$1') : rel);
      // A folder is no match (as a glob's); a link is followed only to check where it leads.
      const found = await lstat(path).then(
        (s) => !s.isDirectory(),
        (e: unknown) => (errnoOf(e) === 'ENOENT' ? false : Promise.reject(e as Error)),
      );
      return found ? [{ shown: pattern, real: await this.realInside(pattern, path) }] : [];
    }
    const matches = await glob(escaped === '' ? '.' : escaped, {
      cwd: root,
      followSymbolicLinks: false,
      onlyFiles: true,
      dot: false,
      expandDirectories: false,
      extglob: literalBrackets,
    });
    const absolute = isAbsolute(pattern);
    const found: FoundFile[] = [];
    for (const match of matches) {
      const shown = absolute ? join(this.dir, match) : match;
      found.push({ shown, real: await this.realInside(shown, join(root, match)) });
    }
    return found;
  }

  /** The real path of an existing file, refused when it (or a link on the way) leads outside. */
  private async realInside(shown: string, path: string): Promise<string> {
    const root = await this.root();
    let real: string;
    try {
      real = await realpath(path);
    } catch (e) {
      // n8n's words for it; which path is in the description.
      if (errnoOf(e) === 'ENOENT')
        throw new NodeError('The file or directory does not exist', `"${shown}" is not in the files folder`);
      throw e;
    }
    if (!within(root, real)) refuse(shown, 'leads outside the files folder (a symbolic link)');
    return real;
  }

  /** The file's bytes, at most `maxBytes` of them (a larger file is refused before it is read). */
  async read(file: FoundFile, maxBytes: number): Promise<Buffer> {
    let handle: FileHandle;
    try {
      handle = await open(file.real, READ_FLAGS);
    } catch (e) {
      if (errnoOf(e) === 'ELOOP') refuse(file.shown, 'became a symbolic link while it was being read');
      throw e;
    }
    try {
      const opened = await handle.stat();
      if (!opened.isFile()) refuse(file.shown, 'is not a regular file');
      if (!sameFile(opened, await stat(file.real))) refuse(file.shown, 'changed while it was being read');
      if (opened.size > maxBytes) {
        throw new NodeError(
          `The file "${file.shown}" is ${opened.size.toLocaleString('en-US')} bytes, more than the ${maxBytes.toLocaleString('en-US')} a node run may put out (its files count as base64)`,
        );
      }
      // What fstat counted, no more: a file that grows meanwhile cannot pass the check above.
      const bytes = Buffer.alloc(opened.size);
      let at = 0;
      while (at < bytes.length) {
        const { bytesRead } = await handle.read(bytes, at, bytes.length - at, at);
        if (bytesRead === 0) break;
        at += bytesRead;
      }
      return at === bytes.length ? bytes : bytes.subarray(0, at);
    } finally {
      await handle.close();
    }
  }

  /**
   * Writes `content` to `path` (replaced, or appended to; created when missing). The folder it goes in must exist
   * and be inside by its real path; the file itself may not be a symbolic link (O_NOFOLLOW).
   */
  async write(path: string, content: Buffer, append: boolean): Promise<void> {
    const rel = this.inside(path);
    const root = await this.root();
    const name = basename(rel);
    if (name === '' || name === '.' || rel === '') refuse(path, 'names the files folder itself, not a file');
    const parent = await this.realInside(dirname(path), join(root, dirname(rel)));
    const target = join(parent, name);
    let handle: FileHandle;
    try {
      handle = await open(target, WRITE_FLAGS | (append ? constants.O_APPEND : 0), 0o640);
    } catch (e) {
      const code = errnoOf(e);
      if (code === 'ELOOP') refuse(path, 'is a symbolic link; Weft writes no file through one');
      if (code === 'EISDIR')
        throw new NodeError('The file path was expected but the given path is a directory', `"${path}" is a folder`);
      if (code === 'ENXIO') refuse(path, 'is not a regular file');
      throw e;
    }
    try {
      const opened = await handle.stat();
      if (!opened.isFile()) refuse(path, 'is not a regular file');
      if (!sameFile(opened, await stat(target))) refuse(path, 'changed while it was being written');
      if (!append) await handle.truncate(0);
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
  }
}
