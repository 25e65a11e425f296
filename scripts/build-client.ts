import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds the web app when dist/client is missing or older than its sources.
 * Used by `npm start` and by the browser tests' global setup.
 */
const root = fileURLToPath(new URL('..', import.meta.url));

const newestMtime = (dir: string): number => {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
};

const mtimeOf = (path: string): number => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
};

export const buildClientIfNeeded = async (): Promise<boolean> => {
  const builtAt = mtimeOf(join(root, 'dist/client/index.html'));
  const sources = Math.max(
    newestMtime(join(root, 'client')),
    newestMtime(join(root, 'shared/src')),
    mtimeOf(join(root, 'vite.config.ts')),
    // The build's own plugins (the size budget, the worker manifest) change what it writes or refuses.
    mtimeOf(join(root, 'scripts/bundle-budget.ts')),
    mtimeOf(join(root, 'scripts/worker-files-manifest.ts')),
    mtimeOf(join(root, 'package-lock.json')),
  );
  if (sources <= builtAt) return false;
  process.stderr.write('weft: building the web app (vite build)…\n');
  const { build } = await import('vite');
  await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
  return true;
};
