import { sql } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { SqliteExecutionStore } from '../../src/executions/sqlite-execution-store.ts';
import { SqliteVersionStore } from '../../src/executions/sqlite-version-store.ts';
import { InsightsStore } from '../../src/insights/insights-store.ts';
import { GRAINS, rollupRunsSql, rollupNodeFailuresSql } from '../../src/insights/rollup-sql.ts';
import { readMigration, runInsightsStoreContract } from './insights-store.contract.ts';
import { sqliteFixture } from './sqlite-fixture.ts';

const text = (q: ReturnType<typeof rollupRunsSql>) => new SQLiteSyncDialect().sqlToQuery(q).sql;

runInsightsStoreContract('sqlite (real file, migrations applied)', () => {
  const f = sqliteFixture();
  const { db } = f.database;
  return {
    ...f,
    store: new SqliteExecutionStore(db),
    versions: new SqliteVersionStore(db),
    insights: InsightsStore.sqlite(db),
    backfill: () => {
      for (const grain of GRAINS) {
        db.run(sql`delete from ${sql.raw(grain.runs)}`);
        db.run(sql`delete from ${sql.raw(grain.nodes)}`);
        db.run(rollupRunsSql('sqlite', sql`true`, grain));
        db.run(rollupNodeFailuresSql('sqlite', sql`true`, grain));
      }
      return Promise.resolve();
    },
    migration: readMigration('migrations/0026_insights.sql'),
    backfillText: GRAINS.map((g) => text(rollupRunsSql('sqlite', sql`true`, g))),
  };
});
