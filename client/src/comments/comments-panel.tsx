import { useMemo, useState, useSyncExternalStore } from 'react';
import { useAtom } from 'jotai';
import { useReactFlow } from '@xyflow/react';
import { filterThreads, type Anchor, type ThreadFilter, type ThreadView } from '#shared/discussion/index.ts';
import { readNode } from '#shared/schema/index.ts';
import { useEditor } from '../editor/editor-context.tsx';
import { commentsFocusAtom } from '../state/atoms.ts';
import { SidePanel } from '../ui/side-panel.tsx';
import { NODE_HEIGHT, NODE_WIDTH } from '../canvas/node-size.ts';
import { Composer } from './composer.tsx';
import { ThreadCard, type NameOf } from './thread-card.tsx';
import { useMembers, useThreads } from './use-discussion.ts';

const FILTERS: { id: ThreadFilter; label: string }[] = [
  { id: 'open', label: 'Open' },
  { id: 'resolved', label: 'Resolved' },
  { id: 'mine', label: 'Mine' },
  { id: 'mentions', label: 'Mentions' },
];

/** Where a thread is, in words, from the live workflow: a renamed node shows its new name, a deleted one its old. */
const useAnchorText = (): ((anchor: Anchor) => string) => {
  const { session, binding } = useEditor();
  // The canvas snapshot changes with every change of the workflow's nodes and edges (renames, deletions).
  const snapshot = useSyncExternalStore(binding.subscribe, binding.getSnapshot);
  return useMemo(() => {
    const edges = new Map(snapshot.edges.map((e) => [e.id, e]));
    return (anchor: Anchor) => {
      if (anchor.kind === 'workflow') return 'On the workflow';
      if (anchor.kind === 'node') {
        const node = readNode(session.doc, anchor.nodeId);
        return node ? `On ${node.name}` : `On a deleted node ‘${anchor.label}’`;
      }
      const edge = edges.get(anchor.edgeId);
      if (!edge) return `On a deleted connection ‘${anchor.label}’`;
      const from = readNode(session.doc, edge.source)?.name ?? '?';
      const to = readNode(session.doc, edge.target)?.name ?? '?';
      return `On the connection ${from} → ${to}`;
    };
  }, [session, snapshot]);
};

/**
 * The workflow's comment threads: filter them, start one on the workflow or
 * on the selected node, reply, resolve. Clicking where a thread is shows that
 * node on the canvas.
 */
export const CommentsPanel = ({ workflowId, onClose }: { workflowId: string; onClose: () => void }) => {
  const { session, discussion, binding, canComment } = useEditor();
  const threads = useThreads(discussion);
  const members = useMembers(workflowId);
  const [filter, setFilter] = useState<ThreadFilter>('open');
  const [focus, setFocus] = useAtom(commentsFocusAtom);
  const anchorText = useAnchorText();
  const { setCenter, getZoom } = useReactFlow();
  const nameOf: NameOf = useMemo(() => {
    const names = new Map(members.map((m) => [m.userId, m.name]));
    return (id) => names.get(id);
  }, [members]);

  const onNode = focus?.nodeId;
  const filtered = filterThreads(threads, filter, discussion.userId);
  // A thread opened from the inbox shows whatever the filter says (it may have been resolved since).
  const picked = focus?.pinned ? threads.find((t) => t.id === focus.threadId && !filtered.includes(t)) : undefined;
  const shown = [...(picked ? [picked] : []), ...filtered].filter(
    (t) => onNode === undefined || (t.anchor.kind === 'node' && t.anchor.nodeId === onNode),
  );
  const newAnchor: Anchor = onNode
    ? { kind: 'node', nodeId: onNode, label: readNode(session.doc, onNode)?.name ?? '' }
    : { kind: 'workflow' };
  const newLabel = onNode ? `Comment on ${binding.getNode(onNode)?.name ?? 'this node'}` : 'Comment on the workflow';

  const show = (thread: ThreadView) => {
    if (thread.anchor.kind !== 'node') return undefined;
    const { nodeId } = thread.anchor;
    return () => {
      const node = readNode(session.doc, nodeId);
      if (!node) return;
      binding.select([nodeId]);
      void setCenter(node.position.x + NODE_WIDTH / 2, node.position.y + NODE_HEIGHT / 2, {
        zoom: getZoom(),
        duration: 200,
      });
    };
  };

  return (
    <SidePanel label="Comments" title="Comments" closeLabel="Close comments" onClose={onClose}>
      <div className="comment-filters" role="group" aria-label="Show threads">
        {FILTERS.map((f) => (
          <button key={f.id} type="button" aria-pressed={filter === f.id} onClick={() => setFilter(f.id)}>
            {f.label}
          </button>
        ))}
      </div>
      {onNode && (
        <p className="comment-scope">
          {anchorText({ kind: 'node', nodeId: onNode, label: '' })}{' '}
          <button type="button" className="link-button" onClick={() => setFocus(null)}>
            Show all threads
          </button>
        </p>
      )}
      {canComment && (
        <Composer
          key={onNode ?? 'workflow'}
          members={members}
          label={newLabel}
          submitLabel="Comment"
          autoFocus={focus?.compose === true}
          onSubmit={(body) => {
            const threadId = discussion.open(newAnchor, body);
            setFilter('open');
            setFocus({ ...(onNode ? { nodeId: onNode } : {}), threadId });
          }}
        />
      )}
      <div className="threads">
        {shown.length === 0 && <p className="muted">{filter === 'open' ? 'No open threads.' : 'No threads here.'}</p>}
        {shown.map((t) => (
          <ThreadCard
            key={t.id}
            thread={t}
            anchorText={anchorText(t.anchor)}
            members={members}
            nameOf={nameOf}
            focused={focus?.threadId === t.id}
            onShow={show(t)}
          />
        ))}
      </div>
    </SidePanel>
  );
};
