import { join } from 'node:path';
import { build, type BuildOptions, type Plugin } from 'esbuild';

/**
 * The JS of the binary: esbuild bundles of `weft` (cli/src/main.ts, with the
 * server and the engine) and of the checkpoint thread, everything included.
 * Node 24's single executables run one CommonJS script whose `require` loads
 * only Node's built-in modules, so nothing may stay outside the bundle.
 */

/**
 * y-leveldb (and its native leveldown) come with the reference y-websocket
 * server's utilities and load at import time; Weft stores documents in SQLite
 * and never uses them, and a second native addon would crash the binary.
 */
const noLevelDb: Plugin = {
  name: 'no-leveldb',
  setup(build) {
    build.onResolve({ filter: /^(y-leveldb|leveldown|level)$/ }, (args) => ({
      path: args.path,
      namespace: 'no-leveldb',
    }));
    build.onLoad({ filter: /.*/, namespace: 'no-leveldb' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not part of the weft binary`)});`,
      loader: 'js',
    }));
  },
};

export const bundle = async (options: {
  root: string;
  /** The unpacked better-sqlite3 13 package: bundled in place of the source tree's better-sqlite3 12. */
  betterSqlite3: string;
  outDir: string;
}): Promise<{ main: string; checkpointWorker: string }> => {
  const main = join(options.outDir, 'weft.cjs');
  const checkpointWorker = join(options.outDir, 'checkpoint-worker.cjs');
  const common: BuildOptions = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    logLevel: 'warning',
    legalComments: 'none',
    // Whitespace and syntax only (names stay, for readable stack traces): each process holds the
    // script's source and code, the engine child too; this saves some 5 MB of RSS in each.
    minifyWhitespace: true,
    minifySyntax: true,
    alias: { 'better-sqlite3': options.betterSqlite3 },
    // ws tries its optional native helpers at start unless told not to; they are not in the binary.
    define: {
      'process.env.WS_NO_BUFFER_UTIL': '"1"',
      'process.env.WS_NO_UTF_8_VALIDATE': '"1"',
      // CommonJS has no import.meta; libraries that read it (QuickJS's loader) get the executable's URL.
      'import.meta.url': '__weftExecutableUrl',
    },
    banner: { js: 'var __weftExecutableUrl = require("node:url").pathToFileURL(process.execPath).href;' },
    external: ['bufferutil', 'utf-8-validate'],
    plugins: [noLevelDb],
  };
  await Promise.all([
    build({ ...common, entryPoints: [join(options.root, 'cli/src/main.ts')], outfile: main }),
    build({
      ...common,
      entryPoints: [join(options.root, 'sync-server/src/db/checkpoint-worker.mjs')],
      outfile: checkpointWorker,
    }),
  ]);
  return { main, checkpointWorker };
};
