import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { BINARY_ASSETS } from '#shared/binary-assets.ts';
import { installRoot } from '../paths.ts';
import { embeddedText } from './assets.ts';
import { cacheDirs, extractFolder } from './extract.ts';

/**
 * The drizzle migrations of each database Weft runs on: a folder in the
 * source tree, one JSON asset in the binary. drizzle's migrator reads a
 * folder (its in-memory entry point is internal), so in the binary the
 * embedded files are written once to a cache folder. The build
 * (scripts/binary/assets.ts) packs exactly these sets, with packMigrations,
 * so what the binary carries and what it looks for cannot drift apart.
 */
export const MIGRATION_SETS = {
  sqlite: { folder: 'migrations', asset: BINARY_ASSETS.migrations, cacheName: 'migrations' },
  postgres: { folder: 'migrations/pg', asset: BINARY_ASSETS.pgMigrations, cacheName: 'migrations-pg' },
} as const;

export type MigrationDialect = keyof typeof MIGRATION_SETS;

const journalSchema = z.object({ entries: z.array(z.object({ tag: z.string().regex(/^[\w-]+$/) })) });
const packedSchema = z.object({ journal: z.string(), sql: z.record(z.string().regex(/^[\w-]+$/), z.string()) });

/** A migrations folder as one JSON text: its journal and each migration's SQL, by tag. */
export const packMigrations = (folder: string): string => {
  const journal = readFileSync(join(folder, 'meta', '_journal.json'), 'utf8');
  const sql: Record<string, string> = {};
  for (const { tag } of journalSchema.parse(JSON.parse(journal)).entries) {
    sql[tag] = readFileSync(join(folder, `${tag}.sql`), 'utf8');
  }
  return JSON.stringify({ journal, sql });
};

/** The files of a packed folder (relative path → text), laid out as drizzle's migrator reads them. */
export const unpackMigrations = (packed: string): Record<string, string> => {
  const { journal, sql } = packedSchema.parse(JSON.parse(packed));
  const files: Record<string, string> = { 'meta/_journal.json': journal };
  for (const [tag, text] of Object.entries(sql)) files[`${tag}.sql`] = text;
  return files;
};

/**
 * The folder of `dialect`'s migrations: the source tree's; in the binary, the
 * embedded ones extracted to the first usable cache folder (`dataDir`'s
 * `.cache` among them when given).
 */
export const migrationsFolderOf = (dialect: MigrationDialect, dataDir?: string): string => {
  const set = MIGRATION_SETS[dialect];
  const embedded = embeddedText(set.asset);
  if (embedded === undefined) return join(installRoot(), set.folder);
  return extractFolder({
    dirs: cacheDirs(process.env, dataDir),
    name: set.cacheName,
    files: unpackMigrations(embedded),
  });
};
