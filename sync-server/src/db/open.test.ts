import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.ts';
import { SqliteDocStore } from '../storage/sqlite-doc-store.ts';
import { openDatabase } from './open.ts';

describe('openDatabase', () => {
  it('applies migrations in WAL mode; its checkpoint thread, not the writer, folds the WAL into the file', async () => {
    const dir = tempDir();
    const file = join(dir.path, 'weft.db');
    const database = openDatabase({ file });
    try {
      expect(database.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      // The connection that commits edits never checkpoints (no fsync on the relay's thread)…
      expect(database.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      const tables = database.sqlite.prepare("select name from sqlite_master where type = 'table'").pluck().all();
      expect(tables).toEqual(
        expect.arrayContaining(['users', 'workflows', 'workflow_members', 'doc_updates', 'doc_snapshots']),
      );
      const before = statSync(file).size;
      const store = new SqliteDocStore(database.db);
      const payload = new Uint8Array(4096).fill(7);
      await store.append(
        'doc',
        Array.from({ length: 1000 }, () => ({ authorId: null, createdAt: 0, data: payload })),
      );
      // …so once the ~4 MB reach the database file, the checkpoint thread moved them there.
      const until = Date.now() + 10_000;
      while (statSync(file).size < before + 4_000_000 && Date.now() < until)
        await new Promise((r) => setTimeout(r, 100));
      expect(statSync(file).size).toBeGreaterThan(before + 4_000_000);
    } finally {
      await database.close();
    }
    // Closing truncates the WAL: a stopped server leaves one file.
    expect(statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0).toBe(0);
    dir.remove();
  });
});
