import { useSyncExternalStore } from 'react';
import { ViewportPortal } from '@xyflow/react';
import { NODE_HEIGHT, NODE_WIDTH } from '../canvas/node-size.ts';
import { useEditor } from '../editor/editor-context.tsx';

interface Ghost {
  id: string;
  name: string;
  at: { x: number; y: number };
  kind: 'removed' | 'moved';
}

/**
 * While a version is compared with now: where nodes removed since stood (red,
 * dashed) and where moved ones were (amber, dashed), drawn in the canvas's
 * coordinates under the live nodes. They are not nodes: nothing selects,
 * drags or connects them.
 */
export const DiffGhosts = () => {
  const { diff } = useEditor();
  const comparison = useSyncExternalStore(diff.subscribe, diff.comparison);
  if (!comparison) return null;
  const before = new Map(comparison.version.definition.nodes.map((n) => [n.id, n]));
  const ghosts = comparison.result.nodes.flatMap((n): Ghost[] => {
    const old = before.get(n.id);
    if (n.status === 'removed' && old) return [{ id: n.id, name: n.name, at: old.position, kind: 'removed' }];
    if (n.status === 'moved' && n.from) return [{ id: n.id, name: n.name, at: n.from, kind: 'moved' }];
    return [];
  });
  return (
    <ViewportPortal>
      {ghosts.map((g) => (
        <div
          key={g.id}
          className={`diff-ghost diff-ghost-${g.kind}`}
          data-testid="diff-ghost"
          data-diff={g.kind}
          data-node-name={g.name}
          style={{ transform: `translate(${g.at.x}px, ${g.at.y}px)`, width: NODE_WIDTH, height: NODE_HEIGHT }}
        >
          <span>{g.name}</span>
          <span className="diff-ghost-note">{g.kind === 'removed' ? 'removed since' : 'was here'}</span>
        </div>
      ))}
    </ViewportPortal>
  );
};
