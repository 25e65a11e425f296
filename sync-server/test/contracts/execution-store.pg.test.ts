import { describe, expect, it, onTestFinished } from 'vitest';
import { sql } from 'drizzle-orm';
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

describe('postgres error runs across instances', () => {
  it('two instances writing one failure at once (its end and a reconciler’s fail) start its error run once', async () => {
    const f = await pgFixture(databases);
    onTestFinished(f.teardown);
    const other = await f.another();
    const one = new PgExecutionStore(f.database.db);
    const two = new PgExecutionStore(other.db);
    const started: string[] = [];
    for (const store of [one, two])
      store.setErrorRuns({ publicUrl: undefined, outbox: true, started: (run) => started.push(run.id) });
    const versions = new PgVersionStore(f.database.db);
    await f.seedUser('ann');
    await f.seedWorkflow('failing');
    await f.seedWorkflow('errors');
    await f.seedMember('failing', 'ann', 'owner');
    await f.seedMember('errors', 'ann', 'editor');
    const failingHash = await versions.save(
      'failing',
      new Uint8Array(),
      { ...definition('Failing'), settings: { errorWorkflow: 'errors' } },
      null,
      1,
    );
    const errorsDef = definition('Errors');
    const errorsHash = await versions.save(
      'errors',
      new Uint8Array(),
      { ...errorsDef, nodes: errorsDef.nodes.map((n) => ({ ...n, id: 'caught', type: 'errorTrigger' })) },
      null,
      1,
    );
    await f.database.db.execute(sql`update workflows set published_hash = ${errorsHash} where id = 'errors'`);
    for (let round = 0; round < 5; round++) {
      const id = `run${round}`;
      await one.createQueued({
        id,
        workflowId: 'failing',
        versionHash: failingHash,
        mode: 'webhook',
        createdBy: null,
        createdAt: round,
        startNodeId: null,
        triggerItems: null,
        retryOf: null,
      });
      await one.claim(id, { engineId: 'e', instanceId: 'i', now: round, maxRunningPerWorkflow: 0 });
      const failed = { status: 'failed' as const, error: 'boom', runs: [], lastOutput: [] };
      await Promise.all([
        one.finishAll([{ id, result: failed, now: 10 }]),
        two.fail([id], 'failed', 'Instance gone', 10),
        two.finishAll([{ id, result: failed, now: 10 }]),
      ]);
    }
    const runs = await f.database.db.execute<{ id: string; trigger_key: string; mode: string }>(
      sql`select id, trigger_key, mode from executions where workflow_id = 'errors' order by trigger_key`,
    );
    expect(runs.rows.map((r) => [r.trigger_key, r.mode])).toEqual(
      [0, 1, 2, 3, 4].map((round) => [`error:run${round}`, 'error']),
    );
    // Each announced once, by the instance whose commit made it; each with its outbox entry.
    expect(started.sort()).toEqual(runs.rows.map((r) => r.id).sort());
    const outbox = await f.database.db.execute<{ n: number }>(
      sql`select count(*)::int as n from job_outbox where workflow_id = 'errors'`,
    );
    expect(outbox.rows[0]?.n).toBe(5);
  });
});
