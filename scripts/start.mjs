// `npm start`: build the web app and the server if they are missing or older
// than their sources, then run the built server with its Node flags.
//
// The server runs as a child in its own process group, so a signal sent to
// this process (or to npm's group) reaches it exactly once: here, forwarded.
// It stops gracefully on the first SIGINT/SIGTERM and exits at once on a second.
import { spawn, spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { serverNodeFlags } from './server-flags.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

const build = spawnSync(process.execPath, ['--import', 'tsx', here('./build.ts')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const server = spawn(process.execPath, [...serverNodeFlags, here('../dist/server/main.js'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  detached: true,
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (server.exitCode === null && server.signalCode === null) server.kill(signal);
  });
}
server.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
