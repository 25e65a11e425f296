import type Database from 'better-sqlite3';

/** An addon as process.dlopen leaves it in `module.exports`. */
export type Addon = object;

/** Loads a Node addon (a .node file) by path. */
export declare const loadAddon: (path: string) => Addon;

/** `new Database(file, options)`, with `addon` as its native binding when given (else better-sqlite3 finds its own). */
export declare const newDatabase: (
  file: string,
  options: Omit<Database.Options, 'nativeBinding'>,
  addon: Addon | undefined,
) => Database.Database;
