import { nodePorts } from '#shared/nodes/ports.ts';
import type { Item } from '#shared/runs/items.ts';
import { StoredLineage, type StoredRun } from '#shared/runs/paired-walk.ts';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import type { NodeRun } from '../runner/run-workflow.ts';
import type { SubworkflowAnswer } from '../runner/types.ts';

/**
 * What a waiting Execute Workflow gets from its child's run: every output of the child's last executed node,
 * by index (n8n's executeWorkflow result), and for each item the index of the trigger item it descends from,
 * where its paired items lead back there (n8n's findPairedItemThroughWorkflowData): that is the caller's item.
 * Needs runs with their paired records (encodeItems).
 */
export const childAnswer = (
  executionId: string,
  definition: WorkflowDefinition,
  runs: readonly NodeRun[],
): SubworkflowAnswer => {
  const last = runs[runs.length - 1];
  if (!last) return { executionId, outputs: [], pairedTo: [] };
  const byId = new Map(definition.nodes.map((n) => [n.id, n]));
  const handlesOf = (run: NodeRun, side: 'inputs' | 'outputs'): string[] => {
    const node = byId.get(run.nodeId);
    const declared = node
      ? nodePorts({ type: node.type, parameters: node.parameters, ...(node.onError ? { onError: node.onError } : {}) })[
          side
        ].map((p) => p.name)
      : [];
    const own = Object.keys(side === 'inputs' ? run.input : run.output);
    return [...declared, ...own.filter((h) => !declared.includes(h))];
  };
  const stored = new Map<NodeRun, StoredRun>(
    runs.map((r) => [
      r,
      {
        nodeId: r.nodeId,
        name: r.name,
        runIndex: r.runIndex,
        inputHandles: handlesOf(r, 'inputs'),
        output: r.output,
        paired: r.paired,
      },
    ]),
  );
  const lineage = new StoredLineage(stored.values());
  const trigger = definition.nodes.find((n) => n.type === 'executeWorkflowTrigger' && !n.disabled)?.name;
  const from = stored.get(last);
  const handles = handlesOf(last, 'outputs');
  const outputs: Item[][] = handles.map((h) => last.output[h] ?? []);
  const pairedTo = handles.map((h, o) =>
    (outputs[o] ?? []).map((_, k) => {
      if (!trigger || !from) return undefined;
      const found = lineage.fromOutput(from, h, k, trigger);
      return 'error' in found ? undefined : found.index;
    }),
  );
  return { executionId, outputs, pairedTo };
};
