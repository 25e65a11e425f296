import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectAssets } from './binary/assets.ts';
import { bundle } from './binary/bundle.ts';
import { BETTER_SQLITE3, fetchPackage, NODE_BASE } from './binary/packages.ts';
import { buildClientIfNeeded } from './build-client.ts';
import { serverNodeFlags } from './server-flags.mjs';

/**
 * `npm run build:binary` → dist/weft: one Linux x64 executable holding the
 * server, the engine, the web app, the migrations and the QuickJS wasm — a
 * Node 24 LTS single-executable application (docs/decisions.md, "One
 * binary"). Node 24 and better-sqlite3 13 come from the npm registry, checked
 * against pinned sha512 integrities (binary/packages.ts) and cached in
 * node_modules/.cache/weft-binary. The source tree itself stays on Node 20.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const cacheDir = join(root, 'node_modules/.cache/weft-binary');
const workDir = join(cacheDir, 'build');
const output = join(root, 'dist/weft');

/** The fuse Node looks for to know it carries an application (Node's docs on single executables). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** Runs a build tool; what it prints is shown only when it fails (postject warns about every ELF note it passes). */
const run = (command: string, args: string[]): void => {
  const result = spawnSync(command, args, { cwd: workDir, encoding: 'utf8' });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
  }
};

const started = Date.now();
const step = (what: string): void => {
  process.stderr.write(`weft: ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
};

const nodeBase = join(fetchPackage(NODE_BASE, cacheDir), 'bin/node');
const betterSqlite3 = fetchPackage(BETTER_SQLITE3, cacheDir);

await buildClientIfNeeded();
rmSync(workDir, { recursive: true, force: true });
mkdirSync(workDir, { recursive: true });

step('bundling weft and the checkpoint thread (esbuild)');
const scripts = await bundle({ root, betterSqlite3, outDir: workDir });
const assets = collectAssets({ root, betterSqlite3, checkpointWorker: scripts.checkpointWorker, outDir: workDir });

step('writing the application blob (node 24 --experimental-sea-config)');
const blob = join(workDir, 'weft.blob');
writeFileSync(
  join(workDir, 'sea-config.json'),
  JSON.stringify(
    {
      main: scripts.main,
      output: blob,
      disableExperimentalSEAWarning: true,
      // Compiled once here, by the same Node, instead of at every start.
      useCodeCache: true,
      // The server's Node flags (scripts/server-flags.mjs), as `npm start` gives them.
      execArgv: serverNodeFlags,
      assets,
    },
    null,
    2,
  ),
);
run(nodeBase, ['--experimental-sea-config', 'sea-config.json']);

step('injecting it into a copy of node 24 (postject)');
const executable = join(workDir, 'weft');
copyFileSync(nodeBase, executable);
chmodSync(executable, 0o755);
// Node's debug symbols are a sixth of its size and of no use to someone running Weft.
if (spawnSync('strip', ['--version'], { stdio: 'ignore' }).status === 0) run('strip', [executable]);
const postject = createRequire(join(root, 'package.json')).resolve('postject/dist/cli.js');
run(process.execPath, [postject, executable, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE]);

const check = spawnSync(executable, ['--version'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
if (check.status !== 0 || check.stdout.trim() !== version) {
  throw new Error(
    `the built binary's --version said ${JSON.stringify(check.stdout)} (exit ${check.status}), not ${version}`,
  );
}
mkdirSync(join(root, 'dist'), { recursive: true });
if (existsSync(output)) rmSync(output);
renameSync(executable, output);
step(`wrote dist/weft (${(statSync(output).size / 1e6).toFixed(1)} MB)`);
