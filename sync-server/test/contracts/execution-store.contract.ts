import { describe, expect, it } from 'vitest';
import type { RunResultMessage } from '#shared/protocol/engine.ts';
import type { ExecutionStore, NewExecution } from '../../src/executions/execution-store.ts';
import type { VersionStore } from '../../src/executions/version-store.ts';
import type { ContractSeeds } from './sqlite-fixture.ts';
import { definition } from './version-store.contract.ts';

interface Fixture extends ContractSeeds {
  store: ExecutionStore;
  versions: VersionStore;
  teardown: () => Promise<void>;
}

/**
 * The ExecutionStore contract: what the hub, the REST routes and retention
 * rely on. Every implementation runs all of it.
 */
export const runExecutionStoreContract = (name: string, setup: () => Fixture | Promise<Fixture>): void => {
  describe(`ExecutionStore contract: ${name}`, () => {
    let hash = '';
    const withStore =
      (fn: (f: Fixture) => Promise<void>): (() => Promise<void>) =>
      async () => {
        const f = await setup();
        try {
          await f.seedWorkflow('wf1');
          await f.seedWorkflow('wf2');
          hash = await f.versions.save('wf1', new Uint8Array(), definition('One'), null, 1);
          await fn(f);
        } finally {
          await f.teardown();
        }
      };
    const row = (id: string, createdAt: number, workflowId = 'wf1'): NewExecution => ({
      id,
      workflowId,
      versionHash: hash,
      mode: 'manual',
      createdBy: 'ann',
      createdAt,
      startNodeId: null,
      triggerItems: null,
      retryOf: null,
    });
    const succeeded = (nodeName: string, logs: RunResultMessage['logs'] = []): RunResultMessage => ({
      status: 'succeeded',
      runs: [
        {
          nodeId: 'start',
          name: nodeName,
          runIndex: 0,
          status: 'succeeded',
          input: '{}',
          output: '{"main":[{"json":{"a":1}}]}',
          attempts: 1,
          startedAt: 10,
          finishedAt: 11,
        },
        {
          nodeId: 'next',
          name: 'Next',
          runIndex: 0,
          status: 'failed',
          input: '{"main":[]}',
          output: '{}',
          error: 'boom',
          attempts: 2,
          startedAt: 12,
          finishedAt: 13,
        },
      ],
      lastOutput: [],
      logs,
    });

    it(
      'createQueued stores a queued run that get, queued and list answer as it was given',
      withStore(async ({ store }) => {
        const queued = await store.createQueued({
          ...row('e1', 100),
          startNodeId: 'start',
          triggerItems: '[{"json":{}}]',
          retryOf: 'e0',
        });
        const got = await store.get('e1');
        // The answer is the row as stored, every column: callers use it instead of reading it again.
        expect(queued).toEqual({ created: true, row: got });
        expect(got).toMatchObject({
          id: 'e1',
          workflowId: 'wf1',
          versionHash: hash,
          mode: 'manual',
          status: 'queued',
          createdBy: 'ann',
          createdAt: 100,
          startNodeId: 'start',
          triggerItems: '[{"json":{}}]',
          retryOf: 'e0',
          engineId: null,
          startedAt: null,
          finishedAt: null,
          error: null,
        });
        expect((await store.queued()).map((r) => r.id)).toEqual(['e1']);
        expect(await store.get('nope')).toBeUndefined();
        // The same id twice is refused: a run is stored once.
        await expect(store.createQueued(row('e1', 101))).rejects.toThrow();
        // A run names a workflow and a version that exist.
        await expect(store.createQueued(row('e2', 102, 'ghost'))).rejects.toThrow();
      }),
    );

    it(
      'a trigger key makes one run: a second row with it is quietly not created, rows without one never collide',
      withStore(async ({ store }) => {
        const key = 'schedule:wf1:cron:1000';
        expect(await store.createQueued({ ...row('t1', 100), mode: 'schedule', triggerKey: key })).toMatchObject({
          created: true,
          row: { id: 't1', triggerKey: key },
        });
        expect(await store.createQueued({ ...row('t2', 101), mode: 'schedule', triggerKey: key })).toEqual({
          created: false,
        });
        expect(await store.get('t2')).toBeUndefined();
        expect((await store.get('t1'))?.triggerKey).toBe(key);
        expect(await store.createQueued(row('n1', 102))).toMatchObject({ created: true, row: { id: 'n1' } });
        expect(await store.createQueued({ ...row('n2', 103), triggerKey: null })).toMatchObject({
          created: true,
          row: { id: 'n2', triggerKey: null },
        });
        // A duplicate id is still an error, key or not.
        await expect(store.createQueued({ ...row('t1', 104), triggerKey: 'other' })).rejects.toThrow();
        expect((await store.queued()).map((r) => r.id)).toEqual(['t1', 'n1', 'n2']);
      }),
    );

    it(
      'queued answers oldest first; running answers only running runs',
      withStore(async ({ store }) => {
        await store.createQueued(row('late', 300));
        await store.createQueued(row('early', 100));
        await store.createQueued(row('mid', 200));
        expect(await store.markRunning('mid', 'engine-1', 250)).toBe(true);
        expect((await store.queued()).map((r) => r.id)).toEqual(['early', 'late']);
        expect((await store.running()).map((r) => r.id)).toEqual(['mid']);
      }),
    );

    it(
      'lists newest first by workflow and status, a page at a time with the last row as cursor',
      withStore(async ({ store }) => {
        for (let i = 0; i < 5; i++) await store.createQueued(row(`a${i}`, 100 + i));
        // Two runs created in the same millisecond: the id breaks the tie, so paging skips and repeats nothing.
        await store.createQueued(row('b1', 103));
        await store.createQueued(row('other', 500, 'wf2'));
        await store.fail(['a1'], 'canceled', 'Canceled', 600);
        const all = async (filter: { workflowIds: string[]; statuses?: ('queued' | 'canceled')[] }) => {
          const ids: string[] = [];
          let cursor: { createdAt: number; id: string } | undefined;
          for (;;) {
            const page = await store.list({ ...filter, ...(cursor ? { cursor } : {}), limit: 2 });
            ids.push(...page.map((r) => r.id));
            const last = page.at(-1);
            if (page.length < 2 || !last) return ids;
            cursor = { createdAt: last.createdAt, id: last.id };
          }
        };
        expect(await all({ workflowIds: ['wf1'] })).toEqual(['a4', 'b1', 'a3', 'a2', 'a1', 'a0']);
        expect(await all({ workflowIds: ['wf1', 'wf2'] })).toEqual(['other', 'a4', 'b1', 'a3', 'a2', 'a1', 'a0']);
        expect(await all({ workflowIds: ['wf1'], statuses: ['canceled'] })).toEqual(['a1']);
        expect(await all({ workflowIds: ['wf1'], statuses: ['queued'] })).toEqual(['a4', 'b1', 'a3', 'a2', 'a0']);
        expect(await store.list({ workflowIds: [], limit: 10 })).toEqual([]);
      }),
    );

    it(
      'lists across workflows by membership: a member sees their workflows only, an admin every one, each row named',
      withStore(async (f) => {
        const { store } = f;
        await f.seedUser('ann', 'Ann Lee');
        await f.seedUser('bob');
        await f.seedWorkflow('wf3', 'Third');
        await f.seedMember('wf1', 'ann', 'viewer');
        await f.seedMember('wf3', 'ann', 'owner');
        await f.seedMember('wf2', 'bob', 'owner');
        await store.createQueued(row('one', 100));
        await store.createQueued({ ...row('two', 200, 'wf2'), createdBy: 'bob' });
        await store.createQueued({ ...row('three', 300, 'wf3'), createdBy: null, mode: 'webhook' });
        const ids = async (filter: Omit<Parameters<ExecutionStore['list']>[0], 'limit'>) =>
          (await store.list({ ...filter, limit: 50 })).map((r) => r.id);
        expect(await ids({ readableBy: { userId: 'ann', isAdmin: false } })).toEqual(['three', 'one']);
        expect(await ids({ readableBy: { userId: 'bob', isAdmin: false } })).toEqual(['two']);
        expect(await ids({ readableBy: { userId: 'nobody', isAdmin: false } })).toEqual([]);
        expect(await ids({ readableBy: { userId: 'nobody', isAdmin: true } })).toEqual(['three', 'two', 'one']);
        // Naming a workflow one cannot read still answers none of its runs.
        expect(await ids({ readableBy: { userId: 'ann', isAdmin: false }, workflowIds: ['wf2'] })).toEqual([]);
        const rows = await store.list({ readableBy: { userId: 'ann', isAdmin: false }, limit: 50 });
        expect(rows.map((r) => [r.workflowName, r.createdByName])).toEqual([
          ['Third', null],
          ['wf1', 'Ann Lee'],
        ]);
      }),
    );

    it(
      'filters the list by statuses, modes, workflows and a created-time range, paging within the filter',
      withStore(async (f) => {
        const { store } = f;
        await f.seedWorkflow('wf3');
        const modes = ['manual', 'webhook', 'schedule', 'retry'] as const;
        for (let i = 0; i < 12; i++) {
          const workflowId = ['wf1', 'wf2', 'wf3'][i % 3] ?? 'wf1';
          await store.createQueued({ ...row(`r${i}`, 1000 + i * 10, workflowId), mode: modes[i % 4] ?? 'manual' });
        }
        await store.fail(['r1', 'r4', 'r7', 'r10'], 'failed', 'Boom', 5000);
        await store.fail(['r2'], 'canceled', 'Canceled', 5000);
        const all = async (filter: Omit<Parameters<ExecutionStore['list']>[0], 'limit' | 'cursor'>) => {
          const ids: string[] = [];
          let cursor: { createdAt: number; id: string } | undefined;
          for (;;) {
            const page = await store.list({ ...filter, ...(cursor ? { cursor } : {}), limit: 2 });
            ids.push(...page.map((r) => r.id));
            const last = page.at(-1);
            if (page.length < 2 || !last) return ids;
            cursor = { createdAt: last.createdAt, id: last.id };
          }
        };
        expect(await all({ statuses: ['failed'] })).toEqual(['r10', 'r7', 'r4', 'r1']);
        expect(await all({ statuses: ['failed', 'canceled'] })).toEqual(['r10', 'r7', 'r4', 'r2', 'r1']);
        expect(await all({ modes: ['webhook', 'retry'] })).toEqual(['r11', 'r9', 'r7', 'r5', 'r3', 'r1']);
        expect(await all({ workflowIds: ['wf2', 'wf3'], statuses: ['failed'] })).toEqual(['r10', 'r7', 'r4', 'r1']);
        expect(await all({ workflowIds: ['wf1'], statuses: ['failed'] })).toEqual([]);
        expect(await all({ workflowIds: ['wf2'], statuses: ['failed'] })).toEqual(['r10', 'r7', 'r4', 'r1']);
        // Both ends of the range are inclusive.
        expect(await all({ from: 1030, to: 1060 })).toEqual(['r6', 'r5', 'r4', 'r3']);
        expect(await all({ from: 1100 })).toEqual(['r11', 'r10']);
        expect(await all({ to: 1000 })).toEqual(['r0']);
        expect(await all({ statuses: [] })).toEqual([]);
        expect(await all({ modes: [] })).toEqual([]);
      }),
    );

    it(
      'markRunning moves only a queued run, once',
      withStore(async ({ store }) => {
        await store.createQueued(row('e1', 100));
        expect(await store.markRunning('e1', 'engine-1', 150)).toBe(true);
        expect(await store.get('e1')).toMatchObject({ status: 'running', engineId: 'engine-1', startedAt: 150 });
        // A second hand-over of the same run is refused: it is never handed out twice.
        expect(await store.markRunning('e1', 'engine-2', 160)).toBe(false);
        expect((await store.get('e1'))?.engineId).toBe('engine-1');
        await store.createQueued(row('e2', 100));
        await store.fail(['e2'], 'canceled', 'Canceled', 170);
        expect(await store.markRunning('e2', 'engine-1', 180)).toBe(false);
        expect((await store.get('e2'))?.status).toBe('canceled');
        expect(await store.markRunning('nope', 'engine-1', 180)).toBe(false);
      }),
    );

    it(
      'finishAll records status, node runs in the order they ran and logs, for every run in the batch',
      withStore(async ({ store }) => {
        await store.createQueued(row('e1', 100));
        await store.createQueued(row('e2', 101));
        await store.markRunning('e1', 'engine-1', 110);
        await store.finishAll([
          {
            id: 'e1',
            result: succeeded('Start', [
              { at: 12, level: 'warn', node: 'Next', message: 'retrying' },
              { at: 13, level: 'error', message: 'boom' },
            ]),
            now: 200,
          },
          { id: 'e2', result: { status: 'canceled', error: 'Canceled', runs: [], lastOutput: [] }, now: 201 },
        ]);
        expect(await store.get('e1')).toMatchObject({ status: 'succeeded', error: null, finishedAt: 200 });
        expect(await store.get('e2')).toMatchObject({ status: 'canceled', error: 'Canceled', finishedAt: 201 });
        const runs = await store.nodeRuns('e1');
        expect(runs.map((r) => [r.nodeId, r.name, r.status, r.error, r.attempts])).toEqual([
          ['start', 'Start', 'succeeded', null, 1],
          ['next', 'Next', 'failed', 'boom', 2],
        ]);
        // One run by node and index, as the items route reads it; none for an index or node that did not run.
        expect(await store.nodeRun('e1', 'next', 0)).toMatchObject({ name: 'Next', status: 'failed', attempts: 2 });
        expect(await store.nodeRun('e1', 'next', 1)).toBeUndefined();
        expect(await store.nodeRun('e2', 'start', 0)).toBeUndefined();
        expect(runs[0]).toMatchObject({
          input: '{}',
          output: '{"main":[{"json":{"a":1}}]}',
          startedAt: 10,
          finishedAt: 11,
        });
        expect((await store.logs('e1')).map((l) => [l.level, l.node, l.message])).toEqual([
          ['warn', 'Next', 'retrying'],
          ['error', null, 'boom'],
        ]);
        expect(await store.nodeRuns('e2')).toEqual([]);
      }),
    );

    it(
      "stores a run's partial columns, and lastRuns answers each node's last run without its input",
      withStore(async ({ store }) => {
        await store.createQueued({
          ...row('e1', 100),
          baseExecutionId: 'e0',
          runScope: 'toHere',
          destinationNodeId: 'next',
          fingerprints: '{"start":"f1"}',
        });
        expect(await store.get('e1')).toMatchObject({
          baseExecutionId: 'e0',
          runScope: 'toHere',
          destinationNodeId: 'next',
          fingerprints: '{"start":"f1"}',
        });
        const base = succeeded('Start');
        const [first, second] = base.runs;
        if (!first || !second) throw new Error('two runs expected');
        await store.finishAll([
          {
            id: 'e1',
            result: {
              ...base,
              runs: [first, { ...first, runIndex: 1, output: '{"main":[]}', paired: '{"out":{"main":[]}}' }, second],
            },
            now: 200,
          },
        ]);
        expect(await store.lastRuns('e1')).toEqual([
          { nodeId: 'start', runIndex: 1, status: 'succeeded', output: '{"main":[]}', paired: '{"out":{"main":[]}}' },
          { nodeId: 'next', runIndex: 0, status: 'failed', output: '{}', paired: null },
        ]);
        expect(await store.lastRuns('nosuch')).toEqual([]);
        await store.createQueued(row('e2', 101));
        expect(await store.get('e2')).toMatchObject({ baseExecutionId: null, runScope: null, fingerprints: null });
      }),
    );

    it(
      "finishAll keeps each node run's origin and paired items; a run that names no origin 'ran'",
      withStore(async ({ store }) => {
        await store.createQueued(row('e1', 100));
        const base = succeeded('Start');
        const [first, second] = base.runs;
        if (!first || !second) throw new Error('two runs expected');
        const paired = '{"out":{"main":"same"},"in":{"main":[["start",0,"main",1]]}}';
        await store.finishAll([
          {
            id: 'e1',
            result: {
              ...base,
              runs: [
                { ...first, origin: 'pinned', paired: '{"out":{"main":[0]}}' },
                { ...second, paired },
              ],
            },
            now: 200,
          },
        ]);
        const runs = await store.nodeRuns('e1');
        expect(runs.map((r) => [r.nodeId, r.origin, r.paired])).toEqual([
          ['start', 'pinned', '{"out":{"main":[0]}}'],
          ['next', 'ran', paired],
        ]);
        // A row from before the columns (or a writer that leaves them out) reads as a plain run.
        await store.createQueued(row('e2', 101));
        await store.finishAll([{ id: 'e2', result: succeeded('Start'), now: 201 }]);
        expect((await store.nodeRuns('e2')).map((r) => [r.origin, r.paired])).toEqual([
          ['ran', null],
          ['ran', null],
        ]);
      }),
    );

    it(
      'a run at the node-run limit (10,000 runs, 12,000 log lines) is stored whole and in order',
      withStore(async ({ store }) => {
        await store.createQueued(row('e1', 100));
        const runs: RunResultMessage['runs'] = Array.from({ length: 10_000 }, (_, i) => ({
          nodeId: i % 2 === 0 ? 'a' : 'b',
          name: i % 2 === 0 ? 'A' : 'B',
          runIndex: Math.floor(i / 2),
          status: 'succeeded',
          input: '{}',
          output: '{}',
          attempts: 1,
          startedAt: i,
          finishedAt: i,
        }));
        const logs = Array.from({ length: 12_000 }, (_, i) => ({
          at: i,
          level: 'info' as const,
          message: `line ${i}`,
        }));
        await store.finishAll([
          { id: 'e1', result: { status: 'failed', error: 'Too many', runs, lastOutput: [], logs }, now: 200 },
        ]);
        expect(await store.get('e1')).toMatchObject({ status: 'failed', error: 'Too many' });
        const stored = await store.nodeRuns('e1');
        expect(stored).toHaveLength(10_000);
        expect(stored.map((r) => r.startedAt)).toEqual(runs.map((r) => r.startedAt));
        const lines = await store.logs('e1');
        expect(lines).toHaveLength(12_000);
        expect(lines[11_999]?.message).toBe('line 11999');
      }),
    );

    it(
      'node runs recorded by a later end of the same run come after the ones already recorded',
      withStore(async ({ store }) => {
        await store.createQueued(row('e1', 100));
        await store.finishAll([{ id: 'e1', result: succeeded('Start'), now: 200 }]);
        const [first] = succeeded('Start').runs;
        if (!first) throw new Error('succeeded() has runs');
        const late = { ...succeeded('Start'), runs: [{ ...first, nodeId: 'after' }] };
        await store.finishAll([{ id: 'e1', result: late, now: 300 }]);
        expect((await store.nodeRuns('e1')).map((r) => r.nodeId)).toEqual(['start', 'next', 'after']);
      }),
    );

    it(
      'finishAll is all or nothing: one run it cannot record leaves every run of the batch as it was',
      withStore(async ({ store, deleteWorkflow }) => {
        await store.createQueued(row('kept', 100));
        await store.createQueued(row('gone', 100, 'wf2'));
        // The run of a workflow deleted meanwhile: its node runs have no execution to belong to.
        await deleteWorkflow('wf2');
        await expect(
          store.finishAll([
            { id: 'kept', result: succeeded('Start', [{ at: 1, level: 'info', message: 'hi' }]), now: 200 },
            { id: 'gone', result: succeeded('Start'), now: 200 },
          ]),
        ).rejects.toThrow();
        expect((await store.get('kept'))?.status).toBe('queued');
        expect(await store.nodeRuns('kept')).toEqual([]);
        expect(await store.logs('kept')).toEqual([]);
        // Alone, it is recorded.
        await store.finishAll([{ id: 'kept', result: succeeded('Start'), now: 300 }]);
        expect((await store.get('kept'))?.status).toBe('succeeded');
      }),
    );

    it(
      'an ended run keeps its end: finishAll and fail change only queued or running runs',
      withStore(async ({ store }) => {
        await store.createQueued(row('e1', 100));
        await store.finishAll([{ id: 'e1', result: { status: 'canceled', runs: [], lastOutput: [] }, now: 200 }]);
        await store.finishAll([{ id: 'e1', result: { status: 'succeeded', runs: [], lastOutput: [] }, now: 300 }]);
        expect(await store.get('e1')).toMatchObject({ status: 'canceled', finishedAt: 200 });
        expect(await store.fail(['e1'], 'failed', 'Engine lost', 400)).toEqual([]);
        expect((await store.get('e1'))?.status).toBe('canceled');
      }),
    );

    it(
      'finishAll stores a run’s custom data with its first end only, and list filters by every pair, exactly',
      withStore(async ({ store }) => {
        for (const [id, at] of [
          ['acme', 100],
          ['bolt', 101],
          ['none', 102],
          ['failed', 103],
        ] as const)
          await store.createQueued(row(id, at));
        const ended = (customData?: Record<string, string>, status: 'succeeded' | 'failed' = 'succeeded') => ({
          status,
          runs: [],
          lastOutput: [],
          ...(customData ? { customData } : {}),
        });
        // One batch: runs with and without custom data, and a failure (PostgreSQL's transaction path).
        await store.finishAll([
          { id: 'acme', result: ended({ customer: 'acme', region: 'eu', 日本: 'a:b' }), now: 200 },
          { id: 'bolt', result: ended({ customer: 'bolt', region: 'eu' }), now: 200 },
          { id: 'none', result: ended(), now: 200 },
          { id: 'failed', result: ended({ customer: 'crux', region: 'us' }, 'failed'), now: 200 },
        ]);
        // A later end of the same run changes nothing of it.
        await store.finishAll([{ id: 'acme', result: ended({ customer: 'other' }), now: 300 }]);
        expect((await store.get('acme'))?.customData).toBe(
          JSON.stringify({ customer: 'acme', region: 'eu', 日本: 'a:b' }),
        );
        expect((await store.get('none'))?.customData).toBeNull();
        expect((await store.get('failed'))?.customData).toBe(JSON.stringify({ customer: 'crux', region: 'us' }));
        const ids = async (custom: { key: string; value: string }[]) =>
          (await store.list({ workflowIds: ['wf1'], limit: 50, custom })).map((r) => r.id);
        expect(await ids([{ key: 'region', value: 'eu' }])).toEqual(['bolt', 'acme']);
        expect(
          await ids([
            { key: 'region', value: 'eu' },
            { key: 'customer', value: 'acme' },
          ]),
        ).toEqual(['acme']);
        expect(await ids([{ key: '日本', value: 'a:b' }])).toEqual(['acme']);
        expect(await ids([{ key: 'region', value: 'EU' }])).toEqual([]);
        expect(await ids([{ key: 'region', value: 'e' }])).toEqual([]);
        expect(await ids([{ key: 'missing', value: '' }])).toEqual([]);
        expect(await ids([{ key: 'customer', value: 'crux' }])).toEqual(['failed']);
        expect(await ids([])).toEqual(['failed', 'none', 'bolt', 'acme']);
      }),
    );

    it(
      'fail answers only the ids it changed',
      withStore(async ({ store }) => {
        await store.createQueued(row('queued', 100));
        await store.createQueued(row('running', 101));
        await store.createQueued(row('done', 102));
        await store.markRunning('running', 'engine-1', 110);
        await store.finishAll([{ id: 'done', result: succeeded('Start'), now: 120 }]);
        const changed = await store.fail(['queued', 'running', 'done', 'nope'], 'failed', 'The server restarted', 130);
        expect(changed.sort()).toEqual(['queued', 'running']);
        expect(await store.get('running')).toMatchObject({
          status: 'failed',
          error: 'The server restarted',
          finishedAt: 130,
        });
        expect((await store.get('done'))?.status).toBe('succeeded');
        expect(await store.fail([], 'failed', 'x', 140)).toEqual([]);
      }),
    );

    it(
      'markRunning of one run from several callers at once hands it to exactly one',
      withStore(async ({ store }) => {
        await store.createQueued(row('e1', 100));
        const won = await Promise.all(
          ['engine-1', 'engine-2', 'engine-3', 'engine-4'].map((engine) => store.markRunning('e1', engine, 150)),
        );
        expect(won.filter(Boolean)).toHaveLength(1);
        expect((await store.get('e1'))?.engineId).toBe(`engine-${won.indexOf(true) + 1}`);
      }),
    );

    it(
      'lines written at once, by log and by a run ending, are all kept, each with its own number',
      withStore(async ({ store }) => {
        await store.createQueued(row('e1', 100));
        // The server logs while the run's end (with the engine's lines) is being recorded, over several connections.
        const engineLines = Array.from({ length: 5 }, (_, i) => ({
          at: 50,
          level: 'info' as const,
          message: `engine ${i}`,
        }));
        await Promise.all([
          ...Array.from({ length: 20 }, (_, i) => store.log('e1', 'info', `server ${i}`, i)),
          store.finishAll([{ id: 'e1', result: succeeded('Start', engineLines), now: 200 }]),
        ]);
        const lines = await store.logs('e1');
        expect(lines).toHaveLength(25);
        expect(lines.map((l) => l.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
        // The engine's lines keep their order among themselves.
        expect(lines.filter((l) => l.message.startsWith('engine')).map((l) => l.message)).toEqual(
          engineLines.map((l) => l.message),
        );
      }),
    );

    it(
      'logs come in time order, lines of the same moment in the order they were written',
      withStore(async ({ store }) => {
        await store.createQueued(row('e1', 100));
        await store.log('e1', 'info', 'second at 5', 5);
        await store.log('e1', 'info', 'at 3', 3, 'Start');
        await store.log('e1', 'warn', 'third at 5', 5);
        // The engine's lines arrive with the run's end, after lines the server wrote meanwhile.
        await store.finishAll([
          { id: 'e1', result: { ...succeeded('Start', [{ at: 4, level: 'info', message: 'engine at 4' }]) }, now: 10 },
        ]);
        await store.log('e1', 'error', 'fourth at 5', 5);
        expect((await store.logs('e1')).map((l) => l.message)).toEqual([
          'at 3',
          'engine at 4',
          'second at 5',
          'third at 5',
          'fourth at 5',
        ]);
        expect((await store.logs('e1'))[0]).toMatchObject({ level: 'info', node: 'Start', at: 3 });
        await expect(store.log('nope', 'info', 'x', 1)).rejects.toThrow();
      }),
    );

    it(
      'delete takes the run with its node runs and logs; a second delete answers false',
      withStore(async ({ store }) => {
        await store.createQueued(row('e1', 100));
        await store.createQueued(row('e2', 100));
        await store.finishAll([
          { id: 'e1', result: succeeded('Start', [{ at: 1, level: 'info', message: 'hi' }]), now: 200 },
          { id: 'e2', result: succeeded('Start', [{ at: 1, level: 'info', message: 'hi' }]), now: 200 },
        ]);
        expect(await store.delete('e1')).toBe(true);
        expect(await store.get('e1')).toBeUndefined();
        expect(await store.nodeRuns('e1')).toEqual([]);
        expect(await store.logs('e1')).toEqual([]);
        expect(await store.delete('e1')).toBe(false);
        expect(await store.nodeRuns('e2')).toHaveLength(2);
        expect(await store.logs('e2')).toHaveLength(1);
      }),
    );

    it(
      'deleting a workflow deletes its runs, theirs node runs and logs',
      withStore(async ({ store, deleteWorkflow }) => {
        await store.createQueued(row('e1', 100, 'wf2'));
        await store.finishAll([
          { id: 'e1', result: succeeded('Start', [{ at: 1, level: 'info', message: 'hi' }]), now: 2 },
        ]);
        await deleteWorkflow('wf2');
        expect(await store.get('e1')).toBeUndefined();
        expect(await store.nodeRuns('e1')).toEqual([]);
        expect(await store.logs('e1')).toEqual([]);
      }),
    );

    it(
      'pruneBatch deletes finished runs past the age and the count, oldest first, never a queued or running one',
      withStore(async ({ store }) => {
        const day = 86_400_000;
        const now = 10 * day;
        for (let i = 0; i < 6; i++) {
          await store.createQueued(row(`f${i}`, now - (6 - i) * 1000));
          await store.finishAll([{ id: `f${i}`, result: succeeded('Start'), now }]);
        }
        await store.createQueued(row('ancient-queued', 1));
        await store.createQueued(row('ancient-running', 2));
        await store.markRunning('ancient-running', 'engine-1', 3);
        await store.createQueued(row('old', now - 2 * day));
        await store.finishAll([{ id: 'old', result: succeeded('Start'), now }]);
        // One by age, then the oldest finished ones down to four.
        expect(await store.pruneBatch({ maxAgeDays: 1, maxCount: 4 }, now, 500)).toBe(3);
        const left = await store.list({ workflowIds: ['wf1'], limit: 50 });
        expect(left.map((r) => r.id).sort()).toEqual(['ancient-queued', 'ancient-running', 'f2', 'f3', 'f4', 'f5']);
        // The limit bounds one batch.
        expect(await store.pruneBatch({ maxAgeDays: 0, maxCount: 1 }, now, 2)).toBe(2);
        expect(await store.pruneBatch({ maxAgeDays: 0, maxCount: 1 }, now, 2)).toBe(1);
        expect(await store.pruneBatch({ maxAgeDays: 0, maxCount: 1 }, now, 2)).toBe(0);
        expect((await store.get('f5'))?.status).toBe('succeeded');
        expect(await store.nodeRuns('f0')).toEqual([]);
      }),
    );

    it(
      'createQueued with an outbox entry: stored together, handed out oldest first with the workflow priority, removed once added',
      withStore(async ({ store }) => {
        expect(await store.createQueued(row('a1', 1), { outbox: true })).toEqual({
          created: true,
          row: await store.get('a1'),
        });
        await store.createQueued(row('a2', 2), { outbox: true });
        await store.createQueued(row('b1', 3, 'wf2'), { outbox: true });
        await store.createQueued(row('plain', 4));
        // A failed add keeps every entry for the next sweep.
        await expect(store.relayOutbox(10, () => Promise.reject(new Error('redis away')))).rejects.toThrow(
          'redis away',
        );
        const seen: unknown[] = [];
        expect(
          await store.relayOutbox(10, (entries) => {
            seen.push(...entries);
            return Promise.resolve();
          }),
        ).toBe(3);
        expect(seen).toEqual([
          { executionId: 'a1', workflowId: 'wf1', priority: 1 },
          { executionId: 'a2', workflowId: 'wf1', priority: 2 },
          { executionId: 'b1', workflowId: 'wf2', priority: 1 },
        ]);
        expect(await store.relayOutbox(10, () => Promise.reject(new Error('nothing to add')))).toBe(0);
        // The fast path removes one entry; a deleted execution takes its entry with it.
        await store.createQueued(row('c1', 5), { outbox: true });
        await store.createQueued(row('c2', 6), { outbox: true });
        await store.deleteOutbox('c1');
        await store.delete('c2');
        expect(await store.relayOutbox(10, () => Promise.reject(new Error('nothing to add')))).toBe(0);
      }),
    );

    it(
      'createQueued is all or nothing: a duplicate trigger key stores neither the run nor its outbox entry',
      withStore(async ({ store }) => {
        expect(
          await store.createQueued({ ...row('t1', 1), triggerKey: 'schedule:wf1:n:1000' }, { outbox: true }),
        ).toMatchObject({ created: true, row: { id: 't1' } });
        expect(
          await store.createQueued({ ...row('t2', 2), triggerKey: 'schedule:wf1:n:1000' }, { outbox: true }),
        ).toEqual({ created: false });
        expect(await store.get('t2')).toBeUndefined();
        expect((await store.get('t1'))?.triggerKey).toBe('schedule:wf1:n:1000');
        const ids: string[] = [];
        await store.relayOutbox(10, (entries) => {
          ids.push(...entries.map((e) => e.executionId));
          return Promise.resolve();
        });
        expect(ids).toEqual(['t1']);
      }),
    );

    it(
      'two sweeps at once hand each outbox entry out once',
      withStore(async ({ store }) => {
        for (let i = 0; i < 6; i++) await store.createQueued(row(`s${i}`, i), { outbox: true });
        const ids: string[] = [];
        const slowAdd = async (entries: { executionId: string }[]) => {
          ids.push(...entries.map((e) => e.executionId));
          await new Promise((r) => setTimeout(r, 50));
        };
        await Promise.all([store.relayOutbox(3, slowAdd), store.relayOutbox(3, slowAdd)]);
        await store.relayOutbox(10, slowAdd);
        expect(ids.sort()).toEqual(['s0', 's1', 's2', 's3', 's4', 's5']);
      }),
    );

    it(
      'claim takes a queued run once, records engine and instance, and holds a workflow to its cap',
      withStore(async ({ store }) => {
        await store.createQueued(row('r1', 1));
        await store.createQueued(row('r2', 2));
        await store.createQueued(row('w2', 3, 'wf2'));
        const by = { engineId: 'e1', instanceId: 'i1', now: 10, maxRunningPerWorkflow: 1 };
        const [first, second] = await Promise.all([store.claim('r1', by), store.claim('r1', by)]);
        expect([first, second].sort()).toEqual(['claimed', 'notQueued']);
        expect(await store.get('r1')).toMatchObject({
          status: 'running',
          engineId: 'e1',
          instanceId: 'i1',
          startedAt: 10,
        });
        expect(await store.claim('r2', by)).toBe('atCapacity');
        expect((await store.get('r2'))?.status).toBe('queued');
        expect(await store.claim('w2', by)).toBe('claimed');
        expect(await store.claim('r2', { ...by, maxRunningPerWorkflow: 0 })).toBe('claimed');
        expect(await store.claim('missing', by)).toBe('notQueued');
      }),
    );

    it(
      'claims arriving together never take a workflow past its cap',
      withStore(async ({ store }) => {
        const ids = Array.from({ length: 24 }, (_, i) => `c${i}`);
        for (const [i, id] of ids.entries()) await store.createQueued(row(id, i));
        const by = { engineId: 'e1', instanceId: 'i1', now: 10, maxRunningPerWorkflow: 3 };
        const outcomes = await Promise.all(ids.map((id) => store.claim(id, by)));
        expect(outcomes.filter((o) => o === 'claimed')).toHaveLength(3);
        expect(outcomes.filter((o) => o === 'atCapacity')).toHaveLength(21);
        expect((await store.running()).map((r) => r.id)).toHaveLength(3);
      }),
    );

    it(
      'cancelQueued stops only a queued run',
      withStore(async ({ store }) => {
        await store.createQueued(row('q', 1));
        await store.createQueued(row('r', 2));
        await store.markRunning('r', 'e1', 3);
        expect(await store.cancelQueued('q', 'Canceled', 5)).toBe(true);
        expect(await store.get('q')).toMatchObject({ status: 'canceled', error: 'Canceled', finishedAt: 5 });
        expect(await store.cancelQueued('q', 'Canceled', 6)).toBe(false);
        expect(await store.cancelQueued('r', 'Canceled', 6)).toBe(false);
        expect((await store.get('r'))?.status).toBe('running');
        await store.createQueued(row('q2', 7));
        await store.createQueued(row('q3', 8));
        await store.createQueued(row('w', 9, 'wf2'));
        expect(await store.queuedCounts()).toEqual(
          new Map([
            ['wf1', 2],
            ['wf2', 1],
          ]),
        );
      }),
    );

    const child = (id: string, createdAt: number, parent: string, root: string, depth: number) => ({
      ...row(id, createdAt, 'wf2'),
      mode: 'subworkflow' as const,
      parentExecutionId: parent,
      parentNodeId: 'call',
      rootExecutionId: root,
      depth,
    });

    it(
      'createChild links a run to its caller (inline ones stored running on the engine), children lists them',
      withStore(async ({ store }) => {
        await store.createQueued(row('root', 1));
        expect(await store.get('root')).toMatchObject({ parentExecutionId: null, rootExecutionId: null, depth: 0 });
        const inline = { maxPerRoot: 10, running: { engineId: 'e1', instanceId: 'i1' } };
        expect(await store.createChild(child('c1', 2, 'root', 'root', 1), inline)).toBe('created');
        expect(await store.createChild(child('c2', 3, 'root', 'root', 1), { maxPerRoot: 10 })).toBe('created');
        expect(await store.createChild(child('g1', 4, 'c1', 'root', 2), { maxPerRoot: 10, outbox: true })).toBe(
          'created',
        );
        expect(await store.get('c1')).toMatchObject({
          status: 'running',
          engineId: 'e1',
          instanceId: 'i1',
          startedAt: 2,
          mode: 'subworkflow',
          parentExecutionId: 'root',
          parentNodeId: 'call',
          rootExecutionId: 'root',
          depth: 1,
        });
        expect((await store.get('c2'))?.status).toBe('queued');
        expect((await store.children('root', 100)).map((r) => r.id)).toEqual(['c1', 'c2']);
        expect((await store.children('root', 1)).map((r) => r.id)).toEqual(['c1']);
        expect((await store.children('c1', 100)).map((r) => r.id)).toEqual(['g1']);
        expect(await store.children('c2', 100)).toEqual([]);
        // Only the queued child with `outbox` has an entry.
        const relayed: string[] = [];
        await store.relayOutbox(10, (entries) => {
          relayed.push(...entries.map((e) => e.executionId));
          return Promise.resolve();
        });
        expect(relayed).toEqual(['g1']);
      }),
    );

    it(
      'createChild refuses past maxPerRoot children of the root (all depths), even asked at once',
      withStore(async ({ store }) => {
        await store.createQueued(row('root', 1));
        const outcomes = await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            store.createChild(child(`c${i}`, 2 + i, 'root', 'root', 1), { maxPerRoot: 4 }),
          ),
        );
        expect(outcomes.filter((o) => o === 'created')).toHaveLength(4);
        expect(outcomes.filter((o) => o === 'tooMany')).toHaveLength(2);
        expect(await store.createChild(child('deep', 20, 'c0', 'root', 2), { maxPerRoot: 4 })).toBe('tooMany');
        expect(await store.get('deep')).toBeUndefined();
        // Another root has its own count.
        await store.createQueued(row('root2', 30));
        expect(await store.createChild(child('other', 31, 'root2', 'root2', 1), { maxPerRoot: 4 })).toBe('created');
      }),
    );
  });
};
