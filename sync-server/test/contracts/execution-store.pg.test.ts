import { describe, expect, it, onTestFinished } from 'vitest';
import { PgExecutionStore } from '../../src/executions/pg-execution-store.ts';
import { PgVersionStore } from '../../src/executions/pg-version-store.ts';
import { usePgDatabases } from '../helpers/pg-databases.ts';
import { runExecutionStoreContract } from './execution-store.contract.ts';
import { pgFixture } from './pg-fixture.ts';
import { definition } from './version-store.contract.ts';

const databases = usePgDatabases();

runExecutionStoreContract('postgres (throwaway server, migrations applied)', async () => {
  const f = await pgFixture(databases);
  const { db } = f.database;
  return {
    ...f,
    store: new PgExecutionStore(db),
    versions: new PgVersionStore(db),
  };
});

describe('postgres claim (weft_claim_execution)', () => {
  it('waits for the workflow’s lock and counts the runs committed before it was granted', async () => {
    const f = await pgFixture(databases);
    onTestFinished(f.teardown);
    const store = new PgExecutionStore(f.database.db);
    const versions = new PgVersionStore(f.database.db);
    await f.seedWorkflow('wf');
    const hash = await versions.save('wf', new Uint8Array(), definition('One'), null, 1);
    for (let i = 0; i < 3; i++) {
      await store.createQueued({
        id: `r${i}`,
        workflowId: 'wf',
        versionHash: hash,
        mode: 'manual',
        createdBy: null,
        createdAt: i,
        startNodeId: null,
        triggerItems: null,
        retryOf: null,
      });
    }
    // Another claimer holds the workflow's lock and marks a run running before it lets go.
    const other = await f.another();
    const holder = await other.pool.connect();
    try {
      await holder.query('begin');
      await holder.query("select pg_advisory_xact_lock(hashtext('weft:wf:wf'))");
      let settled = false;
      const claiming = store
        .claim('r0', { engineId: 'e', instanceId: 'i', now: 5, maxRunningPerWorkflow: 1 })
        .finally(() => (settled = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(settled).toBe(false);
      await holder.query("update executions set status = 'running' where id = 'r1'");
      await holder.query('commit');
      expect(await claiming).toBe('atCapacity');
    } finally {
      holder.release();
    }
  });
});
