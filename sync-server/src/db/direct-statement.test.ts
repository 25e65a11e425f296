import { join } from 'node:path';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers/temp-dir.ts';
import { openDatabase } from './open.ts';
import { directStatement } from './direct-statement.ts';
import { executionLogs, executions, users, workflows, workflowVersions } from './schema.ts';

describe('directStatement', () => {
  it("binds an insert's, an update's and a sub-select's placeholders as drizzle would, constants included", async () => {
    const dir = tempDir();
    const database = openDatabase({ file: join(dir.path, 'weft.db') });
    const { db } = database;
    try {
      const p = sql.placeholder;
      db.insert(users).values({ id: 'u', email: 'u@example.com', name: 'U', passwordHash: 'x', createdAt: 0 }).run();
      db.insert(workflows).values({ id: 'w', name: 'W', createdAt: 0, updatedAt: 0 }).run();
      db.insert(workflowVersions)
        .values({ hash: 'h', workflowId: 'w', definition: '{}', state: Buffer.from([0]), createdAt: 0 })
        .run();
      // Insert: values arrive as Params around the placeholders, each with its column's encoder.
      const insert = directStatement<{ id: string; at: number; by: string | null }>(
        database.sqlite,
        db.insert(executions).values({
          id: p('id'),
          workflowId: 'w',
          versionHash: 'h',
          mode: 'webhook',
          status: 'queued',
          createdBy: p('by'),
          createdAt: p('at'),
        }),
      );
      expect(insert.run({ id: 'e1', at: 5, by: 'u' }).changes).toBe(1);
      expect(insert.run({ id: 'e2', at: 6, by: null }).changes).toBe(1);
      // Update: placeholders inside sql``, constants in the where clause.
      const finish = directStatement<{ id: string; status: string; now: number }>(
        database.sqlite,
        db
          .update(executions)
          .set({ status: sql`${p('status')}`, finishedAt: sql`${p('now')}` })
          .where(and(eq(executions.id, p('id')), inArray(executions.status, ['queued', 'running']))),
      );
      expect(finish.run({ id: 'e1', status: 'succeeded', now: 9 }).changes).toBe(1);
      // Already finished: the constants kept it out.
      expect(finish.run({ id: 'e1', status: 'failed', now: 10 }).changes).toBe(0);
      // One placeholder used twice.
      const log = directStatement<{ id: string; message: string }>(
        database.sqlite,
        db.insert(executionLogs).values({
          executionId: p('id'),
          seq: sql`(select coalesce(max(${executionLogs.seq}), 0) + 1 from ${executionLogs} where ${executionLogs.executionId} = ${p('id')})`,
          at: 1,
          level: 'info',
          message: p('message'),
        }),
      );
      log.run({ id: 'e2', message: 'one' });
      log.run({ id: 'e2', message: 'two' });
      const count = directStatement<{ id: string }>(
        database.sqlite,
        db
          .select({ n: sql<number>`count(*)` })
          .from(executionLogs)
          .where(eq(executionLogs.executionId, p('id'))),
      );
      expect(count.value({ id: 'e2' })).toBe(2);
      expect(count.value({ id: 'nobody' })).toBe(0);
      expect(
        db
          .select()
          .from(executions)
          .all()
          .map((r) => [r.id, r.status, r.createdBy, r.createdAt, r.finishedAt]),
      ).toEqual([
        ['e1', 'succeeded', 'u', 5, 9],
        ['e2', 'queued', null, 6, null],
      ]);
      expect(
        db
          .select({ seq: executionLogs.seq, message: executionLogs.message })
          .from(executionLogs)
          .orderBy(executionLogs.seq)
          .all(),
      ).toEqual([
        { seq: 1, message: 'one' },
        { seq: 2, message: 'two' },
      ]);
    } finally {
      await database.close();
      dir.remove();
    }
  });
});
