import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger, type Logger } from '#shared/log.ts';
import { ChangeRecorder } from '../src/changes/change-recorder.ts';
import { SqliteChangeIndexStore } from '../src/changes/sqlite-change-index-store.ts';
import { sqliteFixture } from './contracts/sqlite-fixture.ts';

/** ChangeRecorder over a real SQLite file: what it writes, when, and what a failed write does. */

const fixtures: ReturnType<typeof sqliteFixture>[] = [];
afterEach(async () => {
  for (const f of fixtures.splice(0)) await f.teardown().catch(() => undefined);
});

const setUp = async (options: { flushMs?: number; logger?: Logger } = {}) => {
  const f = sqliteFixture();
  fixtures.push(f);
  await f.seedWorkflow('wf1');
  await f.seedUser('ann');
  await f.seedUser('ben');
  const store = new SqliteChangeIndexStore(f.database.db);
  let time = 1_000;
  const recorder = new ChangeRecorder({
    store,
    logger: options.logger ?? silentLogger,
    now: () => time,
    flushMs: options.flushMs ?? 60_000,
  });
  return { f, store, recorder, setTime: (t: number) => (time = t) };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ChangeRecorder (SPEC CHG1)', () => {
  it('writes only what was committed, once per interval, with the commit’s time and the counts', async () => {
    const { store, recorder, setTime } = await setUp();
    recorder.note('wf1', 'ann', ['node:a', 'node:a:param:url']);
    recorder.note('wf1', 'ann', ['node:a:param:url']);
    await sleep(20);
    // Noted, not yet committed: not a change yet.
    expect(await store.recent('wf1', 'node:a', 10)).toEqual([]);
    setTime(2_000);
    recorder.seal('wf1');
    recorder.committed('wf1');
    await sleep(20);
    // The first write of a document goes at once.
    expect(await store.recent('wf1', 'node:a:param:url', 10)).toEqual([{ userId: 'ann', lastAt: 2_000, count: 2 }]);
    recorder.note('wf1', 'ben', ['node:a']);
    setTime(3_000);
    recorder.seal('wf1');
    recorder.committed('wf1');
    await sleep(20);
    // The next waits out the interval (60 s here).
    expect(await store.recent('wf1', 'node:a', 10)).toEqual([{ userId: 'ann', lastAt: 2_000, count: 1 }]);
    await recorder.flush('wf1');
    expect(await store.recent('wf1', 'node:a', 10)).toEqual([
      { userId: 'ben', lastAt: 3_000, count: 1 },
      { userId: 'ann', lastAt: 2_000, count: 1 },
    ]);
  });

  it('writes what is ready when the room unloads and when the server closes, and drops what was never committed', async () => {
    const { store, recorder } = await setUp();
    recorder.note('wf1', 'ann', ['node:a']);
    recorder.seal('wf1');
    recorder.committed('wf1');
    recorder.note('wf1', 'ann', ['node:b']);
    recorder.seal('wf1');
    recorder.committed('wf1');
    recorder.note('wf1', 'ann', ['node:c']);
    recorder.note('wf1', 'ann', ['node:e']);
    recorder.seal('wf1');
    await recorder.unload('wf1');
    expect((await store.recent('wf1', 'node:b', 10)).map((c) => c.userId)).toEqual(['ann']);
    expect(await store.recent('wf1', 'node:c', 10)).toEqual([]);
    // Sealed into a batch whose commit never came (the room failed): not a change either.
    expect(await store.recent('wf1', 'node:e', 10)).toEqual([]);
    recorder.note('wf1', 'ben', ['node:d']);
    recorder.seal('wf1');
    recorder.committed('wf1');
    await recorder.close();
    expect((await store.recent('wf1', 'node:d', 10)).map((c) => c.userId)).toEqual(['ben']);
  });

  it('logs a failed write and goes on: it never throws into the room', async () => {
    const errors: string[] = [];
    const logger: Logger = { ...silentLogger, error: (_obj, msg) => void errors.push(msg ?? ''), child: () => logger };
    const { f, recorder } = await setUp({ logger });
    await f.database.close();
    recorder.note('wf1', 'ann', ['node:a']);
    recorder.seal('wf1');
    recorder.committed('wf1');
    await expect(recorder.flush('wf1')).resolves.toBeUndefined();
    expect(errors).toEqual(['recording who changed what failed']);
    recorder.note('wf1', 'ann', ['node:a']);
    recorder.seal('wf1');
    recorder.committed('wf1');
    await expect(recorder.close()).resolves.toBeUndefined();
    expect(errors).toHaveLength(2);
  });

  it('credits a batch with what was noted before the room took it, not what came while it was written', async () => {
    const { store, recorder } = await setUp();
    recorder.note('wf1', 'ann', ['node:a']);
    recorder.seal('wf1');
    // Ben's update arrives while Ann's batch is being written: it belongs to the next batch.
    recorder.note('wf1', 'ben', ['node:b']);
    recorder.committed('wf1');
    await recorder.flush('wf1');
    expect((await store.recent('wf1', 'node:a', 10)).map((c) => c.userId)).toEqual(['ann']);
    expect(await store.recent('wf1', 'node:b', 10)).toEqual([]);
    recorder.seal('wf1');
    recorder.committed('wf1');
    await recorder.flush('wf1');
    expect((await store.recent('wf1', 'node:b', 10)).map((c) => c.userId)).toEqual(['ben']);
  });
});
