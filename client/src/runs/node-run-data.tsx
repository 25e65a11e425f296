import { useMemo, useSyncExternalStore } from 'react';
import { useAtomValue } from 'jotai';
import { nodePorts } from '#shared/nodes/ports.ts';
import { useDefinition } from '../doc/use-workflow-session.ts';
import { useEditor } from '../editor/editor-context.tsx';
import type { ItemsSource } from '../inspector/io-panels/file-chips-text.ts';
import { ItemsPanel, type MoreItems } from '../inspector/io-panels/items-views.tsx';
import { viewedExecutionAtom } from '../state/atoms.ts';
import { loadItemsPage, useExecutionDetail, type ExecutionDetail } from './execution-detail.ts';
import { PinSection } from './pin-section.tsx';

/**
 * Inspector section: what the selected node received and produced in the
 * execution being viewed, as table, JSON or schema. Fields of the input can be
 * dragged onto parameters. A node that did not run in it (added or rewired
 * since) shows what its source put out, so it can be mapped before it runs.
 */

type NodeRun = ExecutionDetail['nodeRuns'][number];

/** Where a handle's items of a node run are stored (their files' downloads, pages past the first), and how many. */
const storedOf = (
  executionId: string,
  run: NodeRun,
  side: 'input' | 'output',
  handle: string,
  loaded: number,
): { source: ItemsSource; total: number } => ({
  source: { executionId, nodeId: run.nodeId, run: run.runIndex, side, handle },
  total: (side === 'input' ? run.inputCounts : run.outputCounts)?.[handle] ?? loaded,
});

/**
 * An items panel of a stored run: its files download from where they are stored, and the pages the execution
 * detail left out are read through the items route.
 */
const RunItemsPanel = ({
  stored,
  ...props
}: Omit<React.ComponentProps<typeof ItemsPanel>, 'more' | 'source'> & {
  stored: { source: ItemsSource; total: number } | undefined;
}) => {
  const { executionId, nodeId, run, side, handle } = stored?.source ?? {};
  const total = stored?.total;
  const source = useMemo<ItemsSource | undefined>(
    () =>
      executionId !== undefined &&
      nodeId !== undefined &&
      run !== undefined &&
      side !== undefined &&
      handle !== undefined
        ? { executionId, nodeId, run, side, handle }
        : undefined,
    [executionId, nodeId, run, side, handle],
  );
  const more = useMemo<MoreItems | undefined>(
    () =>
      source && total !== undefined && total > props.items.length
        ? { total, load: (offset, limit) => loadItemsPage(source, offset, limit) }
        : undefined,
    [source, total, props.items.length],
  );
  return <ItemsPanel {...props} more={more} source={source} />;
};

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
  const inputs = (run: NodeRun) =>
    Object.entries(run.input).map(([handle, items]) => (
      <RunItemsPanel
        key={`in-${handle}`}
        title={Object.keys(run.input).length > 1 ? `Input ${handle}` : 'Input'}
        items={items}
        dragFrom={dragFrom(handle)}
        stored={detail && storedOf(detail.id, run, 'input', handle, items.length)}
      />
    ));
  const outputs = (run: NodeRun) =>
    Object.entries(run.output).map(([handle, items]) => (
      <RunItemsPanel
        key={`out-${handle}`}
        title={Object.keys(run.output).length > 1 ? `Output ${handle}` : 'Output'}
        items={items}
        stored={detail && storedOf(detail.id, run, 'output', handle, items.length)}
      />
    ));
  // Not run in this execution: the source's items on the edge into the first input, if the source ran.
  const fallback = (() => {
    if (!detail || nodeRuns.length > 0) return undefined;
    const edge = definition.edges.find((e) => e.target === nodeId);
    if (!edge) return undefined;
    const last = detail.nodeRuns.filter((r) => r.nodeId === edge.source).at(-1);
    const items = last?.output[edge.sourceHandle];
    return last && items
      ? {
          from: nameOf(edge.source) ?? '',
          handle: edge.targetHandle,
          items,
          stored: storedOf(detail.id, last, 'output', edge.sourceHandle, items.length),
        }
      : undefined;
  })();
  const lastRun = nodeRuns.at(-1);
  if (side === 'input') {
    const panels = fallback ? (
      <RunItemsPanel
        title={`Input (from ${fallback.from})`}
        items={fallback.items}
        dragFrom={dragFrom(fallback.handle)}
        stored={fallback.stored}
      />
    ) : (
      lastRun && inputs(lastRun)
    );
    if (!panels || (Array.isArray(panels) && panels.length === 0)) return null;
    return (
      <section className="run-data run-input" aria-label="Input data">
        {panels}
      </section>
    );
  }
  const firstOutput = nodePorts(node).outputs[0]?.name;
  const lastOutput = lastRun && firstOutput !== undefined ? lastRun.output[firstOutput] : undefined;
  const pinSection = (
    <PinSection
      nodeId={nodeId}
      output={lastOutput}
      outputStored={
        detail && lastRun && lastOutput && firstOutput !== undefined
          ? storedOf(detail.id, lastRun, 'output', firstOutput, lastOutput.length)
          : undefined
      }
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
          {outputs(r)}
        </div>
      ))}
    </section>
  );
};
