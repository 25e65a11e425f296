// `npm start`: build the web app if it is missing or older than its sources,
// then run the sync server in this process (so signals reach it directly).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const builtIndex = join(root, 'dist/client/index.html');

const newestMtime = (dir) => {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
};

const builtAt = (() => {
  try {
    return statSync(builtIndex).mtimeMs;
  } catch {
    return 0;
  }
})();
const sources = Math.max(newestMtime(join(root, 'client')), newestMtime(join(root, 'shared/src')));
if (sources > builtAt && !process.argv.includes('--help')) {
  process.stderr.write('weft: building the web app (vite build)…\n');
  const { build } = await import('vite');
  await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
}

const { register } = await import('tsx/esm/api');
register();
await import('../sync-server/src/main.ts');
