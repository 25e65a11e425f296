import { useEffect, useState } from 'react';
import { Info } from 'lucide-react';
import type { ChangeDto } from '#shared/api/changes.ts';
import { listChanges } from '../api/changes.ts';
import { useEditor } from '../editor/editor-context.tsx';
import { changedByText, changeLines } from './last-changes-text.ts';

/**
 * Who last changed a node or parameter (docs/plans/collaboration.md §6.4).
 * Read once when asked for (the node selected, the ⓘ opened): it is a hint,
 * so a failure shows nothing rather than an error.
 */
interface Answer {
  key: string;
  changes: ChangeDto[];
  /** When it was read: relative times count from here (rendering stays pure). */
  at: number;
}

const useChanges = (nodeId: string, param: string | undefined, enabled: boolean): Omit<Answer, 'key'> | undefined => {
  const { session } = useEditor();
  const workflowId = session.provider.roomname;
  const key = `${workflowId}\u0000${nodeId}\u0000${param ?? ''}`;
  const [answer, setAnswer] = useState<Answer>();
  useEffect(() => {
    if (!enabled) return;
    let current = true;
    const settle = (changes: ChangeDto[]) => {
      if (current) setAnswer({ key, changes, at: Date.now() });
    };
    listChanges(workflowId, nodeId, param).then(settle, () => settle([]));
    return () => {
      current = false;
    };
  }, [key, workflowId, nodeId, param, enabled]);
  // An answer for another node (the selection moved) is not this one's.
  return enabled && answer?.key === key ? answer : undefined;
};

/** Under the node's header: "Changed by Ann 3 min ago, Bob yesterday"; nothing when nobody is known. */
export const LastChanges = ({ nodeId }: { nodeId: string }) => {
  const answer = useChanges(nodeId, undefined, true);
  const text = answer ? changedByText(answer.changes, answer.at) : '';
  if (!text) return null;
  return (
    <p className="last-changes muted" data-testid="last-changes">
      {text}
    </p>
  );
};

/** A parameter's ⓘ: who changed it last, in a small popover read when opened. */
export const ParamChanges = ({ nodeId, param, label }: { nodeId: string; param: string; label: string }) => {
  const [open, setOpen] = useState(false);
  const answer = useChanges(nodeId, param, open);
  const lines = answer ? changeLines(answer.changes, answer.at) : [];
  return (
    <span className="param-changes">
      <button
        type="button"
        className="icon-button param-changes-button"
        aria-label={`Who changed ${label}`}
        title={`Who changed ${label}`}
        aria-expanded={open}
        onClick={() => setOpen((was) => !was)}
        onBlur={() => setOpen(false)}
      >
        <Info size={12} aria-hidden="true" />
      </button>
      {open && (
        <span className="param-changes-popover" role="tooltip">
          {!answer
            ? 'Loading…'
            : lines.length === 0
              ? 'No recorded changes'
              : lines.map((line) => <span key={line}>{line}</span>)}
        </span>
      )}
    </span>
  );
};
