import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Bundles the sync server (its sources and shared/) into dist/server/main.js
 * and the engine into dist/engine/main.js (the server starts it as a child),
 * which `npm start` runs with plain node. Dependencies stay in node_modules
 * (better-sqlite3 is native, QuickJS loads its WebAssembly file from its
 * package). Rebuilt only when a source is newer.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = join(root, 'dist/server/main.js');
const engineOutfile = join(root, 'dist/engine/main.js');

const newest = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((max, entry) => {
    const path = join(dir, entry.name);
    return Math.max(max, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }, 0);

const mtime = (path: string): number => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
};

export const buildServerIfNeeded = async (): Promise<boolean> => {
  const sources = Math.max(
    newest(join(root, 'sync-server/src')),
    newest(join(root, 'engine/src')),
    newest(join(root, 'shared/src')),
    mtime(join(root, 'package-lock.json')),
  );
  if (sources <= Math.min(mtime(outfile), mtime(engineOutfile))) return false;
  process.stderr.write('weft: building the server and the engine (esbuild)…\n');
  const common = {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  } as const;
  await Promise.all([
    build({ ...common, entryPoints: [join(root, 'sync-server/src/main.ts')], outfile }),
    build({ ...common, entryPoints: [join(root, 'engine/src/main.ts')], outfile: engineOutfile }),
  ]);
  return true;
};
