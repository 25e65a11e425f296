// `npm start`: build the web app and the server if they are missing or older
// than their sources (in a child process, so the TypeScript tooling does not
// stay in the server's memory), then run the built server in this process so
// signals reach it directly.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const build = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./build.ts', import.meta.url))], {
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);
await import('../dist/server/main.js');
