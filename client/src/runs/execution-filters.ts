import type { ExecutionDto } from '#shared/api/executions.ts';
import type { LiveExecution, LiveExecutions } from '#shared/protocol/live-feed.ts';

/**
 * The executions page's filters (docs/plans/home-insights.md §3): what the person picks, the list query it
 * makes, and whether a run the live feed reports belongs on the page — one definition for both, so a row
 * that arrives live is one the next reload would show.
 */

type Status = ExecutionDto['status'];
type Mode = ExecutionDto['mode'];

export const statusChoices = {
  any: { label: 'Any status', statuses: undefined },
  inFlight: { label: 'Queued or running', statuses: ['queued', 'running'] },
  succeeded: { label: 'Succeeded', statuses: ['succeeded'] },
  failed: { label: 'Failed', statuses: ['failed'] },
  canceled: { label: 'Canceled', statuses: ['canceled'] },
} as const satisfies Record<string, { label: string; statuses: readonly Status[] | undefined }>;

/** A test run (the editor's test webhook) is a manual run to the person; a retry is its own kind. */
export const modeChoices = {
  any: { label: 'Any trigger', modes: undefined },
  manual: { label: 'Manual', modes: ['manual', 'test'] },
  webhook: { label: 'Webhook', modes: ['webhook'] },
  schedule: { label: 'Schedule', modes: ['schedule'] },
  subworkflow: { label: 'Sub-workflow', modes: ['subworkflow'] },
  error: { label: 'Error workflow', modes: ['error'] },
  retry: { label: 'Retry', modes: ['retry'] },
} as const satisfies Record<string, { label: string; modes: readonly Mode[] | undefined }>;

const HOUR = 3_600_000;
export const rangeChoices = {
  '24h': { label: 'Last 24 hours', ms: 24 * HOUR },
  '7d': { label: 'Last 7 days', ms: 7 * 24 * HOUR },
  '30d': { label: 'Last 30 days', ms: 30 * 24 * HOUR },
  all: { label: 'Any time', ms: undefined },
  custom: { label: 'Custom…', ms: undefined },
} as const satisfies Record<string, { label: string; ms: number | undefined }>;

export type StatusChoice = keyof typeof statusChoices;
export type ModeChoice = keyof typeof modeChoices;
export type RangeChoice = keyof typeof rangeChoices;

export interface ExecutionFilters {
  status: StatusChoice;
  mode: ModeChoice;
  /** '' for every workflow. */
  workflowId: string;
  range: RangeChoice;
  /** With `range: 'custom'`: ms, either may be missing. */
  from?: number | undefined;
  to?: number | undefined;
}

export const defaultFilters: ExecutionFilters = { status: 'any', mode: 'any', workflowId: '', range: '7d' };

/** The created-time window the filters mean at `now`. */
export const windowOf = (f: ExecutionFilters, now: number): { from?: number; to?: number } => {
  if (f.range === 'custom') {
    return { ...(f.from !== undefined ? { from: f.from } : {}), ...(f.to !== undefined ? { to: f.to } : {}) };
  }
  const ms = rangeChoices[f.range].ms;
  return ms === undefined ? {} : { from: Math.max(0, now - ms) };
};

/** `GET /api/executions?…` for one page. */
export const listQuery = (
  f: ExecutionFilters,
  window: { from?: number; to?: number },
  cursor: string | null,
  limit = 50,
): string => {
  const q = new URLSearchParams({ limit: String(limit) });
  for (const s of statusChoices[f.status].statuses ?? []) q.append('status', s);
  for (const m of modeChoices[f.mode].modes ?? []) q.append('mode', m);
  if (f.workflowId) q.set('workflowId', f.workflowId);
  if (window.from !== undefined) q.set('from', String(Math.floor(window.from)));
  if (window.to !== undefined) q.set('to', String(Math.floor(window.to)));
  if (cursor) q.set('cursor', cursor);
  return q.toString();
};

/** Whether a run belongs on the page under these filters (the server's own test, for runs the feed brings). */
export const matches = (
  f: ExecutionFilters,
  window: { from?: number; to?: number },
  run: Pick<LiveExecution, 'status' | 'mode' | 'workflowId' | 'createdAt'>,
): boolean => {
  const statuses: readonly Status[] | undefined = statusChoices[f.status].statuses;
  const modes: readonly Mode[] | undefined = modeChoices[f.mode].modes;
  return (
    (statuses === undefined || statuses.includes(run.status)) &&
    (modes === undefined || modes.includes(run.mode)) &&
    (f.workflowId === '' || f.workflowId === run.workflowId) &&
    (window.from === undefined || run.createdAt >= window.from) &&
    (window.to === undefined || run.createdAt <= window.to)
  );
};

const newestFirst = (a: ExecutionDto, b: ExecutionDto): number =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/**
 * The page's rows after the feed's news: known rows take the new state (and leave when they no longer match,
 * e.g. a running run that ended under "Queued or running"), new matching runs join in order, deleted ones go.
 * A new run older than the last row loaded is left to "Load more" when more pages remain (`complete` false).
 */
export const applyLive = (
  rows: readonly ExecutionDto[],
  news: LiveExecutions,
  f: ExecutionFilters,
  window: { from?: number; to?: number },
  context: { complete: boolean; names: ReadonlyMap<string, string> },
): ExecutionDto[] => {
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const id of news.deleted) byId.delete(id);
  const oldest = rows.at(-1);
  for (const run of news.executions) {
    const known = byId.get(run.id);
    if (!matches(f, window, run)) {
      byId.delete(run.id);
      continue;
    }
    if (known) {
      byId.set(run.id, {
        ...known,
        status: run.status,
        error: run.error,
        startedAt: run.startedAt,
        finishedAt: run.finishedAt,
        workflowName: run.workflowName,
      });
      continue;
    }
    if (!context.complete && oldest && run.createdAt < oldest.createdAt) continue;
    const name = run.createdBy === null ? undefined : (run.startedBy?.name ?? context.names.get(run.createdBy));
    byId.set(run.id, {
      id: run.id,
      workflowId: run.workflowId,
      workflowName: run.workflowName,
      versionHash: '',
      mode: run.mode,
      status: run.status,
      error: run.error,
      retryOf: run.retryOf,
      createdAt: run.createdAt,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      baseExecutionId: null,
      scope: null,
      destination: null,
      parentExecutionId: run.parentExecutionId,
      startedBy: run.createdBy !== null && name !== undefined ? { id: run.createdBy, name } : null,
    });
  }
  return [...byId.values()].sort(newestFirst);
};
