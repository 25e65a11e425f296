import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { BINARY_ASSETS } from '#shared/binary-assets.ts';
import { embeddedBytes, inBinary } from '../binary/assets.ts';
import { cacheDirs, extractFile } from '../binary/extract.ts';
import { loadAddon, newDatabase, type Addon } from './better-sqlite3.mjs';

/**
 * The one place that chooses the SQLite driver (docs/decisions.md, "The
 * binary's SQLite"): better-sqlite3 everywhere. From the source tree (Node 20,
 * better-sqlite3 12) it finds its own compiled addon. In the `weft` binary
 * (Node 24, better-sqlite3 13, bundled) the addon is embedded: it is written
 * once to a cache folder, loaded with process.dlopen, and handed to
 * better-sqlite3 as the addon object (better-sqlite3.mjs).
 */

let addon: { path: string; loaded: Addon } | undefined;

/**
 * In the binary: the embedded addon, extracted (once per version) and loaded
 * (once per process); `dataDir` is one of the folders it may go to.
 * Outside the binary: undefined.
 */
export const embeddedSqliteAddon = (dataDir: string): { path: string; loaded: Addon } | undefined => {
  if (!inBinary()) return undefined;
  const bytes = embeddedBytes(BINARY_ASSETS.sqliteAddon);
  if (!bytes) return undefined;
  addon ??= extractFile({
    dirs: cacheDirs(process.env, dataDir),
    name: 'better_sqlite3',
    extension: '.node',
    bytes,
    load: loadAddon,
  });
  return addon;
};

/** Opens an SQLite file with whichever better-sqlite3 this process carries. */
export const openSqlite = (file: string, options: Omit<Database.Options, 'nativeBinding'> = {}): Database.Database =>
  newDatabase(file, options, embeddedSqliteAddon(dirname(file))?.loaded);
