import type { VersionDetailDto } from '#shared/api/versions.ts';
import { TypeLabel } from './type-label.tsx';
import { fieldLabel, setParameters, shortValue, timeOf, versionTitle } from './format.ts';

/**
 * A version opened read-only: its nodes with their parameters and its
 * connections, as a list. (The live canvas is bound to the session's
 * document, presence and runs; a version has none of them.)
 */
export const VersionView = ({ version, onClose }: { version: VersionDetailDto; onClose: () => void }) => {
  const { definition } = version;
  const names = new Map(definition.nodes.map((n) => [n.id, n.name]));
  return (
    <section className="version-view" aria-label="Version details">
      <div className="history-compare-head">
        <div className="history-compare-title">
          <span className="history-compare-label">Read-only</span>
          <strong>{versionTitle({ kind: version.kind ?? 'auto', name: version.name })}</strong>
          <span className="muted">{timeOf(version.createdAt)}</span>
        </div>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="muted version-summary">
        {definition.name} · {definition.nodes.length} node{definition.nodes.length === 1 ? '' : 's'},{' '}
        {definition.edges.length} connection{definition.edges.length === 1 ? '' : 's'}
      </p>
      <ul className="version-nodes">
        {definition.nodes.map((n) => {
          const params = setParameters(n.type, n.parameters);
          return (
            <li key={n.id} data-testid="version-node">
              <div className="change-node-head">
                <strong>{n.name}</strong>
                <TypeLabel name={n.name} type={n.type} />
              </div>
              {params.length > 0 && (
                <dl className="version-params">
                  {params.map(([key, value]) => (
                    <div key={key}>
                      <dt>{fieldLabel(`parameters.${key}`, n.type)}</dt>
                      <dd title={typeof value === 'string' ? value : JSON.stringify(value)}>{shortValue(value, 60)}</dd>
                    </div>
                  ))}
                </dl>
              )}
            </li>
          );
        })}
        {definition.edges.map((e) => (
          <li key={`${e.source}:${e.sourceHandle}->${e.target}:${e.targetHandle}`} className="change-edge muted">
            {names.get(e.source) ?? '?'} → {names.get(e.target) ?? '?'}
          </li>
        ))}
      </ul>
    </section>
  );
};
