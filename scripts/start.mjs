// `npm start`: build the web app and the server if they are missing or older
// than their sources (unless WEFT_SKIP_BUILD=1), then run the built server
// with its Node flags.
//
// The server lives exactly as long as this launcher (docs/decisions.md, "No
// orphans"). It is started with an IPC channel: however this process ends,
// kill -9 included, the kernel closes the channel and the server stops
// gracefully, freeing the port for whoever restarts Weft. It runs in its own
// process group, so a terminal's Ctrl-C reaches it through here; SIGINT,
// SIGTERM and SIGHUP are passed on as they come (the server takes copies of
// one request, as systemd sends to every process, for one).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { serverNodeFlags } from './server-flags.mjs';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const serverMain = here('../dist/server/main.js');

if (process.env.WEFT_SKIP_BUILD === '1') {
  if (!existsSync(serverMain)) {
    process.stderr.write(`weft: WEFT_SKIP_BUILD=1 but ${serverMain} is missing; run npm run build\n`);
    process.exit(1);
  }
} else {
  const build = spawnSync(process.execPath, ['--import', 'tsx', here('./build.ts')], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const server = spawn(process.execPath, [...serverNodeFlags, serverMain, ...process.argv.slice(2)], {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  detached: true,
});
const running = () => server.exitCode === null && server.signalCode === null;
let stopAsked = false;
const pass = (signal) => {
  stopAsked = true;
  if (running()) server.kill(signal);
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => pass(signal));

// npm runs this file through `sh -c`; given a signal, npm hands it to that
// shell and exits without waiting, and the shell dies without passing it on.
// All this process sees is its parent gone, so under npm it checks for that
// (only under npm: someone who starts it from a shell and leaves, nohup-style,
// wants it to keep running). The parent pid changes as soon as the parent
// exits, reaped or not.
if (process.env.npm_lifecycle_event) {
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    if (!stopAsked) pass('SIGTERM');
  }, 500);
  watch.unref();
}

server.on('error', (error) => {
  process.stderr.write(`weft: could not start the server: ${error.message}\n`);
  process.exit(1);
});
server.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
