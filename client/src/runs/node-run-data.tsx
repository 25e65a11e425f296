import { useSyncExternalStore } from 'react';
import { useAtomValue } from 'jotai';
import { nodePorts } from '#shared/nodes/ports.ts';
import { useDefinition } from '../doc/use-workflow-session.ts';
import { useEditor } from '../editor/editor-context.tsx';
import { ItemsPanel } from '../inspector/io-panels/items-views.tsx';
import { viewedExecutionAtom } from '../state/atoms.ts';
import { useExecutionDetail } from './execution-detail.ts';
import { PinSection } from './pin-section.tsx';

/**
 * Inspector section: what the selected node received and produced in the
 * execution being viewed, as table, JSON or schema. Fields of the input can be
 * dragged onto parameters. A node that did not run in it (added or rewired
 * since) shows what its source put out, so it can be mapped before it runs.
 */

type Items = { json: unknown; binary?: unknown }[];

/**
 * `side="input"` goes above the parameters (fields are dragged from it onto them), `side="output"` below them
 * with the run's status and error.
 */
export const NodeRunData = ({ nodeId, side }: { nodeId: string; side: 'input' | 'output' }) => {
  const { runs, session } = useEditor();
  const definition = useDefinition(session);
  const live = useSyncExternalStore(runs.subscribe, () => runs.node(nodeId));
  const viewed = useAtomValue(viewedExecutionAtom);
  const detail = useExecutionDetail();
  const node = definition.nodes.find((n) => n.id === nodeId);
  if (!node) return null;
  const nodeRuns = detail?.nodeRuns.filter((r) => r.nodeId === nodeId) ?? [];
  const nameOf = (id: string) => definition.nodes.find((n) => n.id === id)?.name;
  const firstInput = nodePorts(node).inputs[0]?.name;
  /** Where the items on one of this node's inputs come from, for the expression a dragged field writes. */
  const dragFrom = (handle: string) => {
    const edge = definition.edges.find((e) => e.target === nodeId && e.targetHandle === handle);
    const source = edge ? nameOf(edge.source) : undefined;
    if (handle === firstInput) return { node: source ?? '', ownInput: true };
    return source ? { node: source, ownInput: false } : undefined;
  };
  const stored = (node: string, run: number, side: 'input' | 'output', handle: string) =>
    detail ? { executionId: detail.id, nodeId: node, run, side, handle } : undefined;
  const inputs = (input: Record<string, Items>, run: number) =>
    Object.entries(input).map(([handle, items]) => (
      <ItemsPanel
        key={`in-${handle}`}
        title={Object.keys(input).length > 1 ? `Input ${handle}` : 'Input'}
        items={items}
        dragFrom={dragFrom(handle)}
        source={stored(nodeId, run, 'input', handle)}
      />
    ));
  const outputs = (output: Record<string, Items>, run: number) =>
    Object.entries(output).map(([handle, items]) => (
      <ItemsPanel
        key={`out-${handle}`}
        title={Object.keys(output).length > 1 ? `Output ${handle}` : 'Output'}
        items={items}
        source={stored(nodeId, run, 'output', handle)}
      />
    ));
  // Not run in this execution: the source's items on the edge into the first input, if the source ran.
  const fallback = (() => {
    if (!detail || nodeRuns.length > 0) return undefined;
    const edge = definition.edges.find((e) => e.target === nodeId);
    if (!edge) return undefined;
    const last = detail.nodeRuns.filter((r) => r.nodeId === edge.source).at(-1);
    if (!last) return undefined;
    const items = last.output[edge.sourceHandle];
    return items
      ? {
          from: nameOf(edge.source) ?? '',
          handle: edge.targetHandle,
          items,
          source: stored(edge.source, last.runIndex, 'output', edge.sourceHandle),
        }
      : undefined;
  })();
  if (side === 'input') {
    const panels = fallback ? (
      <ItemsPanel
        title={`Input (from ${fallback.from})`}
        items={fallback.items}
        dragFrom={dragFrom(fallback.handle)}
        source={fallback.source}
      />
    ) : (
      nodeRuns.at(-1) && inputs(nodeRuns.at(-1)?.input ?? {}, nodeRuns.at(-1)?.runIndex ?? 0)
    );
    if (!panels || (Array.isArray(panels) && panels.length === 0)) return null;
    return (
      <section className="run-data run-input" aria-label="Input data">
        {panels}
      </section>
    );
  }
  const lastOutput = nodeRuns.at(-1)?.output;
  const firstOutput = nodePorts(node).outputs[0]?.name;
  const pinSection = (
    <PinSection
      nodeId={nodeId}
      output={lastOutput && firstOutput !== undefined ? lastOutput[firstOutput] : undefined}
      executionId={detail?.id}
    />
  );
  if (!detail && !live) return pinSection;
  return (
    <section className="run-data" aria-label="Run data">
      {pinSection}
      <h3>
        {viewed ? 'Picked run' : 'Last run'}
        {detail ? ` · ${detail.status}` : live ? ` · ${live.status}` : ''}
      </h3>
      {detail && nodeRuns.length === 0 && <p className="muted">This node did not run.</p>}
      {nodeRuns.map((r) => (
        <div key={r.runIndex} className="node-run">
          {nodeRuns.length > 1 && <div className="muted">Run {r.runIndex + 1}</div>}
          {r.error && <p className="error">{r.error}</p>}
          {outputs(r.output, r.runIndex)}
        </div>
      ))}
    </section>
  );
};
