import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The Weft installation directory (the one holding migrations/), found by
 * walking up from this module, so the same code works from sync-server/src
 * (tests, tsx) and from the bundle in dist/server.
 */
export const installRoot = (): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'migrations', 'meta', '_journal.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the Weft installation (no migrations/ above this module)');
    dir = parent;
  }
};
