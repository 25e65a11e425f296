import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { silentLogger } from '#shared/log.ts';
import type { RunResultMessage } from '#shared/protocol/engine.ts';
import { openDatabase } from '../src/db/open.ts';
import { workflows } from '../src/db/schema.ts';
import type { FinishRecord } from '../src/executions/execution-store.ts';
import { FinishBatcher } from '../src/executions/finish-batcher.ts';
import { SqliteExecutionStore } from '../src/executions/sqlite-execution-store.ts';
import { SqliteVersionStore } from '../src/executions/sqlite-version-store.ts';
import { tempDir } from './helpers/temp-dir.ts';

/**
 * FinishBatcher over the real SQLite store made slow: one commit in flight at
 * a time, ends that arrive meanwhile share the next one, and a waiter hears
 * an end only once it is committed.
 */

/** The real store; each finishAll takes a few milliseconds, as a remote database would. */
class SlowStore extends SqliteExecutionStore {
  inFlight = 0;
  mostInFlight = 0;
  batches: string[][] = [];

  override async finishAll(batch: readonly FinishRecord[]): Promise<void> {
    this.inFlight++;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    try {
      await new Promise((r) => setTimeout(r, 20));
      await super.finishAll(batch);
      this.batches.push(batch.map((f) => f.id));
    } finally {
      this.inFlight--;
    }
  }
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const setup = async () => {
  const dir = tempDir();
  cleanups.push(() => dir.remove());
  const database = openDatabase({ file: join(dir.path, 'weft.db') });
  cleanups.push(() => database.close());
  const { db } = database;
  for (const id of ['wf1', 'wf2']) db.insert(workflows).values({ id, name: id, createdAt: 1, updatedAt: 1 }).run();
  const hash = await new SqliteVersionStore(db).save(
    'wf1',
    new Uint8Array(),
    { weft: 1, name: 'One', settings: {}, nodes: [], edges: [] },
    null,
    1,
  );
  const store = new SlowStore(db);
  const queue = async (id: string, workflowId = 'wf1') =>
    store.createQueued({
      id,
      workflowId,
      versionHash: hash,
      mode: 'manual',
      createdBy: null,
      createdAt: 1,
      startNodeId: null,
      triggerItems: null,
      retryOf: null,
    });
  return { store, queue, db };
};

const ok: RunResultMessage = {
  status: 'succeeded',
  runs: [
    {
      nodeId: 'n',
      name: 'N',
      runIndex: 0,
      status: 'succeeded',
      input: '{}',
      output: '{}',
      attempts: 1,
      startedAt: 1,
      finishedAt: 2,
    },
  ],
  lastOutput: [],
};

it('keeps one commit in flight; ends that arrive meanwhile share the next; waiters hear only committed ends', async () => {
  const { store, queue } = await setup();
  for (const id of ['a', 'b', 'c', 'd']) await queue(id);
  const batcher = new FinishBatcher(store, silentLogger);
  const heard: { id: string; status: string | undefined }[] = [];
  const hear = (id: string) => async () => {
    heard.push({ id, status: (await store.get(id))?.status });
  };
  const announce = (id: string) => (r: RunResultMessage) => {
    expect(r.status).toBe('succeeded');
    void hear(id)();
  };
  batcher.add('a', ok, 10, announce('a'));
  await new Promise((r) => setImmediate(r));
  // 'a' is being committed; these three wait for it and then go together.
  batcher.add('b', ok, 11, announce('b'));
  batcher.add('c', ok, 12, announce('c'));
  await new Promise((r) => setTimeout(r, 5));
  batcher.add('d', ok, 13, announce('d'));
  await batcher.close();
  await new Promise((r) => setTimeout(r, 10));
  expect(store.mostInFlight).toBe(1);
  expect(store.batches).toEqual([['a'], ['b', 'c', 'd']]);
  expect(heard.sort((x, y) => x.id.localeCompare(y.id))).toEqual(
    ['a', 'b', 'c', 'd'].map((id) => ({ id, status: 'succeeded' })),
  );
});

it('a batch the database refuses is recorded run by run: the others keep their ends, the refused one is failed', async () => {
  const { store, queue, db } = await setup();
  await queue('kept');
  await queue('gone', 'wf2');
  // The run of a workflow deleted meanwhile: its node runs have nowhere to go.
  db.$client.prepare("delete from workflows where id = 'wf2'").run();
  const batcher = new FinishBatcher(store, silentLogger);
  const results = new Map<string, RunResultMessage>();
  batcher.add('kept', ok, 10, (r) => results.set('kept', r));
  batcher.add('gone', ok, 10, (r) => results.set('gone', r));
  await batcher.close();
  expect(results.get('kept')?.status).toBe('succeeded');
  expect(results.get('gone')?.status).toBe('failed');
  expect(results.get('gone')?.error).toMatch(/could not be stored/);
  expect(await store.get('kept')).toMatchObject({ status: 'succeeded' });
  expect(await store.nodeRuns('kept')).toHaveLength(1);
  expect(store.mostInFlight).toBe(1);
});
