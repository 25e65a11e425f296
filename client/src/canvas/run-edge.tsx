import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getSmoothStepPath, getStraightPath, type EdgeProps } from '@xyflow/react';
import { MAIN } from '#shared/nodes/types.ts';
import { useEditor, useNodeRun } from '../editor/editor-context.tsx';
import { EdgeCommentMarker } from '../comments/comment-marker.tsx';
import { useOpenThreadsOnEdge } from '../comments/use-discussion.ts';
import { useSimpleDrawing } from './level-of-detail.ts';

/**
 * Every edge of the canvas: a smooth step line that, once the room's run has
 * sent items along it, is drawn as part of the executed path with how many
 * items it carried (as n8n labels its connections).
 */
const DetailedEdge = ({
  id,
  source,
  sourceHandleId,
  sourceX,
  sourceY,
  sourcePosition,
  targetX,
  targetY,
  targetPosition,
  style,
  markerEnd,
  markerStart,
  interactionWidth,
}: EdgeProps) => {
  const { runs, discussion } = useEditor();
  const run = useNodeRun(runs, source);
  const openThreads = useOpenThreadsOnEdge(discussion, id);
  const [path, labelX, labelY] = getSmoothStepPath({
    sourceX,
    sourceY,
    sourcePosition,
    targetX,
    targetY,
    targetPosition,
  });
  // A node that failed and stopped the run handed nothing on, whatever it had made.
  const carried = run?.status === 'succeeded' ? (run.itemsOut?.[sourceHandleId ?? MAIN] ?? 0) : 0;
  return (
    <>
      <BaseEdge
        path={path}
        className={carried > 0 ? 'run-path' : undefined}
        {...(style ? { style } : {})}
        {...(markerEnd ? { markerEnd } : {})}
        {...(markerStart ? { markerStart } : {})}
        {...(interactionWidth !== undefined ? { interactionWidth } : {})}
      />
      {openThreads > 0 && (
        <EdgeLabelRenderer>
          <div
            className="edge-comments"
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY - 16}px)` }}
          >
            <EdgeCommentMarker count={openThreads} />
          </div>
        </EdgeLabelRenderer>
      )}
      {carried > 0 && (
        <EdgeLabelRenderer>
          <div
            className="edge-items"
            data-testid="edge-items"
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          >
            {carried} item{carried === 1 ? '' : 's'}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
};

/** Zoomed out (see level-of-detail.ts): a straight line, no labels, no hit area, nothing read from runs or comments. */
const SimpleEdge = ({ sourceX, sourceY, targetX, targetY, style, markerEnd, markerStart }: EdgeProps) => {
  const [path] = getStraightPath({ sourceX, sourceY, targetX, targetY });
  return (
    <BaseEdge
      path={path}
      interactionWidth={0}
      {...(style ? { style } : {})}
      {...(markerEnd ? { markerEnd } : {})}
      {...(markerStart ? { markerStart } : {})}
    />
  );
};

const RunEdge = (props: EdgeProps) => (useSimpleDrawing() ? <SimpleEdge {...props} /> : <DetailedEdge {...props} />);

export const edgeTypes = { run: memo(RunEdge) };
