// better-sqlite3 with an addon loaded by hand, for the `weft` binary: there
// `require` loads only Node's built-in modules, so better-sqlite3 cannot find
// its addon itself; it takes the loaded addon object as `nativeBinding`
// instead (lib/database.js), which its typings do not list (hence the
// declaration beside this file). Plain JS, shared by the main thread
// (sqlite-driver.ts) and the checkpoint thread (checkpoint-worker.mjs).
import Database from 'better-sqlite3';

export const loadAddon = (path) => {
  const module = { exports: {} };
  process.dlopen(module, path);
  return module.exports;
};

export const newDatabase = (file, options, addon) =>
  new Database(file, addon === undefined ? options : { ...options, nativeBinding: addon });
