import { join } from 'node:path';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import { BINARY_ASSETS } from '#shared/binary-assets.ts';
import { tempDir } from '../../test/helpers/temp-dir.ts';
import { pgMigrationsFolder } from '../db/open-postgres.ts';
import { migrationsFolder } from '../db/open.ts';
import { installRoot } from '../paths.ts';
import { MIGRATION_SETS, migrationsFolderOf, packMigrations, unpackMigrations } from './embedded-migrations.ts';
import { extractFolder } from './extract.ts';

const dirs: { remove: () => void }[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

describe('the migrations the binary carries', () => {
  it("are SQLite's and PostgreSQL's, each under its own asset (what scripts/binary/assets.ts packs)", () => {
    expect(MIGRATION_SETS.sqlite).toMatchObject({ folder: 'migrations', asset: BINARY_ASSETS.migrations });
    expect(MIGRATION_SETS.postgres).toMatchObject({ folder: 'migrations/pg', asset: BINARY_ASSETS.pgMigrations });
    expect(MIGRATION_SETS.sqlite.cacheName).not.toBe(MIGRATION_SETS.postgres.cacheName);
  });

  for (const dialect of ['sqlite', 'postgres'] as const) {
    it(`${dialect}: packed, embedded and extracted, they are the migrations drizzle reads from the source tree`, () => {
      const source = join(installRoot(), MIGRATION_SETS[dialect].folder);
      const cache = tempDir();
      dirs.push(cache);
      const extracted = extractFolder({
        dirs: [cache.path],
        name: MIGRATION_SETS[dialect].cacheName,
        files: unpackMigrations(packMigrations(source)),
      });
      const fromSource = readMigrationFiles({ migrationsFolder: source });
      expect(fromSource.length).toBeGreaterThan(1);
      expect(readMigrationFiles({ migrationsFolder: extracted })).toEqual(fromSource);
    });
  }

  it('outside the binary, each dialect reads its folder of the source tree', () => {
    expect(migrationsFolder('/nowhere')).toBe(join(installRoot(), 'migrations'));
    expect(pgMigrationsFolder()).toBe(join(installRoot(), 'migrations', 'pg'));
    expect(migrationsFolderOf('postgres', '/nowhere')).toBe(pgMigrationsFolder());
  });
});
