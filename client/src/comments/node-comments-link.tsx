import { useSetAtom } from 'jotai';
import { MessageSquare } from 'lucide-react';
import { useEditor } from '../editor/editor-context.tsx';
import { commentsFocusAtom, panelAtom } from '../state/atoms.ts';
import { useOpenThreadsOnNode } from './use-discussion.ts';

/** In the inspector: the node's open threads, and a way to start one (commenters too). */
export const NodeCommentsLink = ({ nodeId }: { nodeId: string }) => {
  const { discussion, canComment } = useEditor();
  const open = useOpenThreadsOnNode(discussion, nodeId);
  const setPanel = useSetAtom(panelAtom);
  const setFocus = useSetAtom(commentsFocusAtom);
  if (!canComment && open === 0) return null;
  return (
    <p className="node-comments-link">
      <MessageSquare size={14} aria-hidden="true" />{' '}
      <button
        type="button"
        className="link-button"
        onClick={() => {
          setFocus({ nodeId, compose: canComment });
          setPanel('comments');
        }}
      >
        {canComment ? 'Comment on this node' : 'Comments on this node'}
        {open > 0 ? ` (${open} open)` : ''}
      </button>
    </p>
  );
};
