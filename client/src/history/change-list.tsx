import { useReactFlow } from '@xyflow/react';
import type { DefinitionComparison, NodeComparison, ValueChange } from '#shared/schema/diff/describe.ts';
import { readNode } from '#shared/schema/index.ts';
import { NODE_HEIGHT, NODE_WIDTH } from '../canvas/node-size.ts';
import { useEditor } from '../editor/editor-context.tsx';
import { describeChange } from './format.ts';
import { TypeLabel } from './type-label.tsx';

const STATUS_TEXT: Record<NodeComparison['status'], string> = {
  added: 'added',
  removed: 'removed',
  moved: 'moved',
  changed: 'changed',
  same: '',
};

/** "URL: https://a → https://b", or a compact line diff for text that spans lines. */
const FieldChange = ({ change, nodeType }: { change: ValueChange; nodeType?: string }) => {
  const { label, before, after, lines } = describeChange(change, nodeType);
  if (lines) {
    return (
      <li className="field-change" data-testid="field-change">
        <span className="field-label">{label}:</span>
        <pre className="line-diff">
          {lines.map((l, i) => (
            <div key={i} className={`line-${l.op === '-' ? 'del' : l.op === '+' ? 'ins' : 'ctx'}`}>
              {l.op} {l.text}
            </div>
          ))}
        </pre>
      </li>
    );
  }
  return (
    <li className="field-change" data-testid="field-change" title={`${label}: ${before} → ${after}`}>
      <span className="field-label">{label}:</span> <del>{before}</del> <span aria-hidden="true">→</span>{' '}
      <ins>{after}</ins>
    </li>
  );
};

/** What differs between the compared version and now, node by node, then connections and the workflow's own fields. */
export const ChangeList = ({ result }: { result: DefinitionComparison }) => {
  const { session, binding } = useEditor();
  const { setCenter, getZoom } = useReactFlow();
  // In reading order on the canvas (removed nodes, not on it, last), so the list follows what the eye sees.
  const at = (id: string) => readNode(session.doc, id)?.position ?? { x: Infinity, y: Infinity };
  const changed = result.nodes
    .filter((n) => n.status !== 'same')
    .map((n) => ({ n, p: at(n.id) }))
    .sort((u, v) => u.p.y - v.p.y || u.p.x - v.p.x)
    .map(({ n }) => n);
  const names = new Map(result.nodes.map((n) => [n.id, n.name]));
  const edgeText = (e: { source: string; target: string }) =>
    `${names.get(e.source) ?? '?'} → ${names.get(e.target) ?? '?'}`;
  const show = (id: string) => {
    const node = readNode(session.doc, id);
    if (!node) return;
    binding.select([id]);
    void setCenter(node.position.x + NODE_WIDTH / 2, node.position.y + NODE_HEIGHT / 2, {
      zoom: getZoom(),
      duration: 200,
    });
  };
  const total = changed.length + result.edges.added.length + result.edges.removed.length + result.meta.length;
  if (total === 0) return <p className="muted">No differences: the workflow is as it was in this version.</p>;
  return (
    <ul className="change-list" aria-label="Changes">
      {result.meta.length > 0 && (
        <li className="change-node">
          <div className="change-node-head">
            <span className="diff-dot diff-changed" aria-hidden="true" />
            <strong>Workflow</strong>
          </div>
          <ul className="field-changes">
            {result.meta.map((c) => (
              <FieldChange key={c.path} change={c} />
            ))}
          </ul>
        </li>
      )}
      {changed.map((n) => (
        <li key={n.id} className="change-node" data-testid="node-change" data-status={n.status}>
          <div className="change-node-head">
            <span className={`diff-dot diff-${n.status}`} aria-hidden="true" />
            {n.status === 'removed' ? (
              <strong>{n.name}</strong>
            ) : (
              <button type="button" className="link-button" title="Show on the canvas" onClick={() => show(n.id)}>
                <strong>{n.name}</strong>
              </button>
            )}
            <TypeLabel name={n.name} type={n.type} />
            <span className={`change-status diff-${n.status}`}>{STATUS_TEXT[n.status]}</span>
          </div>
          {(n.renamed !== undefined || n.params.length > 0 || n.status === 'moved') && (
            <ul className="field-changes">
              {n.renamed && (
                <li className="field-change">
                  <span className="field-label">Renamed:</span> <del>{n.renamed.from}</del>{' '}
                  <span aria-hidden="true">→</span> <ins>{n.renamed.to}</ins>
                </li>
              )}
              {n.params.map((c) => (
                <FieldChange key={c.path} change={c} nodeType={n.type} />
              ))}
              {n.status === 'moved' && <li className="field-change muted">Moved on the canvas</li>}
            </ul>
          )}
        </li>
      ))}
      {result.edges.added.map((e) => (
        <li key={`+${e.id}`} className="change-edge">
          <span className="diff-dot diff-added" aria-hidden="true" /> Connection added: {edgeText(e)}
        </li>
      ))}
      {result.edges.removed.map((e) => (
        <li key={`-${e.id}`} className="change-edge">
          <span className="diff-dot diff-removed" aria-hidden="true" /> Connection removed: {edgeText(e)}
        </li>
      ))}
    </ul>
  );
};
