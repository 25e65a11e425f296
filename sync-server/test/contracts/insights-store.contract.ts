import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunResultMessage } from '#shared/protocol/engine.ts';
import type { ExecutionMode, ExecutionStore } from '../../src/executions/execution-store.ts';
import type { VersionStore } from '../../src/executions/version-store.ts';
import { BUCKETS, DURATION_BOUNDS_MS } from '../../src/insights/buckets.ts';
import type { InsightsStore } from '../../src/insights/insights-store.ts';
import { HOUR_MS } from '../../src/insights/rollup-sql.ts';
import type { ContractSeeds } from './sqlite-fixture.ts';
import { definition } from './version-store.contract.ts';

interface Fixture extends ContractSeeds {
  store: ExecutionStore;
  versions: VersionStore;
  insights: InsightsStore;
  /** Runs the migration's backfill again on emptied rollups (what upgrading a database with history does). */
  backfill: () => Promise<void>;
  /** The migration file of this dialect. */
  migration: string;
  /** The backfill statements (hourly, daily) as rollup-sql.ts builds them, in this dialect's SQL text. */
  backfillText: string[];
  teardown: () => Promise<void>;
}

const T0 = Date.UTC(2026, 10, 1, 10); // an hour's start
const all = (memberId?: string, workflowId?: string) => ({
  from: T0 - 24 * HOUR_MS,
  to: T0 + 24 * HOUR_MS,
  ...(memberId ? { memberId } : {}),
  ...(workflowId ? { workflowId } : {}),
});

const nodeRun = (nodeId: string, status: 'succeeded' | 'failed'): RunResultMessage['runs'][number] => ({
  nodeId,
  name: nodeId === 'start' ? 'Start' : 'Call API',
  runIndex: 0,
  status,
  input: '{}',
  output: '{}',
  ...(status === 'failed' ? { error: 'boom' } : {}),
  attempts: 1,
  startedAt: 1,
  finishedAt: 2,
});

