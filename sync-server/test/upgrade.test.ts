import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/open.ts';
import { SqliteExecutionStore } from '../src/executions/sqlite-execution-store.ts';
import { SqliteDocStore } from '../src/storage/sqlite-doc-store.ts';
import { tempDir } from './helpers/temp-dir.ts';

/**
 * A database written by the previous release, opened by this one. "The
 * previous release" is recorded as the last migration it shipped (there are
 * no release tags yet): its schema is rebuilt from this repository's own
 * migration files, cut at that migration, filled the way it filled it, then
 * opened with today's code.
 */
const PREVIOUS_RELEASE_LAST_MIGRATION = '0007_executions_created_index';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A database file at the previous release's schema (its migrations only). */
const previousReleaseDatabase = (
  lastMigration = PREVIOUS_RELEASE_LAST_MIGRATION,
): { file: string; sqlite: Database.Database } => {
  const dir = tempDir('weft-upgrade-');
  cleanups.push(dir.remove);
  const migrations = join(dir.path, 'migrations');
  cpSync(join(import.meta.dirname, '..', '..', 'migrations'), migrations, { recursive: true });
  const journalFile = join(migrations, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const last = journal.entries.findIndex((e) => e.tag === lastMigration);
  expect(last, `${lastMigration} is in migrations/meta/_journal.json`).toBeGreaterThanOrEqual(0);
  writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, last + 1) }));
  mkdirSync(join(dir.path, 'data'));
  const file = join(dir.path, 'data', 'weft.db');
  const sqlite = new Database(file);
  migrate(drizzle(sqlite), { migrationsFolder: migrations });
  return { file, sqlite };
};

const updates = (count: number): Uint8Array[] => {
  const doc = new Y.Doc();
  const out: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => out.push(u));
  for (let i = 0; i < count; i++) doc.getArray<number>('a').push([i]);
  return out;
};

