import { useSetAtom } from 'jotai';
import './comments.css';
import { MessageSquare } from 'lucide-react';
import { useEditor } from '../editor/editor-context.tsx';
import { commentsFocusAtom, panelAtom } from '../state/atoms.ts';
import { useOpenThreadsOnNode } from './use-discussion.ts';

/** Opens the comments panel on a node's threads. */
export const useShowNodeThreads = () => {
  const setPanel = useSetAtom(panelAtom);
  const setFocus = useSetAtom(commentsFocusAtom);
  return (nodeId: string) => {
    setFocus({ nodeId });
    setPanel('comments');
  };
};

/** A bubble on a node's corner with the number of its open threads; none without one. */
export const NodeCommentMarker = ({ nodeId }: { nodeId: string }) => {
  const { discussion } = useEditor();
  const count = useOpenThreadsOnNode(discussion, nodeId);
  const showThreads = useShowNodeThreads();
  if (count === 0) return null;
  return (
    <button
      type="button"
      className="comment-marker nodrag"
      data-testid="comment-marker"
      aria-label={`${count} open comment thread${count === 1 ? '' : 's'}`}
      onClick={(e) => {
        e.stopPropagation();
        showThreads(nodeId);
      }}
    >
      <MessageSquare size={11} aria-hidden="true" />
      {count}
    </button>
  );
};

/** The same on a connection, drawn at its middle by the edge. */
export const EdgeCommentMarker = ({ count }: { count: number }) => {
  const setPanel = useSetAtom(panelAtom);
  return (
    <button
      type="button"
      className="comment-marker edge-comment-marker nodrag nopan"
      data-testid="edge-comment-marker"
      aria-label={`${count} open comment thread${count === 1 ? '' : 's'} on this connection`}
      onClick={() => setPanel('comments')}
    >
      <MessageSquare size={11} aria-hidden="true" />
      {count}
    </button>
  );
};
