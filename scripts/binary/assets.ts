import { readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, relative, sep } from 'node:path';
import { BINARY_ASSETS, clientAssetKey } from '../../shared/src/binary-assets.ts';
import { MIGRATION_SETS, packMigrations } from '../../sync-server/src/binary/embedded-migrations.ts';

/**
 * The files the binary carries besides its script, as the SEA config's
 * `assets` (key → file on disk); the runtime reads them back with node:sea
 * (sync-server/src/binary/assets.ts, engine/src/sandbox/node-host.ts).
 */

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });

export const collectAssets = (options: {
  root: string;
  betterSqlite3: string;
  checkpointWorker: string;
  outDir: string;
}): Record<string, string> => {
  const { root, outDir } = options;
  const assets: Record<string, string> = {
    [BINARY_ASSETS.sqliteAddon]: join(options.betterSqlite3, 'prebuilds/linux-x64.node'),
    [BINARY_ASSETS.checkpointWorker]: options.checkpointWorker,
    [BINARY_ASSETS.quickjsWasm]: createRequire(join(root, 'package.json')).resolve(
      '@jitl/quickjs-wasmfile-release-sync/wasm',
    ),
    [BINARY_ASSETS.luxon]: join(root, 'node_modules/luxon/build/es6/luxon.mjs'),
    [BINARY_ASSETS.tzData]: join(root, 'node_modules/moment-timezone/data/packed/latest.json'),
    [BINARY_ASSETS.jmespath]: join(root, 'node_modules/jmespath/jmespath.js'),
  };

  // Each database's drizzle migrations as one JSON file: the journal and each migration's SQL.
  for (const set of Object.values(MIGRATION_SETS)) {
    const packed = join(outDir, basename(set.asset));
    writeFileSync(packed, packMigrations(join(root, set.folder)));
    assets[set.asset] = packed;
  }

  // The built web app, file by file under its URL path; source maps stay out (5 MB nobody's browser needs).
  const clientDir = join(root, 'dist/client');
  const urlPaths: string[] = [];
  for (const file of filesUnder(clientDir)) {
    if (file.endsWith('.map')) continue;
    const urlPath = `/${relative(clientDir, file).split(sep).join('/')}`;
    urlPaths.push(urlPath);
    assets[clientAssetKey(urlPath)] = file;
  }
  if (!urlPaths.includes('/index.html')) throw new Error(`${clientDir} has no index.html: the web app did not build`);
  const clientFiles = join(outDir, 'client-files.json');
  writeFileSync(clientFiles, JSON.stringify(urlPaths.sort()));
  assets[BINARY_ASSETS.clientFiles] = clientFiles;
  return assets;
};
