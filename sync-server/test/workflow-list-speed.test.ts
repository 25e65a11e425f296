import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { workflowSorts } from '#shared/api/workflow-list.ts';
import { openDatabase, type OpenedDatabase } from '../src/db/open.ts';
import { SqliteWorkflowStore } from '../src/workflows/sqlite-workflow-store.ts';
import { tempDir } from './helpers/temp-dir.ts';

/**
 * A page of the list reads each workflow's sort key and the page's extras, not every workflow's runs: with the
 * failure count read through the status index (as SQLite chose before `unindexed`), a page of 5,000 workflows
 * took a minute. The bound is loose (this machine is shared); the fault it guards against is 100 times over it.
 */

let database: OpenedDatabase | undefined;
let dir: ReturnType<typeof tempDir> | undefined;

afterEach(async () => {
  await database?.close();
  dir?.remove();
});

it('answers a page in every sort over 3,000 workflows with 20 runs each in well under a second', async () => {
  dir = tempDir();
  database = openDatabase({ file: join(dir.path, 'weft.db') });
  const s = database.sqlite;
  s.prepare("insert into users (id, email, name, password_hash, created_at) values ('u', 'u@x', 'U', 'x', 1)").run();
  const now = Date.now();
  const workflow = s.prepare(
    'insert into workflows (id, name, created_by, created_at, updated_at) values (?, ?, ?, ?, ?)',
  );
  const member = s.prepare(
    "insert into workflow_members (workflow_id, user_id, role, added_at) values (?, 'u', 'owner', 1)",
  );
  const version = s.prepare(
    "insert into workflow_versions (hash, workflow_id, state, definition, created_at) values (?, ?, x'', '{}', 1)",
  );
  const run = s.prepare(
    "insert into executions (id, workflow_id, version_hash, mode, status, created_at) values (?, ?, ?, 'manual', ?, ?)",
  );
  s.transaction(() => {
    for (let i = 0; i < 3000; i++) {
      workflow.run(`w${i}`, `Flow ${i}`, 'u', 1, i);
      member.run(`w${i}`);
      version.run(`h${i}`, `w${i}`);
      for (let k = 0; k < 20; k++) {
        run.run(`e${i}_${k}`, `w${i}`, `h${i}`, k % 3 ? 'succeeded' : 'failed', now - k * 10 * 3600_000);
      }
    }
  })();
  const store = new SqliteWorkflowStore(database.db);
  for (const sort of workflowSorts) {
    for (const admin of [false, true]) {
      const started = performance.now();
      const rows = await store.catalog.list('u', admin, { sort, limit: 51, failuresSince: now - 7 * 24 * 3600_000 });
      await store.catalog.details(
        'u',
        rows.map((r) => r.id),
      );
      expect(rows).toHaveLength(51);
      expect(performance.now() - started, `${sort}, admin ${admin}`).toBeLessThan(1_000);
    }
  }
}, 60_000);
