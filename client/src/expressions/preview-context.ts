import { nodePorts } from '#shared/nodes/ports.ts';
import { StoredLineage, type StoredRun } from '#shared/runs/paired-walk.ts';
import type { WorkflowDefinition } from '#shared/schema/index.ts';
import type { ExecutionDetail } from '../runs/execution-detail.ts';
import type { PairedAnswer, PreviewContext } from './preview-protocol.ts';

type Items = { json: Record<string, unknown> }[];
type RunOf = ExecutionDetail['nodeRuns'][number];

/** At most this many input items travel to the worker: `$input.all()` in a preview sees a page, not a whole run. */
export const PREVIEW_ITEMS = 50;

/** Why there is no value to show instead of a context. */
export type NoPreview = { reason: string };

const asItems = (list: readonly ({ json: unknown } | undefined)[] | undefined): Items =>
  (list ?? []).filter(
    (i): i is { json: Record<string, unknown> } =>
      typeof i?.json === 'object' && i.json !== null && !Array.isArray(i.json),
  );

/** A node's first output, as `$('Name')` reads it in the engine (its first port, in port order). */
const firstOutput = (definition: WorkflowDefinition, run: RunOf): Items => {
  const node = definition.nodes.find((n) => n.id === run.nodeId);
  const first = node ? nodePorts(node).outputs[0]?.name : undefined;
  return asItems(first !== undefined ? run.output[first] : Object.values(run.output)[0]);
};

/** Names of the nodes upstream of `nodeId` (n8n answers `.item` of any other node with "no path back"). */
const upstreamNames = (definition: WorkflowDefinition, nodeId: string): Set<string> => {
  const names = new Set<string>();
  const seen = new Set([nodeId]);
  const todo = [nodeId];
  while (todo.length > 0) {
    const at = todo.pop() as string;
    for (const e of definition.edges) {
      if (e.target !== at || seen.has(e.source)) continue;
      seen.add(e.source);
      todo.push(e.source);
      const name = definition.nodes.find((n) => n.id === e.source)?.name;
      if (name !== undefined) names.add(name);
    }
  }
  return names;
};

/**
 * For each previewed item, the item of each upstream node it descends from
 * (`$('Name').item`), walked through the stored paired records.
 */
const pairedAnswers = (
  definition: WorkflowDefinition,
  nodeId: string,
  detail: ExecutionDetail,
  last: ReadonlyMap<string, RunOf>,
  start: { run: RunOf; side: 'input' | 'output'; handle: string },
  count: number,
): Record<string, PairedAnswer[]> => {
  const stored = new Map<RunOf, StoredRun>();
  for (const run of detail.nodeRuns) {
    const node = definition.nodes.find((n) => n.id === run.nodeId);
    stored.set(run, {
      nodeId: run.nodeId,
      name: node?.name ?? run.name,
      runIndex: run.runIndex,
      inputHandles: node ? nodePorts(node).inputs.map((p) => p.name) : Object.keys(run.input),
      output: run.output,
      paired: run.paired,
    });
  }
  const lineage = new StoredLineage(stored.values());
  const from = stored.get(start.run) as StoredRun;
  const out: Record<string, PairedAnswer[]> = {};
  for (const name of upstreamNames(definition, nodeId)) {
    const target = definition.nodes.find((n) => n.name === name);
    const targetLast = target ? last.get(target.id) : undefined;
    const firstHandle = target ? nodePorts(target).outputs[0]?.name : undefined;
    out[name] = Array.from({ length: count }, (_, i): PairedAnswer => {
      const found =
        start.side === 'input'
          ? lineage.fromInput(from, start.handle, i, name)
          : lineage.fromOutput(from, start.handle, i, name);
      if ('error' in found) return found;
      if (targetLast && found.run === stored.get(targetLast) && found.output === firstHandle)
        return { index: found.index };
      const [item] = asItems([(found.run.output[found.output] as { json: unknown }[] | undefined)?.[found.index]]);
      return item ? { item } : { error: `Paired item data for item from node '${name}' is unavailable.` };
    });
  }
  return out;
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
  let start: { run: RunOf; side: 'input' | 'output'; handle: string } | undefined;
  const own = last.get(nodeId);
  if (own) {
    const firstInput = nodePorts(node).inputs[0]?.name ?? Object.keys(own.input)[0];
    items = asItems(firstInput !== undefined ? own.input[firstInput] : undefined);
    if (firstInput !== undefined) start = { run: own, side: 'input', handle: firstInput };
  } else {
    const edge = definition.edges.find((e) => e.target === nodeId);
    const source = edge && last.get(edge.source);
    if (edge && source) {
      items = asItems(source.output[edge.sourceHandle]);
      start = { run: source, side: 'output', handle: edge.sourceHandle };
    }
  }
  if (!items || !start) return { reason: 'Run the previous node to see a value.' };
  const page = items.slice(0, PREVIEW_ITEMS);
  const outputs: Record<string, Items> = {};
  for (const run of last.values()) {
    const name = definition.nodes.find((n) => n.id === run.nodeId)?.name;
    if (name !== undefined && run.status === 'succeeded') outputs[name] = firstOutput(definition, run);
  }
  return {
    node: node.name,
    items: page,
    itemIndex: 0,
    outputs,
    paired: pairedAnswers(definition, nodeId, detail, last, start, page.length),
    workflow: { id: workflowId, name: definition.name, active: false },
    execution: { id: detail.id, mode: detail.mode },
    now,
    timezone: definition.settings.timezone ?? 'UTC',
  };
};
