import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { PgExecutionStore } from '../../src/executions/pg-execution-store.ts';
import { PgVersionStore } from '../../src/executions/pg-version-store.ts';
import { InsightsStore } from '../../src/insights/insights-store.ts';
import { GRAINS, rollupNodeFailuresSql, rollupRunsSql } from '../../src/insights/rollup-sql.ts';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { readMigration, runInsightsStoreContract } from './insights-store.contract.ts';
import { pgFixture } from './pg-fixture.ts';

const databases = usePgDatabases();

runInsightsStoreContract('postgres (throwaway server, migrations applied)', async () => {
  const f = await pgFixture(databases);
  const { db } = f.database;
  return {
    ...f,
    store: new PgExecutionStore(db),
    versions: new PgVersionStore(db),
    insights: InsightsStore.pg(db),
    backfill: async () => {
      for (const grain of GRAINS) {
        await db.execute(sql`delete from ${sql.raw(grain.runs)}`);
        await db.execute(sql`delete from ${sql.raw(grain.nodes)}`);
        await db.execute(rollupRunsSql('pg', sql`true`, grain));
        await db.execute(rollupNodeFailuresSql('pg', sql`true`, grain));
      }
    },
    migration: readMigration('migrations/pg/0020_insights.sql'),
    backfillText: GRAINS.map((g) => new PgDialect().sqlToQuery(rollupRunsSql('pg', sql`true`, g)).sql),
  };
});
