/**
 * Names of the files scripts/build-binary.ts puts into the `weft` executable
 * (Node single-executable assets), read back at run time with node:sea. One
 * list, so the build and the code that reads them cannot drift apart.
 */
export const BINARY_ASSETS = {
  /** better-sqlite3's N-API addon (linux-x64 prebuild), extracted once to a cache folder and loaded from there. */
  sqliteAddon: 'weft/better_sqlite3.node',
  /** The WAL checkpoint thread's code, bundled with better-sqlite3: run as an eval worker. */
  checkpointWorker: 'weft/checkpoint-worker.js',
  /** SQLite's drizzle migrations (migrations/): `{ journal, sql: { [tag]: text } }` as JSON. */
  migrations: 'weft/migrations.json',
  /** PostgreSQL's drizzle migrations (migrations/pg/), in the same shape. */
  pgMigrations: 'weft/migrations-pg.json',
  /** The built web app's file list: `{ [urlPath]: assetKey }` as JSON. */
  clientFiles: 'weft/client-files.json',
  /** QuickJS compiled to WebAssembly, the engine's sandbox. */
  quickjsWasm: 'weft/quickjs.wasm',
  /** Luxon's ES module build, evaluated inside the sandbox (engine/src/sandbox/time-assets.ts). */
  luxon: 'weft/luxon.mjs',
  /** moment-timezone's packed IANA zone data, the sandbox's time zones. */
  tzData: 'weft/tzdata.json',
  /** jmespath.js, n8n's `$jmespath`, evaluated inside the sandbox (engine/src/sandbox/node-host.ts). */
  jmespath: 'weft/jmespath.js',
} as const;

/** Asset key of one file of the built web app (`/assets/app-x1y2.js` → `weft/client/assets/app-x1y2.js`). */
export const clientAssetKey = (urlPath: string): string => `weft/client${urlPath}`;