describe('upgrading a SQLite database from the previous release', () => {
  it('keeps every document and account; seqs continue after the highest stored one', async () => {
    const { file, sqlite } = previousReleaseDatabase();
    const log = updates(5);
    const merged = (upto: number) => {
      const doc = new Y.Doc();
      for (const u of log.slice(0, upto)) Y.applyUpdate(doc, u);
      return Buffer.from(Y.encodeStateAsUpdate(doc));
    };
    sqlite
      .prepare('insert into users (id, email, name, password_hash, is_admin, created_at) values (?, ?, ?, ?, ?, ?)')
      .run('u1', 'ann@example.com', 'Ann', 'hash', 1, 1);
    const insertUpdate = sqlite.prepare(
      'insert into doc_updates (doc_id, seq, author_id, created_at, data) values (?, ?, ?, ?, ?)',
    );
    const insertSnapshot = sqlite.prepare(
      'insert into doc_snapshots (doc_id, upto_seq, data, state_vector, updated_at) values (?, ?, ?, ?, ?)',
    );
    // "mixed": a snapshot up to 3 and a log up to 5; "compacted": a snapshot only; "logged": a log only.
    insertSnapshot.run('mixed', 3, merged(3), null, 1);
    log.slice(3).forEach((u, i) => insertUpdate.run('mixed', i + 4, 'u1', 1, Buffer.from(u)));
    insertSnapshot.run('compacted', 7, merged(5), null, 1);
    log.slice(0, 2).forEach((u, i) => insertUpdate.run('logged', i + 1, null, 1, Buffer.from(u)));
    sqlite.close();

    const database = openDatabase({ file });
    try {
      const store = new SqliteDocStore(database.db);
      expect(await store.heads(['mixed', 'compacted', 'logged'])).toEqual(
        new Map([
          ['mixed', 5],
          ['compacted', 7],
          ['logged', 2],
        ]),
      );
      const mixed = await store.load('mixed');
      expect(mixed).toMatchObject({ snapshotSeq: 3, snapshotSchemaVersion: null, lastSeq: 5 });
      const doc = new Y.Doc();
      if (mixed.snapshot) Y.applyUpdate(doc, mixed.snapshot);
      for (const u of mixed.updates) Y.applyUpdate(doc, u.data);
      expect(doc.getArray('a').toArray()).toEqual([0, 1, 2, 3, 4]);
      const [next] = updates(1) as [Uint8Array];
      expect(await store.append('mixed', [{ authorId: 'u1', createdAt: 2, data: next }])).toEqual({
        firstSeq: 6,
        lastSeq: 6,
      });
      expect(await store.append('compacted', [{ authorId: null, createdAt: 2, data: next }])).toEqual({
        firstSeq: 8,
        lastSeq: 8,
      });
      expect(await store.append('logged', [{ authorId: null, createdAt: 2, data: next }])).toEqual({
        firstSeq: 3,
        lastSeq: 3,
      });
      expect(database.sqlite.prepare('select email from users').pluck().all()).toEqual(['ann@example.com']);
    } finally {
      await database.close();
    }
  });

  it("keeps the order node runs ran in (it was the rows' insertion order); runs recorded later come after them", async () => {
    const { file, sqlite } = previousReleaseDatabase();
    sqlite.prepare("insert into workflows (id, name, created_at, updated_at) values ('wf', 'Flow', 1, 1)").run();
    sqlite
      .prepare(
        "insert into workflow_versions (hash, workflow_id, state, definition, created_at) values ('h', 'wf', x'', '{}', 1)",
      )
      .run();
    const insertExecution = sqlite.prepare(
      "insert into executions (id, workflow_id, version_hash, mode, status, created_at) values (?, 'wf', 'h', 'manual', ?, 1)",
    );
    insertExecution.run('old', 'succeeded');
    insertExecution.run('other', 'succeeded');
    const insertRun = sqlite.prepare(
      "insert into node_runs (execution_id, node_id, run_index, name, status, input, output, attempts, started_at, finished_at) values (?, ?, 0, ?, 'succeeded', '{}', '{}', 1, 5, 5)",
    );
    // Neither the key (node id) nor the time orders them: only the order they were written in does.
    for (const [execution, node] of [
      ['old', 'zeta'],
      ['other', 'b'],
      ['old', 'alpha'],
      ['old', 'mid'],
      ['other', 'a'],
    ] as const)
      insertRun.run(execution, node, node.toUpperCase());
    sqlite.close();

    const database = openDatabase({ file });
    try {
      const store = new SqliteExecutionStore(database.db);
      const names = async (id: string) => (await store.nodeRuns(id)).map((r) => r.nodeId);
      expect(await names('old')).toEqual(['zeta', 'alpha', 'mid']);
      expect(await names('other')).toEqual(['b', 'a']);
      await store.finishAll([
        {
          id: 'old',
          result: {
            status: 'succeeded',
            runs: [
              {
                nodeId: 'again',
                name: 'Again',
                runIndex: 0,
                status: 'succeeded',
                input: '{}',
                output: '{}',
                attempts: 1,
                startedAt: 6,
                finishedAt: 6,
              },
            ],
            lastOutput: [],
          },
          now: 7,
        },
      ]);
      expect(await names('old')).toEqual(['zeta', 'alpha', 'mid', 'again']);
    } finally {
      await database.close();
    }
  });

  // 0013 rebuilds both role tables to widen their CHECK: what they held, their indexes and
  // their cascades must come through the rebuild (it runs inside the migration's transaction,
  // where SQLite ignores `PRAGMA foreign_keys=OFF`).
  it('keeps members and invitations with their roles when the commenter role arrives', async () => {
    const { file, sqlite } = previousReleaseDatabase('0012_cluster_queue');
    const insertUser = sqlite.prepare(
      "insert into users (id, email, name, password_hash, is_admin, created_at) values (?, ?, ?, 'hash', 0, 1)",
    );
    for (const name of ['ann', 'ben', 'cy']) insertUser.run(name, `${name}@example.com`, name);
    const insertWorkflow = sqlite.prepare(
      'insert into workflows (id, name, created_at, updated_at) values (?, ?, 1, 1)',
    );
    insertWorkflow.run('wf', 'Flow');
    insertWorkflow.run('gone', 'Gone');
    const insertMember = sqlite.prepare(
      'insert into workflow_members (workflow_id, user_id, role, added_at) values (?, ?, ?, 1)',
    );
    insertMember.run('wf', 'ann', 'owner');
    insertMember.run('wf', 'ben', 'editor');
    insertMember.run('wf', 'cy', 'viewer');
    insertMember.run('gone', 'ann', 'owner');
    const insertInvitation = sqlite.prepare(
      "insert into workflow_invitations (id, workflow_id, email, role, invited_by, created_at) values (?, ?, ?, ?, 'ann', 1)",
    );
    insertInvitation.run('i1', 'wf', 'dee@example.com', 'viewer');
    insertInvitation.run('i2', 'gone', 'eve@example.com', 'editor');
    sqlite.close();

    const database = openDatabase({ file });
    try {
      const db = database.sqlite;
      expect(db.prepare('select workflow_id, user_id, role from workflow_members order by 1, 2').all()).toEqual([
        { workflow_id: 'gone', user_id: 'ann', role: 'owner' },
        { workflow_id: 'wf', user_id: 'ann', role: 'owner' },
        { workflow_id: 'wf', user_id: 'ben', role: 'editor' },
        { workflow_id: 'wf', user_id: 'cy', role: 'viewer' },
      ]);
      db.prepare("update workflow_members set role = 'commenter' where user_id = 'cy'").run();
      db.prepare("update workflow_invitations set role = 'commenter' where id = 'i1'").run();
      expect(() => db.prepare("update workflow_members set role = 'admin' where user_id = 'cy'").run()).toThrow(
        /CHECK constraint failed/,
      );
      expect(() =>
        db
          .prepare(
            "insert into workflow_invitations (id, workflow_id, email, role, created_at) values ('i3', 'wf', 'dee@example.com', 'viewer', 1)",
          )
          .run(),
      ).toThrow(/UNIQUE constraint failed/);
      expect(
        db
          .prepare("select name from sqlite_master where type = 'index' and tbl_name like 'workflow_%' order by 1")
          .pluck()
          .all(),
      ).toEqual(
        expect.arrayContaining([
          'workflow_invitations_email_idx',
          'workflow_invitations_workflow_email_idx',
          'workflow_members_user_idx',
        ]),
      );
      db.prepare("delete from workflows where id = 'gone'").run();
      expect(db.prepare("select count(*) from workflow_members where workflow_id = 'gone'").pluck().get()).toBe(0);
      expect(db.prepare("select count(*) from workflow_invitations where workflow_id = 'gone'").pluck().get()).toBe(0);
      db.prepare("delete from users where id = 'ben'").run();
      expect(
        db.prepare("select user_id from workflow_members where workflow_id = 'wf' order by 1").pluck().all(),
      ).toEqual(['ann', 'cy']);
      expect(db.prepare("select role from workflow_invitations where id = 'i1'").pluck().get()).toBe('commenter');
    } finally {
      await database.close();
    }
  });
});
