import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'wouter';
import type { BulkRetryResult, ExecutionDto } from '#shared/api/executions.ts';
import type { UserDto } from '#shared/api/index.ts';
import { api, ApiError } from '../api/client.ts';
import { useLiveExecutions } from '../live/live-feed.ts';
import { executionHref } from '../runs/execution-links.ts';
import {
  applyLive,
  defaultFilters,
  listQuery,
  modeChoices,
  rangeChoices,
  statusChoices,
  windowOf,
  type ExecutionFilters,
  type ModeChoice,
  type RangeChoice,
  type StatusChoice,
} from '../runs/execution-filters.ts';
import { WorkflowPicker } from '../runs/workflow-picker.tsx';
import { TopBar } from './topbar.tsx';
import './executions.css';

interface Page {
  executions: ExecutionDto[];
  nextCursor: string | null;
}

const when = (ms: number): string => new Date(ms).toLocaleString([], { dateStyle: 'medium', timeStyle: 'medium' });

const duration = (e: ExecutionDto, now: number): string => {
  if (e.startedAt === null) return '—';
  const ms = (e.finishedAt ?? now) - e.startedAt;
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
};

const ended = (e: ExecutionDto): boolean => e.status !== 'queued' && e.status !== 'running';

/** A datetime-local input's value ↔ ms (local time, as the person reads it). */
const toInput = (ms: number | undefined): string => {
  if (ms === undefined) return '';
  const d = new Date(ms);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromInput = (text: string): number | undefined => {
  const ms = text ? new Date(text).getTime() : NaN;
  return Number.isFinite(ms) ? ms : undefined;
};

const message = (e: unknown, fallback: string): string => (e instanceof ApiError ? e.message : fallback);

/**
 * Every run of every workflow the person may read (docs/plans/home-insights.md §3): filtered, a page at a
 * time, kept current by the live feed; open one in its workflow's editor, stop, retry, delete, retry the
 * failed ones picked.
 */
export const ExecutionsPage = ({ user, onSignOut }: { user: UserDto; onSignOut: () => void }) => {
  const [filters, setFilters] = useState<ExecutionFilters>(defaultFilters);
  const [rows, setRows] = useState<ExecutionDto[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [now, setNow] = useState(() => Date.now());
  // The window is fixed when the filters are applied, so "last 24 hours" means the same rows for every page.
  const [span, setSpan] = useState(() => windowOf(defaultFilters, Date.now()));
  const generation = useRef(0);

  const load = useCallback(
    (cursor: string | null) => {
      const mine = cursor ? generation.current : ++generation.current;
      const w = cursor ? span : windowOf(filters, Date.now());
      api<Page>('GET', `/api/executions?${listQuery(filters, w, cursor)}`).then(
        (page) => {
          if (mine !== generation.current) return;
          if (!cursor) setSpan(w);
          setRows((before) =>
            cursor
              ? [...before, ...page.executions.filter((e) => !before.some((b) => b.id === e.id))]
              : page.executions,
          );
          setNext(page.nextCursor);
          setError(undefined);
          setLoading(false);
        },
        (e: unknown) => {
          if (mine !== generation.current) return;
          setError(message(e, 'Could not load the executions'));
          setLoading(false);
        },
      );
    },
    // `span` only matters for later pages, which read the one the first page fixed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [filters],
  );
  useEffect(() => load(null), [load]);

  // Durations of runs in flight keep counting.
  const inFlight = rows.some((r) => !ended(r));
  useEffect(() => {
    if (!inFlight) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [inFlight]);

  const names = useMemo(() => {
    const known = new Map<string, string>([[user.id, user.name]]);
    for (const r of rows) if (r.startedBy) known.set(r.startedBy.id, r.startedBy.name);
    return known;
  }, [rows, user]);
  useLiveExecutions({
    changes: (news) => setRows((before) => applyLive(before, news, filters, span, { complete: next === null, names })),
    resync: () => load(null),
  });

  const set = <K extends keyof ExecutionFilters>(key: K, value: ExecutionFilters[K]) => {
    setSelected(new Set());
    setFilters((f) => ({ ...f, [key]: value }));
  };

  const act = async (doing: string, call: () => Promise<void>) => {
    setNotice(undefined);
    try {
      await call();
      setError(undefined);
    } catch (e) {
      setError(message(e, `Could not ${doing}`));
    }
  };
  const stop = (e: ExecutionDto) => act('stop the run', () => api('POST', `/api/executions/${e.id}/stop`));
  const retry = (e: ExecutionDto) =>
    act('retry the run', async () => {
      const run = await api<ExecutionDto>('POST', `/api/executions/${e.id}/retry`);
      // The feed brings it too; adding it now shows it at once (applyLive keeps one row per id).
      setRows((before) =>
        applyLive(
          before,
          {
            executions: [
              {
                ...run,
                workflowName: e.workflowName ?? '',
                createdBy: user.id,
                startedBy: { id: user.id, name: user.name },
                parentExecutionId: null,
              },
            ],
            deleted: [],
            overflow: false,
          },
          filters,
          span,
          { complete: next === null, names },
        ),
      );
    });
  const remove = (e: ExecutionDto) => {
    if (
      !window.confirm(
        `Delete this ${e.status} run of “${e.workflowName ?? 'the workflow'}”? Its logs and items go with it.`,
      )
    )
      return;
    void act('delete the run', async () => {
      await api('DELETE', `/api/executions/${e.id}`);
      setRows((before) => before.filter((r) => r.id !== e.id));
      setSelected((s) => new Set([...s].filter((id) => id !== e.id)));
    });
  };

  const failedPicked = rows.filter((r) => selected.has(r.id) && r.status === 'failed');
  const retryPicked = () => {
    const count = failedPicked.length;
    if (count === 0) return;
    if (!window.confirm(`Retry ${count} failed run${count === 1 ? '' : 's'}?`)) return;
    void act('retry the runs', async () => {
      const { results } = await api<{ results: BulkRetryResult[] }>('POST', '/api/executions/retry', {
        ids: failedPicked.map((r) => r.id),
      });
      const refused = results.filter((r): r is Extract<BulkRetryResult, { ok: false }> => !r.ok);
      setSelected(new Set());
      setNotice(
        `Retried ${results.length - refused.length} of ${results.length}.` +
          (refused.length > 0 ? ` Not retried: ${refused.map((r) => r.error.message).join('; ')}` : ''),
      );
    });
  };

  const allPicked = rows.length > 0 && rows.every((r) => selected.has(r.id));
  const toggle = (id: string) =>
    setSelected((s) => {
      const copy = new Set(s);
      if (copy.has(id)) copy.delete(id);
      else copy.add(id);
      return copy;
    });

  return (
    <div className="shell">
      <TopBar user={user} onSignOut={onSignOut} />
      <main className="executions-page">
        <header className="executions-head">
          <h1>Executions</h1>
          <div className="executions-filters" role="search" aria-label="Filter executions">
            <select
              aria-label="Status"
              value={filters.status}
              onChange={(e) => set('status', e.target.value as StatusChoice)}
            >
              {Object.entries(statusChoices).map(([key, c]) => (
                <option key={key} value={key}>
                  {c.label}
                </option>
              ))}
            </select>
            <WorkflowPicker value={filters.workflowId} onChange={(id) => set('workflowId', id)} />
            <select
              aria-label="Trigger"
              value={filters.mode}
              onChange={(e) => set('mode', e.target.value as ModeChoice)}
            >
              {Object.entries(modeChoices).map(([key, c]) => (
                <option key={key} value={key}>
                  {c.label}
                </option>
              ))}
            </select>
            <select
              aria-label="Time range"
              value={filters.range}
              onChange={(e) => set('range', e.target.value as RangeChoice)}
            >
              {Object.entries(rangeChoices).map(([key, c]) => (
                <option key={key} value={key}>
                  {c.label}
                </option>
              ))}
            </select>
            {filters.range === 'custom' && (
              <>
                <input
                  type="datetime-local"
                  aria-label="From"
                  value={toInput(filters.from)}
                  onChange={(e) => set('from', fromInput(e.target.value))}
                />
                <input
                  type="datetime-local"
                  aria-label="To"
                  value={toInput(filters.to)}
                  onChange={(e) => set('to', fromInput(e.target.value))}
                />
              </>
            )}
          </div>
          <button type="button" className="primary" disabled={failedPicked.length === 0} onClick={retryPicked}>
            Retry failed{failedPicked.length > 0 ? ` (${failedPicked.length})` : ''}
          </button>
        </header>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        {rows.length === 0 && !loading && !error ? (
          <p className="muted">No runs match. Runs of every workflow you can open show up here as they start.</p>
        ) : (
          <table className="executions-table" aria-label="Executions">
            <thead>
              <tr>
                <th>
                  <input
                    type="checkbox"
                    aria-label="Select all"
                    checked={allPicked}
                    onChange={() => setSelected(allPicked ? new Set() : new Set(rows.map((r) => r.id)))}
                  />
                </th>
                <th>Status</th>
                <th>Workflow</th>
                <th>Trigger</th>
                <th>Started</th>
                <th>Duration</th>
                <th>By</th>
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.id} data-execution={e.id} data-status={e.status}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select the ${e.status} run of ${e.workflowName ?? 'its workflow'}`}
                      checked={selected.has(e.id)}
                      onChange={() => toggle(e.id)}
                    />
                  </td>
                  <td>
                    <span className={`exec-chip exec-${e.status}`} title={e.error ?? undefined}>
                      {e.status}
                    </span>
                  </td>
                  <td>
                    <Link href={`/w/${encodeURIComponent(e.workflowId)}`}>{e.workflowName ?? e.workflowId}</Link>
                    {e.error && <div className="exec-error">{e.error}</div>}
                  </td>
                  <td>{e.mode}</td>
                  <td>{when(e.startedAt ?? e.createdAt)}</td>
                  <td>{duration(e, now)}</td>
                  <td>{e.startedBy?.name ?? <span className="muted">—</span>}</td>
                  <td>
                    <div className="exec-actions">
                      <Link href={executionHref(e.workflowId, e.id)}>Open</Link>
                      {!ended(e) && (
                        <button type="button" onClick={() => void stop(e)}>
                          Stop
                        </button>
                      )}
                      {ended(e) && (
                        <button type="button" onClick={() => void retry(e)}>
                          Retry
                        </button>
                      )}
                      {ended(e) && (
                        <button type="button" className="danger" onClick={() => remove(e)}>
                          Delete
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {next && (
          <button
            type="button"
            disabled={loading}
            onClick={() => {
              setLoading(true);
              load(next);
            }}
          >
            {loading ? 'Loading…' : 'Load more'}
          </button>
        )}
      </main>
    </div>
  );
};
