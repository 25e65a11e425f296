import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.ts';
import { GroupCommit } from './group-commit.ts';

describe('GroupCommit', () => {
  let dir: ReturnType<typeof tempDir>;
  let writer: Database.Database;
  let reader: Database.Database;
  let insert: Database.Statement<[string, number]>;

  beforeEach(() => {
    dir = tempDir();
    const file = join(dir.path, 'group.db');
    writer = new Database(file);
    writer.pragma('journal_mode = WAL');
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec(
      'create table runs (id text primary key, n integer not null check (n >= 0)); create index runs_n on runs (n)',
    );
    insert = writer.prepare('insert into runs (id, n) values (?, ?)');
    reader = new Database(file, { readonly: true });
  });

  afterEach(() => {
    reader.close();
    writer.close();
    dir.remove();
  });

  const ids = () =>
    reader
      .prepare('select id from runs order by id')
      .pluck()
      .all()
      .map((id) => String(id));
  /** Frames in the WAL: each commit appends every page it touched. */
  const walFrames = () => (writer.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]?.log ?? 0;

  it('commits the writes of one turn together, each resolving only once another connection can read it', async () => {
    const commits = new GroupCommit(writer);
    const names = Array.from({ length: 20 }, (_, i) => `r${String(i).padStart(2, '0')}`);
    const written = names.map((id, i) =>
      commits.run(() => {
        insert.run(id, i);
        return id.toUpperCase();
      }),
    );
    // Nothing is written in the caller's turn.
    expect(ids()).toEqual([]);
    const first = await written[0];
    // By the time the first write resolves, the whole batch is durable and visible to others.
    expect(first).toBe('R00');
    expect(ids()).toEqual(names);
    expect(await Promise.all(written)).toEqual(names.map((n) => n.toUpperCase()));
    const grouped = walFrames();

    // The same twenty, one commit each, write several times the pages.
    writer.exec('delete from runs');
    writer.pragma('wal_checkpoint(TRUNCATE)');
    for (const [i, id] of names.entries()) await commits.run(() => insert.run(id, i));
    expect(walFrames()).toBeGreaterThan(grouped * 5);
  });

  it('commits a write asked for soon once the current callback ran, taking along what was pending', async () => {
    const commits = new GroupCommit(writer);
    const seenByTheNextTurn = new Promise<string[]>((resolve) => setImmediate(() => resolve(ids())));
    const later = commits.run(() => insert.run('a', 1));
    const soon = commits.run(() => insert.run('b', 2), { soon: true });
    // Not in the caller's own turn…
    expect(ids()).toEqual([]);
    // …but before anything scheduled for the end of the loop's turn: both are visible to it.
    expect(await seenByTheNextTurn).toEqual(['a', 'b']);
    await Promise.all([later, soon]);
  });

  it('undoes and rejects only the write that throws; the others of its batch commit', async () => {
    const commits = new GroupCommit(writer);
    const good = commits.run(() => insert.run('a', 1));
    const bad = commits.run(() => {
      // Two statements: the first must be undone with the second's failure.
      insert.run('b', 2);
      insert.run('c', -1);
    });
    const duplicate = commits.run(() => insert.run('a', 3));
    const after = commits.run(() => insert.run('d', 4).changes);
    await expect(bad).rejects.toThrow(/CHECK constraint/);
    await expect(duplicate).rejects.toThrow(/UNIQUE constraint/);
    expect((await good).changes).toBe(1);
    expect(await after).toBe(1);
    expect(ids()).toEqual(['a', 'd']);
  });

  it('rejects the whole batch, running nothing after, when SQLite ends the transaction (as on SQLITE_FULL)', async () => {
    const commits = new GroupCommit(writer);
    const before = commits.run(() => insert.run('a', 1));
    const lost = commits.run(() => {
      insert.run('b', 2);
      // What SQLite does on a full disk or an I/O error: the whole transaction is rolled back.
      writer.exec('rollback');
      throw new Error('disk full');
    });
    let ranAfter = false;
    const later = commits.run(() => {
      ranAfter = true;
      insert.run('c', 3);
    });
    await expect(before).rejects.toThrow('disk full');
    await expect(lost).rejects.toThrow('disk full');
    await expect(later).rejects.toThrow('disk full');
    expect(ranAfter).toBe(false);
    expect(ids()).toEqual([]);
    expect(writer.inTransaction).toBe(false);
    // The next batch starts afresh.
    await commits.run(() => insert.run('e', 5));
    expect(ids()).toEqual(['e']);
  });

  it('rejects a write that returns a promise (its statements would run outside the commit)', async () => {
    const commits = new GroupCommit(writer);
    const ok = commits.run(() => insert.run('a', 1));
    const asyncWork = commits.run(() => Promise.resolve(1));
    await expect(asyncWork).rejects.toThrow(/promise/i);
    await ok;
    expect(ids()).toEqual(['a']);
  });
});
