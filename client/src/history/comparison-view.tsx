import { useSyncExternalStore } from 'react';
import { useEditor } from '../editor/editor-context.tsx';
import { ChangeList } from './change-list.tsx';
import { authorNames, timeOf, versionTitle } from './format.ts';
import './history.css';

/** The version compared with now, if any, and its changes as a list; the canvas marks the same nodes. */
export const ComparisonView = ({ label = 'Compared with now' }: { label?: string }) => {
  const { diff } = useEditor();
  const comparison = useSyncExternalStore(diff.subscribe, diff.comparison);
  if (!comparison) return null;
  return (
    <section className="history-compare" aria-label="Changes since this version">
      <div className="history-compare-head">
        <div className="history-compare-title">
          <span className="history-compare-label">{label}</span>
          <strong>{versionTitle({ kind: comparison.version.kind ?? 'auto', name: comparison.version.name })}</strong>
          <span className="muted">
            {timeOf(comparison.version.createdAt)}
            {comparison.version.authors.length > 0 && ` · ${authorNames(comparison.version.authors)}`}
          </span>
        </div>
        <button type="button" onClick={() => diff.clear()}>
          Close comparison
        </button>
      </div>
      <ChangeList result={comparison.result} />
    </section>
  );
};
