import { useSyncExternalStore } from 'react';
import { useAtomValue } from 'jotai';
import { useEditor } from '../editor/editor-context.tsx';
import { viewedExecutionAtom } from '../state/atoms.ts';
import { useExecutionDetail } from './execution-detail.ts';

/** Inspector section: what the selected node received and produced in the execution being viewed. */

const ItemsView = ({ title, items }: { title: string; items: Record<string, { json: unknown }[]> }) => {
  const handles = Object.entries(items);
  const count = handles.reduce((n, [, list]) => n + list.length, 0);
  return (
    <details className="run-items" open={count > 0 && count <= 20}>
      <summary>
        {title}: {count} item{count === 1 ? '' : 's'}
      </summary>
      {handles.map(([handle, list]) => (
        <div key={handle}>
          {handles.length > 1 && <div className="muted">{handle}</div>}
          <pre>
            {JSON.stringify(
              list.map((i) => i.json),
              null,
              2,
            )}
          </pre>
        </div>
      ))}
    </details>
  );
};

export const NodeRunData = ({ nodeId }: { nodeId: string }) => {
  const { runs } = useEditor();
  const live = useSyncExternalStore(runs.subscribe, () => runs.node(nodeId));
  const viewed = useAtomValue(viewedExecutionAtom);
  const detail = useExecutionDetail();
  const nodeRuns = detail?.nodeRuns.filter((r) => r.nodeId === nodeId) ?? [];
  if (!detail && !live) return null;
  return (
    <section className="run-data" aria-label="Run data">
      <h3>
        {viewed ? 'Picked run' : 'Last run'}
        {detail ? ` · ${detail.status}` : live ? ` · ${live.status}` : ''}
      </h3>
      {detail && nodeRuns.length === 0 && <p className="muted">This node did not run.</p>}
      {nodeRuns.map((r) => (
        <div key={r.runIndex} className="node-run">
          {nodeRuns.length > 1 && <div className="muted">Run {r.runIndex + 1}</div>}
          {r.error && <p className="error">{r.error}</p>}
          <ItemsView title="Input" items={r.input} />
          <ItemsView title="Output" items={r.output} />
        </div>
      ))}
    </section>
  );
};
