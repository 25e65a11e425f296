import { useEditor, useNodeRun } from '../editor/editor-context.tsx';
import { useExecutionDetail } from './execution-detail.ts';
import { executionHref } from './execution-links.ts';

/**
 * Execute Workflow's inspector: "Open sub-execution" opens the workflow it called, showing that run (live while
 * it goes, from the child's room). The run is the one in progress on the canvas, else those the shown run
 * called from this node.
 */
export const SubExecutionLink = ({ nodeId }: { nodeId: string }) => {
  const { runs } = useEditor();
  const live = useNodeRun(runs, nodeId)?.child;
  const detail = useExecutionDetail();
  const called = (detail?.children ?? []).filter((c) => c.parentNodeId === nodeId);
  const links = live
    ? [{ id: live.executionId, workflowId: live.workflowId, status: live.status }]
    : called.map((c) => ({ id: c.id, workflowId: c.workflowId, status: c.status }));
  if (links.length === 0) return null;
  return (
    <section className="sub-executions" aria-label="Sub-executions">
      {links.slice(0, 20).map((c, i) => (
        <a key={c.id} className="button-link" href={executionHref(c.workflowId, c.id)} data-testid="open-sub-execution">
          Open sub-execution{links.length > 1 ? ` ${i + 1}` : ''} ({c.status})
        </a>
      ))}
      {links.length > 20 && <span className="muted"> and {links.length - 20} more</span>}
    </section>
  );
};
