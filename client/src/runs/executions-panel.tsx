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
}

/** The workflow's executions, newest first; picking one shows its log here and its items in the inspector. */
export const ExecutionsPanel = ({ workflowId, onClose }: { workflowId: string; onClose: () => void }) => {
  const { runs, canRun } = useEditor();
  const live = useSyncExternalStore(runs.subscribe, runs.getExecution);
  const [rows, setRows] = useState<ExecutionRow[]>([]);
  const [error, setError] = useState<string>();
  const [viewed, setViewed] = useAtom(viewedExecutionAtom);
  const version = useVersionActions(workflowId);

  // Reload when the room's run moves on (a new run, or one ending).
  const liveKey = `${live?.id ?? ''}:${live?.status ?? ''}`;
  useEffect(() => {
    api<{ executions: ExecutionRow[] }>('GET', `/api/executions?workflowId=${workflowId}&limit=50`).then(
      (r) => setRows(r.executions),
      (e: unknown) => setError(e instanceof ApiError ? e.message : 'Could not load executions'),
    );
  }, [workflowId, liveKey]);

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
      {rows.length === 0 ? (
        <p className="muted">No runs yet. Press Run, or call the workflow's webhook.</p>
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
