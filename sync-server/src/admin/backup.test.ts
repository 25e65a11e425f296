import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.ts';
import { backupDataDir } from './backup.ts';
import { migrateDataDir } from './migrate.ts';

/**
 * The online backup on real SQLite files, with another connection writing
 * between every step of the copy (as a busy server does): SQLite restarts a
 * backup whose source changed, so the copy must still end, and hold every
 * write made before it ended.
 */

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('backupDataDir', () => {
  it('ends, consistent, while another connection writes between every step', async () => {
    const dir = tempDir('weft-backup-');
    cleanups.push(dir.remove);
    migrateDataDir(dir.path);
    const writer = new Database(join(dir.path, 'weft.db'));
    cleanups.push(() => writer.close());
    writer.pragma('journal_mode = WAL');
    writer.exec('CREATE TABLE filler (data BLOB NOT NULL)');
    const insert = writer.prepare('INSERT INTO filler (data) VALUES (?)');
    // About 5,000 pages: several steps of the copy.
    writer.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run(randomBytes(10_000));
    })();

    let steps = 0;
    let restarts = 0;
    let lastRemaining = Number.POSITIVE_INFINITY;
    const target = join(dir.path, 'copy.db');
    const result = await backupDataDir(dir.path, target, {
      onProgress: ({ remainingPages }) => {
        if (remainingPages > lastRemaining) restarts += 1;
        lastRemaining = remainingPages;
        // A write between every step, until far more steps than a copy needs.
        if (remainingPages > 0 && ++steps < 300) insert.run(randomBytes(10_000));
      },
    });

    expect(restarts).toBeGreaterThan(0);
    expect(steps).toBeLessThan(20);
    const copy = new Database(target, { readonly: true });
    cleanups.push(() => copy.close());
    expect(copy.pragma('quick_check', { simple: true })).toBe('ok');
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    const rows = (copy.prepare('SELECT count(*) AS n FROM filler').get() as { n: number }).n;
    expect(rows).toBe(2000 + steps);
    expect(result.pages).toBeGreaterThan(4000);
  });
});
