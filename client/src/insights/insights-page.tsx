import { useEffect, useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { UserDto, WorkflowDto } from '#shared/api/index.ts';
import { INSIGHTS_RANGES, type InsightsDto } from '#shared/api/insights.ts';
import { api, ApiError } from '../api/client.ts';
import { TopBar } from '../pages/topbar.tsx';
import { bucketLabel, formatMinutes, formatMs, formatRate } from './format.ts';
import { useChartColors } from './theme-colors.ts';
import './insights.css';

const RANGE_LABELS: Record<(typeof INSIGHTS_RANGES)[number], string> = {
  '24h': '24 h',
  '7d': '7 days',
  '30d': '30 days',
};

/** yyyy-mm-dd of a time, UTC (what a date input shows). */
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const Stat = ({ label, value, hint }: { label: string; value: string; hint?: string }) => (
  <div className="insights-stat">
    <span className="muted">{label}</span>
    <strong data-testid={`stat-${label}`}>{value}</strong>
    {hint && <span className="muted insights-hint">{hint}</span>}
  </div>
);

/**
 * Insights (docs/plans/home-insights.md §4): runs over time by status, failure rate, durations, time saved, the
 * nodes that fail most and webhook latency, for a range and optionally one workflow. The URL holds the choice
 * (`?range=7d&workflowId=…` or `?from=…&to=…`), so the editor can link to a workflow's insights.
 */
export const InsightsPage = ({ user, onSignOut }: { user: UserDto; onSignOut: () => void }) => {
  const [, navigate] = useLocation();
  const params = new URLSearchParams(useSearch());
  const workflowId = params.get('workflowId') ?? '';
  const from = params.get('from');
  const to = params.get('to');
  const range = from && to ? 'custom' : (params.get('range') ?? '24h');
  const [data, setData] = useState<InsightsDto>();
  const [error, setError] = useState<string>();
  const [workflows, setWorkflows] = useState<WorkflowDto[]>([]);
  const colors = useChartColors();

  const go = (next: Record<string, string | undefined>) => {
    const q = new URLSearchParams();
    const merged = {
      range: range === 'custom' ? undefined : range,
      from: from ?? undefined,
      to: to ?? undefined,
      workflowId,
      ...next,
    };
    for (const [k, v] of Object.entries(merged)) if (v) q.set(k, v);
    navigate(`/insights?${q.toString()}`);
  };

  const q = new URLSearchParams();
  if (from && to) {
    q.set('from', from);
    q.set('to', to);
  } else q.set('range', range);
  if (workflowId) q.set('workflowId', workflowId);
  const query = q.toString();

  useEffect(() => {
    let live = true;
    api<InsightsDto>('GET', `/api/insights?${query}`).then(
      (r) => {
        if (!live) return;
        setData(r);
        setError(undefined);
      },
      (e: unknown) => live && setError(e instanceof ApiError ? e.message : 'Could not reach the server'),
    );
    return () => {
      live = false;
    };
  }, [query]);

  useEffect(() => {
    api<{ workflows: WorkflowDto[] }>('GET', '/api/workflows').then(
      (r) => setWorkflows(r.workflows),
      () => setWorkflows([]),
    );
  }, []);

  const series = (data?.series ?? []).map((b) => {
    const runs = b.succeeded + b.failed + b.canceled;
    return {
      ...b,
      label: bucketLabel(b.at, data?.bucket ?? 'hour'),
      failureRate: runs === 0 ? null : (b.failed / runs) * 100,
    };
  });
  const chosen = workflows.find((w) => w.id === workflowId);
  const axis = { stroke: colors.muted, tick: { fill: colors.muted, fontSize: 12 } };
  const tooltip = {
    contentStyle: { background: colors.panel, border: `1px solid ${colors.border}`, color: colors.text },
  };

  return (
    <div className="page">
      <TopBar user={user} onSignOut={onSignOut} />
      <main className="insights">
        <div className="insights-head">
          <h1>Insights{chosen ? `: ${chosen.name}` : ''}</h1>
          <div className="insights-controls" role="group" aria-label="Time range">
            {INSIGHTS_RANGES.map((r) => (
              <button
                key={r}
                type="button"
                aria-pressed={range === r}
                className={range === r ? 'primary' : ''}
                onClick={() => go({ range: r, from: undefined, to: undefined })}
              >
                {RANGE_LABELS[r]}
              </button>
            ))}
            <label className="insights-custom">
              From
              <input
                type="date"
                value={from ? day(Number(from)) : ''}
                onChange={(e) => {
                  const start = Date.parse(`${e.target.value}T00:00:00Z`);
                  if (!Number.isFinite(start)) return;
                  const end = to ? Number(to) : Math.max(start + 86_400_000, Date.now());
                  go({ range: undefined, from: String(start), to: String(Math.max(end, start + 3_600_000)) });
                }}
              />
            </label>
            <label className="insights-custom">
              To
              <input
                type="date"
                value={to ? day(Number(to) - 1) : ''}
                onChange={(e) => {
                  const end = Date.parse(`${e.target.value}T00:00:00Z`) + 86_400_000;
                  if (!Number.isFinite(end)) return;
                  const start = from ? Number(from) : end - 7 * 86_400_000;
                  go({ range: undefined, from: String(Math.min(start, end - 3_600_000)), to: String(end) });
                }}
              />
            </label>
            <select
              aria-label="Workflow"
              value={workflowId}
              onChange={(e) => go({ workflowId: e.target.value || undefined })}
            >
              <option value="">Every workflow</option>
              {workflowId && !chosen && <option value={workflowId}>Workflow {workflowId}</option>}
              {workflows.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.name}
                </option>
              ))}
            </select>
          </div>
        </div>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {data && (
          <>
            <section className="insights-stats" aria-label="Totals">
              <Stat
                label="Runs"
                value={String(data.totals.runs)}
                hint={`${data.totals.succeeded} succeeded · ${data.totals.failed} failed · ${data.totals.canceled} canceled`}
              />
              <Stat label="Failure rate" value={formatRate(data.totals.failureRate)} />
              <Stat
                label="Duration p50"
                value={formatMs(data.totals.durationP50Ms)}
                hint={`p95 ${formatMs(data.totals.durationP95Ms)}`}
              />
              <Stat
                label="Time saved"
                value={formatMinutes(data.totals.minutesSaved)}
                hint="production runs × minutes saved per run"
              />
              <Stat
                label="Webhook latency p50"
                value={formatMs(data.webhookLatency.p50Ms)}
                hint={`p95 ${formatMs(data.webhookLatency.p95Ms)} · ${data.webhookLatency.responses} answers`}
              />
            </section>

            <section className="insights-card" aria-label="Runs over time">
              <h2>Runs by status</h2>
              <ResponsiveContainer width="100%" height={260}>
                <BarChart data={series} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
                  <CartesianGrid stroke={colors.border} vertical={false} />
                  <XAxis dataKey="label" {...axis} minTickGap={12} />
                  <YAxis allowDecimals={false} {...axis} width={40} />
                  <Tooltip {...tooltip} cursor={{ fill: colors.border, opacity: 0.4 }} />
                  <Legend wrapperStyle={{ color: colors.text }} />
                  <Bar dataKey="succeeded" name="Succeeded" stackId="runs" fill={colors.ok} isAnimationActive={false} />
                  <Bar dataKey="failed" name="Failed" stackId="runs" fill={colors.danger} isAnimationActive={false} />
                  <Bar
                    dataKey="canceled"
                    name="Canceled"
                    stackId="runs"
                    fill={colors.muted}
                    isAnimationActive={false}
                  />
                </BarChart>
              </ResponsiveContainer>
              <table className="visually-hidden" aria-label="Runs by status, as a table">
                <thead>
                  <tr>
                    <th>Start</th>
                    <th>Succeeded</th>
                    <th>Failed</th>
                    <th>Canceled</th>
                  </tr>
                </thead>
                <tbody>
                  {series
                    .filter((b) => b.succeeded + b.failed + b.canceled > 0)
                    .map((b) => (
                      <tr key={b.at}>
                        <td>{new Date(b.at).toISOString()}</td>
                        <td>{b.succeeded}</td>
                        <td>{b.failed}</td>
                        <td>{b.canceled}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </section>

            <div className="insights-grid">
              <section className="insights-card" aria-label="Failure rate over time">
                <h2>Failure rate</h2>
                <ResponsiveContainer width="100%" height={200}>
                  <LineChart data={series} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
                    <CartesianGrid stroke={colors.border} vertical={false} />
                    <XAxis dataKey="label" {...axis} minTickGap={12} />
                    <YAxis unit="%" domain={[0, 100]} {...axis} width={48} />
                    <Tooltip {...tooltip} formatter={(v) => `${Number(v).toFixed(1)}%`} />
                    <Line
                      dataKey="failureRate"
                      name="Failure rate"
                      stroke={colors.danger}
                      dot={{ r: 3, fill: colors.danger }}
                      connectNulls
                      isAnimationActive={false}
                    />
                  </LineChart>
                </ResponsiveContainer>
              </section>
              <section className="insights-card" aria-label="Nodes that fail most">
                <h2>Nodes that fail most</h2>
                {data.topFailingNodes.length === 0 ? (
                  <p className="muted">No node failed in this range.</p>
                ) : (
                  <ResponsiveContainer width="100%" height={Math.max(120, data.topFailingNodes.length * 28 + 20)}>
                    <BarChart
                      layout="vertical"
                      data={data.topFailingNodes.map((n) => ({
                        ...n,
                        label: workflowId ? n.nodeName : `${n.nodeName} · ${n.workflowName}`,
                      }))}
                      margin={{ top: 0, right: 16, bottom: 0, left: 0 }}
                    >
                      <XAxis type="number" allowDecimals={false} {...axis} />
                      <YAxis type="category" dataKey="label" width={180} {...axis} />
                      <Tooltip {...tooltip} cursor={{ fill: colors.border, opacity: 0.4 }} />
                      <Bar dataKey="failures" name="Failed runs" fill={colors.danger} isAnimationActive={false} />
                    </BarChart>
                  </ResponsiveContainer>
                )}
              </section>
            </div>

            {!workflowId && (
              <section className="insights-card" aria-label="Per workflow">
                <h2>Workflows with the most runs</h2>
                <table className="insights-table">
                  <thead>
                    <tr>
                      <th>Workflow</th>
                      <th>Runs</th>
                      <th>Failure rate</th>
                      <th>p50</th>
                      <th>p95</th>
                      <th>Time saved</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.byWorkflow.map((w) => (
                      <tr key={w.workflowId}>
                        <td>
                          <Link
                            href={`/insights?${new URLSearchParams({ ...(from && to ? { from, to } : { range }), workflowId: w.workflowId }).toString()}`}
                          >
                            {w.name}
                          </Link>
                        </td>
                        <td>{w.runs}</td>
                        <td>{formatRate(w.failureRate)}</td>
                        <td>{formatMs(w.durationP50Ms)}</td>
                        <td>{formatMs(w.durationP95Ms)}</td>
                        <td>{formatMinutes(w.minutesSaved)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {data.byWorkflow.length === 0 && <p className="muted">No runs in this range.</p>}
              </section>
            )}
            {workflowId && (
              <p>
                <Link href={`/w/${encodeURIComponent(workflowId)}`}>Open the workflow</Link>
              </p>
            )}
          </>
        )}
      </main>
    </div>
  );
};
