import { nodePorts } from '#shared/nodes/ports.ts';
import type { WorkflowDefinition } from '#shared/schema/index.ts';
import type { ExecutionDetail } from '../runs/execution-detail.ts';
import type { PreviewContext } from './preview-protocol.ts';

type Items = { json: Record<string, unknown> }[];
type RunOf = ExecutionDetail['nodeRuns'][number];

/** At most this many input items travel to the worker: `$input.all()` in a preview sees a page, not a whole run. */
export const PREVIEW_ITEMS = 50;

/** Why there is no value to show instead of a context. */
export type NoPreview = { reason: string };

const asItems = (list: { json: unknown }[] | undefined): Items =>
  (list ?? []).filter(
    (i): i is { json: Record<string, unknown> } =>
      typeof i.json === 'object' && i.json !== null && !Array.isArray(i.json),
  );

/** A node's first output, as `$('Name')` reads it in the engine (its first port, in port order). */
const firstOutput = (definition: WorkflowDefinition, run: RunOf): Items => {
  const node = definition.nodes.find((n) => n.id === run.nodeId);
  const first = node ? nodePorts(node).outputs[0]?.name : undefined;
  return asItems(first !== undefined ? run.output[first] : Object.values(run.output)[0]);
};

/**
 * What an expression of `nodeId` sees when previewed against `detail`: the
 * node's own input in that run, or, when it did not run (it was added or
 * rewired since), what its first input's source put out; and the last output
 * of every node that ran, for `$('Name')`.
 */
export const previewContext = (
  definition: WorkflowDefinition,
  workflowId: string,
  nodeId: string,
  detail: ExecutionDetail | undefined,
  now: number,
): PreviewContext | NoPreview => {
  const node = definition.nodes.find((n) => n.id === nodeId);
  if (!node) return { reason: 'This node is not in the workflow.' };
  if (!detail) return { reason: 'Run the workflow to see a value.' };
  const last = new Map<string, RunOf>();
  for (const run of detail.nodeRuns) {
    const seen = last.get(run.nodeId);
    if (!seen || run.runIndex >= seen.runIndex) last.set(run.nodeId, run);
  }
  let items: Items | undefined;
  const own = last.get(nodeId);
  if (own) {
    const firstInput = nodePorts(node).inputs[0]?.name;
    items = asItems(firstInput !== undefined ? own.input[firstInput] : Object.values(own.input)[0]);
  } else {
    const edge = definition.edges.find((e) => e.target === nodeId);
    const source = edge && last.get(edge.source);
    if (edge && source) items = asItems(source.output[edge.sourceHandle]);
  }
  if (!items) return { reason: 'Run the previous node to see a value.' };
  const outputs: Record<string, Items> = {};
  for (const run of last.values()) {
    const name = definition.nodes.find((n) => n.id === run.nodeId)?.name;
    if (name !== undefined && run.status === 'succeeded') outputs[name] = firstOutput(definition, run);
  }
  return {
    node: node.name,
    items: items.slice(0, PREVIEW_ITEMS),
    itemIndex: 0,
    outputs,
    workflow: { id: workflowId, name: definition.name, active: false },
    execution: { id: detail.id, mode: detail.mode },
    now,
    timezone: definition.settings.timezone ?? 'UTC',
  };
};
