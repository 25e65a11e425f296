import { describe, expect, it } from 'vitest';
import type { ExecutionDto } from '#shared/api/executions.ts';
import type { LiveExecution } from '#shared/protocol/live-feed.ts';
import { applyLive, defaultFilters, listQuery, matches, windowOf, type ExecutionFilters } from './execution-filters.ts';

const live = (id: string, createdAt: number, over: Partial<LiveExecution> = {}): LiveExecution => ({
  id,
  workflowId: 'wf1',
  workflowName: 'Orders',
  mode: 'webhook',
  status: 'running',
  error: null,
  retryOf: null,
  createdBy: null,
  startedBy: null,
  createdAt,
  startedAt: createdAt,
  finishedAt: null,
  parentExecutionId: null,
  ...over,
});
const row = (id: string, createdAt: number, over: Partial<ExecutionDto> = {}): ExecutionDto => ({
  id,
  workflowId: 'wf1',
  workflowName: 'Orders',
  versionHash: 'h',
  mode: 'manual',
  status: 'succeeded',
  error: null,
  retryOf: null,
  createdAt,
  startedAt: createdAt,
  finishedAt: createdAt + 5,
  baseExecutionId: null,
  scope: null,
  destination: null,
  ...over,
});
const all: ExecutionFilters = { ...defaultFilters, range: 'all' };
const news = (executions: LiveExecution[], deleted: string[] = []) => ({ executions, deleted, overflow: false });

describe('the executions page filters', () => {
  it('makes the list query: repeated statuses and modes, the workflow, the window, the cursor', () => {
    const f: ExecutionFilters = { status: 'inFlight', mode: 'manual', workflowId: 'wf9', range: '24h' };
    const w = windowOf(f, 100_000_000);
    expect(w).toEqual({ from: 100_000_000 - 86_400_000 });
    expect(listQuery(f, w, '5:abc')).toBe(
      'limit=50&status=queued&status=running&mode=manual&mode=test&workflowId=wf9&from=13600000&cursor=5%3Aabc',
    );
    expect(listQuery(all, windowOf(all, 1), null)).toBe('limit=50');
    const custom: ExecutionFilters = { ...all, range: 'custom', from: 10, to: 20 };
    expect(windowOf(custom, 1)).toEqual({ from: 10, to: 20 });
  });

  it('matches runs as the server filters them', () => {
    const f: ExecutionFilters = {
      status: 'failed',
      mode: 'webhook',
      workflowId: 'wf1',
      range: 'custom',
      from: 10,
      to: 20,
    };
    const w = windowOf(f, 0);
    expect(matches(f, w, live('a', 15, { status: 'failed' }))).toBe(true);
    expect(matches(f, w, live('a', 15))).toBe(false);
    expect(matches(f, w, live('a', 21, { status: 'failed' }))).toBe(false);
    expect(matches(f, w, live('a', 15, { status: 'failed', mode: 'schedule' }))).toBe(false);
    expect(matches(f, w, live('a', 15, { status: 'failed', workflowId: 'wf2' }))).toBe(false);
  });

  it('puts new runs on top, updates known ones, drops those that stop matching or were deleted', () => {
    const rows = [row('b', 200), row('a', 100)];
    const context = { complete: true, names: new Map([['u1', 'Ann']]) };
    const started = applyLive(rows, news([live('c', 300, { createdBy: 'u1' })]), all, {}, context);
    expect(started.map((r) => [r.id, r.status, r.startedBy?.name])).toEqual([
      ['c', 'running', 'Ann'],
      ['b', 'succeeded', undefined],
      ['a', 'succeeded', undefined],
    ]);
    // A name the page does not know yet comes with the run.
    const byBen = applyLive(
      rows,
      news([live('d', 400, { createdBy: 'u2', startedBy: { id: 'u2', name: 'Ben' } })]),
      all,
      {},
      context,
    );
    expect(byBen[0]?.startedBy).toEqual({ id: 'u2', name: 'Ben' });
    const failed = applyLive(
      started,
      news([live('c', 300, { status: 'failed', error: 'boom' })], ['a']),
      all,
      {},
      context,
    );
    expect(failed.map((r) => [r.id, r.status, r.error])).toEqual([
      ['c', 'failed', 'boom'],
      ['b', 'succeeded', null],
    ]);
    const inFlight: ExecutionFilters = { ...all, status: 'inFlight' };
    expect(
      applyLive(started, news([live('c', 300, { status: 'succeeded' })]), inFlight, {}, context).map((r) => r.id),
    ).toEqual(['b', 'a']);
    // Older than every row loaded while more pages remain: "Load more" brings it, in its place.
    expect(applyLive(rows, news([live('z', 50)]), all, {}, { ...context, complete: false }).map((r) => r.id)).toEqual([
      'b',
      'a',
    ]);
  });
});
