import { useState } from 'react';
import { Play, StepForward } from 'lucide-react';
import { useEditor } from '../editor/editor-context.tsx';
import { useStartRun } from './start-run.ts';

/**
 * "Execute step" (this node alone, its input from the run it builds on or its
 * parents' pins) and "Run to here" (what this node needs, reusing what did
 * not change), on the selected node's toolbar and in the inspector.
 */
export const NodeRunActions = ({ nodeId, compact = false }: { nodeId: string; compact?: boolean }) => {
  const { canRun } = useEditor();
  const start = useStartRun();
  const [busy, setBusy] = useState(false);
  if (!canRun) return null;
  const run = async (scope: 'step' | 'toHere') => {
    setBusy(true);
    await start({ scope, destination: nodeId });
    setBusy(false);
  };
  return (
    <div className={`node-run-actions ${compact ? 'compact' : ''}`} role="group" aria-label="Run this node">
      <button
        type="button"
        className="secondary"
        disabled={busy}
        onClick={() => void run('step')}
        title="Run this node alone, with its input from the last run or its parents' pinned data"
      >
        <Play size={12} aria-hidden="true" /> Execute step
      </button>
      <button
        type="button"
        className="secondary"
        disabled={busy}
        onClick={() => void run('toHere')}
        title="Run what this node needs and the node itself, reusing the outputs of nodes that did not change"
      >
        <StepForward size={12} aria-hidden="true" /> Run to here
      </button>
    </div>
  );
};
