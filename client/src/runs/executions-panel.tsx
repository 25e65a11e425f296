import { useEffect, useState, useSyncExternalStore } from 'react';
import { useAtom } from 'jotai';
import { api, ApiError } from '../api/client.ts';
import { useEditor } from '../editor/editor-context.tsx';
import { viewedExecutionAtom } from '../state/atoms.ts';
import { ComparisonView } from '../history/comparison-view.tsx';
import { historyErrorText } from '../history/history-api.ts';
import { useVersionActions } from '../history/use-version-actions.ts';
import { SidePanel } from '../ui/side-panel.tsx';
import { ExecutionLog } from './execution-log.tsx';
import { loadExecutionDetail } from './execution-detail.ts';
import { customDataEntries, customFilterQuery } from './custom-data-filter.ts';
import { executionHref } from './execution-links.ts';

interface ExecutionRow {
  id: string;
  /** The saved version it ran (a content hash the version routes take as a ref). */
  versionHash: string;
  mode: string;
  status: string;
  error: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** A sub-workflow run's caller. */
  parentExecutionId?: string | null;
  parentWorkflowId?: string | null;
  /** What the run saved about itself (Execution Data, `$execution.customData`). */
  customData?: Record<string, string> | null;
}

/** The runs a picked run called (its detail's children): links to each. */
const CalledRuns = ({ executionId }: { executionId: string }) => {
  const [children, setChildren] = useState<{ id: string; workflowId: string; status: string }[]>([]);
  useEffect(() => {
    let current = true;
    // The inspector reads the same detail: one request, not a second download of the run's items.
    loadExecutionDetail(executionId).then(
      (d) => {
        if (current) setChildren(d.children ?? []);
      },
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [executionId]);
  if (children.length === 0) return null;
  return (
    <div className="called-runs" data-testid="called-runs">
      Called {children.length} workflow run{children.length === 1 ? '' : 's'}:{' '}
      {children.map((c, i) => (
        <span key={c.id}>
          {i > 0 && ', '}
          <a href={executionHref(c.workflowId, c.id)}>{c.status}</a>
        </span>
      ))}
    </div>
  );
};

/** The workflow's executions, newest first; picking one shows its log here and its items in the inspector. */
export const ExecutionsPanel = ({ workflowId, onClose }: { workflowId: string; onClose: () => void }) => {
  const { runs, canRun } = useEditor();
  const live = useSyncExternalStore(runs.subscribe, runs.getExecution);
  const [rows, setRows] = useState<ExecutionRow[]>([]);
  const [error, setError] = useState<string>();
  const [viewed, setViewed] = useAtom(viewedExecutionAtom);
  const version = useVersionActions(workflowId);
  const [filterKey, setFilterKey] = useState('');
  const [filterValue, setFilterValue] = useState('');
  const filter = customFilterQuery(filterKey, filterValue);
  const filterQuery = 'query' in filter ? filter.query : undefined;

  // Reload when the room's run moves on (a new run, or one ending), or the filter changes.
  const liveKey = `${live?.id ?? ''}:${live?.status ?? ''}`;
  useEffect(() => {
    if (filterQuery === undefined) return;
    let current = true;
    api<{ executions: ExecutionRow[] }>('GET', `/api/executions?workflowId=${workflowId}&limit=50${filterQuery}`).then(
      (r) => {
        if (current) setRows(r.executions);
      },
      (e: unknown) => setError(e instanceof ApiError ? e.message : 'Could not load executions'),
    );
    return () => {
      current = false;
    };
  }, [workflowId, liveKey, filterQuery]);

  const act = async (path: string, method = 'POST') => {
    try {
      await api(method, path);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Could not reach the server');
    }
  };

  const showVersion = async (doing: string, action: () => Promise<void>) => {
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(historyErrorText(e, doing));
    }
  };

  return (
    <SidePanel label="Executions panel" title="Executions" closeLabel="Close executions" onClose={onClose}>
      {error && <p className="error">{error}</p>}
      <ComparisonView label="The run's version, compared with now" />
      <div className="custom-filter" role="search" aria-label="Filter by custom data">
        <input
          aria-label="Custom data key"
          placeholder="Custom data key"
          value={filterKey}
          onChange={(ev) => setFilterKey(ev.target.value)}
        />
        <input
          aria-label="Custom data value"
          placeholder="Value (exact)"
          value={filterValue}
          onChange={(ev) => setFilterValue(ev.target.value)}
        />
      </div>
      {'problem' in filter ? (
        <p className="error">{filter.problem}</p>
      ) : rows.length === 0 ? (
        <p className="muted">
          {filterKey.trim() === '' ? "No runs yet. Press Run, or call the workflow's webhook." : 'No run saved that.'}
        </p>
      ) : (
        <ul className="executions" aria-label="Executions">
          {rows.map((e) => (
            <li key={e.id} className={viewed === e.id ? 'viewed' : ''}>
              <button type="button" className="execution-pick" onClick={() => setViewed(viewed === e.id ? null : e.id)}>
                <span className={`run-chip run-${e.status}`}>{e.status}</span>
                <span>{e.mode}</span>
                <span className="muted">{new Date(e.createdAt).toLocaleTimeString()}</span>
                {e.finishedAt && e.startedAt && <span className="muted">{e.finishedAt - e.startedAt} ms</span>}
              </button>
              {e.error && <div className="execution-error">{e.error}</div>}
              {customDataEntries(e.customData).length > 0 && (
                <dl className="custom-data" aria-label="Custom data">
                  {customDataEntries(e.customData).map(([key, value]) => (
                    <div key={key}>
                      <dt>{key}</dt>
                      <dd>{value}</dd>
                    </div>
                  ))}
                </dl>
              )}
              {e.parentExecutionId && e.parentWorkflowId && (
                <div className="called-by" data-testid="called-by">
                  <a href={executionHref(e.parentWorkflowId, e.parentExecutionId)}>Called by another workflow’s run</a>
                </div>
              )}
              {viewed === e.id && <CalledRuns executionId={e.id} />}
              {viewed === e.id && <ExecutionLog executionId={e.id} status={e.status} />}
              <div className="history-actions" aria-label="The version it ran">
                <button
                  type="button"
                  className="link-button"
                  onClick={() => void showVersion('show this run’s version', () => version.open(e.versionHash))}
                >
                  Show on canvas
                </button>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => void showVersion('compare this run’s version', () => version.compare(e.versionHash))}
                >
                  Diff against now
                </button>
              </div>
              {canRun && (
                <div className="row">
                  {(e.status === 'running' || e.status === 'queued') && (
                    <button type="button" onClick={() => void act(`/api/executions/${e.id}/stop`)}>
                      Stop
                    </button>
                  )}
                  {e.status !== 'running' && e.status !== 'queued' && (
                    <button type="button" onClick={() => void act(`/api/executions/${e.id}/retry`)}>
                      Retry
                    </button>
                  )}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </SidePanel>
  );
};
