import { useEffect, useState } from 'react';
import { api, ApiError } from '../api/client.ts';

interface LogLine {
  at: number;
  level: 'info' | 'warn' | 'error';
  node?: string;
  message: string;
}

/**
 * One execution's log (GET /api/executions/:id/logs): retries, failures, what
 * Code nodes printed with console, and how the run ended. Loaded again when
 * the execution's status changes, so a run that ends while open shows its end.
 */
export const ExecutionLog = ({ executionId, status }: { executionId: string; status: string }) => {
  const [lines, setLines] = useState<LogLine[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let current = true;
    api<{ logs: LogLine[] }>('GET', `/api/executions/${executionId}/logs`).then(
      (r) => {
        if (!current) return;
        setLines(r.logs);
        setError(undefined);
      },
      (e: unknown) => {
        if (current) setError(e instanceof ApiError ? e.message : 'Could not load the log');
      },
    );
    return () => {
      current = false;
    };
  }, [executionId, status]);

  if (error) return <p className="error">{error}</p>;
  if (!lines) return null;
  if (lines.length === 0) return <p className="muted execution-log-empty">Nothing in the log yet.</p>;
  return (
    <ol className="execution-log" aria-label="Execution log">
      {lines.map((l, i) => (
        <li key={i} className={`log-${l.level}`}>
          <time dateTime={new Date(l.at).toISOString()}>{new Date(l.at).toLocaleTimeString()}</time>
          {l.node && <span className="log-node">{l.node}</span>}
          <span className="log-message">{l.message}</span>
        </li>
      ))}
    </ol>
  );
};