/** The insights rollups as the finish path writes them and the insights routes read them, in both dialects. */
export const runInsightsStoreContract = (name: string, setup: () => Promise<Fixture> | Fixture): void => {
  describe(`insights rollups: ${name}`, () => {
    const withStore =
      (fn: (f: Fixture, hashes: { saving: string; plain: string }) => Promise<void>): (() => Promise<void>) =>
      async () => {
        const f = await setup();
        try {
          await f.seedUser('ann');
          await f.seedUser('bob');
          await f.seedWorkflow('wf1', 'Orders');
          await f.seedWorkflow('wf2', 'Private');
          await f.seedMember('wf1', 'ann', 'viewer');
          await f.seedMember('wf2', 'bob', 'owner');
          const def = definition('Orders');
          const saving = await f.versions.save(
            'wf1',
            new Uint8Array(),
            {
              ...def,
              settings: { minutesSavedPerRun: 2.5 },
              nodes: [
                ...def.nodes,
                {
                  id: 'api',
                  name: 'Call API',
                  type: 'httpRequest',
                  typeVersion: 1,
                  position: { x: 1, y: 0 },
                  parameters: {},
                },
              ],
            },
            null,
            1,
          );
          const plain = await f.versions.save('wf2', new Uint8Array(), definition('Private'), null, 1);
          await fn(f, { saving, plain });
        } finally {
          await f.teardown();
        }
      };

    /** Queues, starts and ends one run: `startedAt` T0 + start, `finishedAt` T0 + end. */
    const runOnce = async (
      f: Fixture,
      id: string,
      hash: string,
      workflowId: string,
      mode: ExecutionMode,
      start: number,
      end: number,
      result: Pick<RunResultMessage, 'status' | 'runs'>,
    ) => {
      await f.store.createQueued({
        id,
        workflowId,
        versionHash: hash,
        mode,
        createdBy: null,
        createdAt: T0 + start,
        startNodeId: null,
        triggerItems: null,
        retryOf: null,
      });
      await f.store.markRunning(id, 'engine', T0 + start);
      await f.store.finishAll([{ id, result: { ...result, lastOutput: [] }, now: T0 + end }]);
    };

    it(
      'a run’s end adds it once to its workflow, hour, mode and status: count, duration histogram, minutes saved',
      withStore(async (f, { saving, plain }) => {
        await runOnce(f, 'a', saving, 'wf1', 'webhook', 0, 30, {
          status: 'succeeded',
          runs: [nodeRun('start', 'succeeded')],
        });
        await runOnce(f, 'b', saving, 'wf1', 'webhook', 10, 3_000, {
          status: 'failed',
          runs: [nodeRun('start', 'succeeded'), nodeRun('api', 'failed')],
        });
        // Manual runs save nobody time; the next hour is its own row.
        await runOnce(f, 'c', saving, 'wf1', 'manual', HOUR_MS, HOUR_MS + 7, { status: 'succeeded', runs: [] });
        await runOnce(f, 'd', plain, 'wf2', 'schedule', 0, 40, { status: 'succeeded', runs: [] });
        // A second end of a finished run changes nothing.
        await f.store.finishAll([{ id: 'a', result: { status: 'failed', runs: [], lastOutput: [] }, now: T0 + 99 }]);

        const totals = await f.insights.totals(all());
        const byStatus = Object.fromEntries(totals.map((t) => [t.status, t]));
        expect(byStatus.succeeded?.runs).toBe(3);
        expect(byStatus.failed?.runs).toBe(1);
        expect(byStatus.succeeded?.minutesSaved).toBe(2.5);
        expect(byStatus.failed?.minutesSaved).toBe(2.5);
        // 30 ms, 40 ms and 7 ms: buckets [20, 50) twice and [5, 10) once; 2,990 ms in [2000, 5000).
        const bucket = (ms: number) => DURATION_BOUNDS_MS.findIndex((b) => ms < b);
        const succeeded = byStatus.succeeded?.durations ?? [];
        expect(succeeded[bucket(30)]).toBe(2);
        expect(succeeded[bucket(7)]).toBe(1);
        expect(byStatus.failed?.durations[bucket(2_990)]).toBe(1);
        expect(succeeded.reduce((a, b) => a + b, 0)).toBe(3);

        // Whole UTC days read from the daily rollups give the same numbers.
        const days = { ...all(), days: true };
        expect(await f.insights.totals(days)).toEqual(totals);
        expect(await f.insights.byWorkflow(days, 10)).toEqual(await f.insights.byWorkflow(all(), 10));
        expect(await f.insights.failingNodes(days, 10)).toEqual(await f.insights.failingNodes(all(), 10));
        const series = await f.insights.series(all(), HOUR_MS);
        expect(series).toEqual([
          { at: T0, status: 'failed', runs: 1 },
          { at: T0, status: 'succeeded', runs: 2 },
          { at: T0 + HOUR_MS, status: 'succeeded', runs: 1 },
        ]);
        const byDay = await f.insights.series(days, 24 * HOUR_MS);
        expect(byDay.reduce((n, r) => n + r.runs, 0)).toBe(4);
        expect(new Set(byDay.map((r) => r.at))).toEqual(new Set([T0 - (T0 % (24 * HOUR_MS))]));

        expect(await f.insights.failingNodes(all(), 10)).toEqual([
          {
            workflowId: 'wf1',
            workflowName: 'Orders',
            nodeId: 'api',
            nodeName: 'Call API',
            nodeType: 'httpRequest',
            failures: 1,
          },
        ]);
        const rows = await f.insights.byWorkflow(all(), 10);
        expect(rows.map((r) => [r.workflowId, r.name, r.runs, r.failed, r.minutesSaved])).toEqual([
          ['wf1', 'Orders', 3, 1, 5],
          ['wf2', 'Private', 1, 0, 0],
        ]);
      }),
    );

    it(
      'a member reads only the workflows they are a member of; a range and one workflow narrow it',
      withStore(async (f, { saving, plain }) => {
        await runOnce(f, 'a', saving, 'wf1', 'webhook', 0, 5, { status: 'succeeded', runs: [] });
        await runOnce(f, 'b', plain, 'wf2', 'webhook', 0, 5, {
          status: 'failed',
          runs: [nodeRun('start', 'failed')],
        });
        await f.store.addWebhookLatencies([
          { workflowId: 'wf1', hour: T0, responses: 1, latencyMs: 3, counts: counts(2) },
          { workflowId: 'wf2', hour: T0, responses: 5, latencyMs: 500, counts: counts(7, 7, 7, 7, 7) },
        ]);
        const ann = all('ann');
        expect((await f.insights.totals(ann)).map((t) => [t.status, t.runs])).toEqual([['succeeded', 1]]);
        expect(await f.insights.failingNodes(ann, 10)).toEqual([]);
        expect((await f.insights.byWorkflow(ann, 10)).map((r) => r.workflowId)).toEqual(['wf1']);
        expect(await f.insights.webhookLatency(ann)).toEqual({ responses: 1, counts: counts(2) });
        // Naming a workflow one is not a member of reads nothing.
        expect(await f.insights.totals(all('ann', 'wf2'))).toEqual([]);
        expect(await f.insights.webhookLatency(all(undefined, 'wf2'))).toEqual({
          responses: 5,
          counts: counts(7, 7, 7, 7, 7),
        });
        expect(await f.insights.totals({ from: T0 + HOUR_MS, to: T0 + 2 * HOUR_MS })).toEqual([]);
        expect(await f.insights.webhookLatency({ ...all('ann'), days: true })).toEqual({
          responses: 1,
          counts: counts(2),
        });
        const everyone = await f.insights.webhookLatency(all());
        expect(everyone.responses).toBe(6);
        expect(everyone.counts[2]).toBe(1);
        expect(everyone.counts[7]).toBe(5);
      }),
    );

    it(
      'rollups outlive their executions (retention) and go with their workflow; latencies of a deleted workflow are dropped',
      withStore(async (f, { saving, plain }) => {
        await runOnce(f, 'a', saving, 'wf1', 'webhook', 0, 5, { status: 'failed', runs: [nodeRun('api', 'failed')] });
        await runOnce(f, 'b', plain, 'wf2', 'webhook', 0, 5, { status: 'succeeded', runs: [] });
        expect(await f.store.delete('a')).toBe(true);
        expect(await f.store.pruneBatch({ maxAgeDays: 0, maxCount: 0 }, T0, 10)).toBe(0);
        expect(await f.store.delete('b')).toBe(true);
        expect((await f.insights.byWorkflow(all(), 10)).map((r) => r.runs)).toEqual([1, 1]);
        expect((await f.insights.failingNodes(all(), 10)).map((r) => r.failures)).toEqual([1]);
        await f.deleteWorkflow('wf2');
        expect((await f.insights.byWorkflow(all(), 10)).map((r) => r.workflowId)).toEqual(['wf1']);
        await f.store.addWebhookLatencies([
          { workflowId: 'wf2', hour: T0, responses: 1, latencyMs: 3, counts: counts(2) },
          { workflowId: 'wf1', hour: T0, responses: 1, latencyMs: 3, counts: counts(2) },
        ]);
        expect((await f.insights.webhookLatency(all())).responses).toBe(1);
      }),
    );

    it(
      'a run failed by fail() (engine lost, stopped) is added as its end is',
      withStore(async (f, { saving }) => {
        await f.store.createQueued({
          id: 'q',
          workflowId: 'wf1',
          versionHash: saving,
          mode: 'schedule',
          createdBy: null,
          createdAt: T0,
          startNodeId: null,
          triggerItems: null,
          retryOf: null,
        });
        expect(await f.store.fail(['q'], 'canceled', 'Stopped', T0 + 1)).toEqual(['q']);
        expect(await f.store.fail(['q'], 'failed', 'again', T0 + 2)).toEqual([]);
        const [row] = await f.insights.totals(all());
        // Never started: counted, no duration.
        expect(row).toMatchObject({ status: 'canceled', runs: 1, minutesSaved: 2.5 });
        expect(row?.durations.reduce((a, b) => a + b, 0)).toBe(0);
      }),
    );

    it(
      'the migration backfills from existing executions with the same statements the finish path runs',
      withStore(async (f, { saving, plain }) => {
        for (const text of f.backfillText)
          expect(f.migration.replace(/\s+/g, ' ')).toContain(text.replace(/\s+/g, ' '));
        await runOnce(f, 'a', saving, 'wf1', 'webhook', 0, 30, { status: 'succeeded', runs: [] });
        await runOnce(f, 'b', saving, 'wf1', 'webhook', 0, 3_000, {
          status: 'failed',
          runs: [nodeRun('api', 'failed')],
        });
        await runOnce(f, 'c', plain, 'wf2', 'manual', 5, 60, { status: 'succeeded', runs: [] });
        const live = {
          totals: await f.insights.totals(all()),
          nodes: await f.insights.failingNodes(all(), 10),
          series: await f.insights.series(all(), HOUR_MS),
        };
        await f.backfill();
        expect({
          totals: await f.insights.totals(all()),
          nodes: await f.insights.failingNodes(all(), 10),
          series: await f.insights.series(all(), HOUR_MS),
        }).toEqual(live);
      }),
    );
  });
};

/** BUCKETS counts with one answer in each named bucket. */
const counts = (...buckets: number[]): number[] => {
  const out = Array.from({ length: BUCKETS }, () => 0);
  for (const b of buckets) out[b] = (out[b] ?? 0) + 1;
  return out;
};

export const readMigration = (path: string): string =>
  readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
