import { MAIN } from '#shared/nodes/types.ts';
import { workflowInputTypes, type WorkflowInputType } from '#shared/nodes/workflows.ts';
import type { Item, JsonObject, NodeOutput } from '#shared/runs/items.ts';
import { isExpression } from '#shared/schema/params.ts';
import { pairedWith, type PairedItem } from '../runner/paired-items.ts';
import { NodeError, type NodeContext, type NodeExecutor, type SubworkflowVersion } from '../runner/types.ts';
import { childInputItems, itemsInSchema, triggerFields, type MappedInput } from './workflow-inputs.ts';

/**
 * Execute Workflow Trigger: the items its caller passed, trimmed to its
 * schema. Run any other way than as a sub-workflow (a manual run of the child
 * alone) it puts out one empty item, or its pin (the runner's).
 */
export const executeWorkflowTrigger: NodeExecutor = (ctx) => {
  if (ctx.meta.execution.mode !== 'subworkflow') return { [MAIN]: [{ json: {} }] };
  return { [MAIN]: itemsInSchema(ctx.triggerItems ?? [], triggerFields(ctx.nodeParams())) };
};

const versions: readonly SubworkflowVersion[] = ['published', 'named', 'draft'];

const text = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';

/** An input row's value as resolved; an empty one typed in (not an expression) is not set, as n8n's null. */
const mappedRows = (ctx: NodeContext, resolved: JsonObject): MappedInput[] => {
  const raw = Array.isArray(ctx.node.parameters.workflowInputs) ? ctx.node.parameters.workflowInputs : [];
  const rows = Array.isArray(resolved.workflowInputs) ? resolved.workflowInputs : [];
  return rows.flatMap((row, i): MappedInput[] => {
    if (typeof row !== 'object' || row === null) return [];
    const r = row as Record<string, unknown>;
    const rawValue = (raw[i] as Record<string, unknown> | undefined)?.value;
    const type = (workflowInputTypes as readonly unknown[]).includes(r.type) ? (r.type as WorkflowInputType) : 'any';
    const value = !isExpression(rawValue) && r.value === '' ? null : r.value;
    return [{ name: text(r.name), value, type, removed: r.removed === true }];
  });
};

/**
 * Every item as the child gets it, its values checked against the declared types (n8n's resource mapper),
 * all before any child runs: a value that fails fails the node, in each mode too.
 */
const inputsFor = (ctx: NodeContext, params: readonly JsonObject[]): Item[] => {
  const first = params[0] ?? ctx.nodeParams();
  const strict = first.attemptToConvertTypes !== true;
  const parseStrings = first.convertFieldsToString !== false;
  return childInputItems(
    ctx.items,
    ctx.items.map((_, i) => mappedRows(ctx, params[i] ?? first)),
    { strict, parseStrings },
  );
};

const targetOf = (params: JsonObject): { workflowId: string; version: SubworkflowVersion; versionName?: string } => {
  if (params.source !== undefined && params.source !== 'database') {
    throw new NodeError(`Weft runs sub-workflows of this server only (source "${text(params.source)}")`);
  }
  const workflowId = text(params.workflowId).trim();
  if (workflowId === '') throw new NodeError('No workflow to run: set the workflow id');
  const version = (versions as readonly unknown[]).includes(params.version)
    ? (params.version as SubworkflowVersion)
    : 'published';
  const versionName = text(params.versionName).trim();
  if (version === 'named' && versionName === '') throw new NodeError('Choose the version to run by its name');
  return { workflowId, version, ...(version === 'named' ? { versionName } : {}) };
};

/**
 * n8n returns every output of the child's last node by index; its node has one output, so only the first is
 * connected (a second would land on the error output in n8n, which Weft keeps for errors).
 */
const asOutput = (outputs: readonly Item[][]): NodeOutput => ({ [MAIN]: outputs[0] ?? [] });

export const executeWorkflow: NodeExecutor = async (ctx) => {
  const call = ctx.subworkflow;
  if (!call) throw new NodeError('Sub-workflows run only on an engine connected to a server');
  const params = ctx.params();
  const first = params[0] ?? ctx.nodeParams();
  const inputs = inputsFor(ctx, params);
  if (first.mode === 'each') {
    const out: Item[] = [];
    for (let i = 0; i < ctx.items.length; i++) {
      const p = params[i] ?? first;
      const items = [inputs[i] as Item];
      const wait = p.waitForSubWorkflow !== false;
      const answer = await call({ ...targetOf(p), items, wait });
      if (!wait) {
        // n8n passes on the items as it mapped them for the child.
        for (const item of items) out.push(pairedWith({ json: item.json }, { item: i }));
        continue;
      }
      for (const item of answer.outputs?.[0] ?? []) out.push(pairedWith({ json: item.json }, { item: i }));
    }
    return { [MAIN]: out };
  }
  const items = inputs;
  const wait = first.waitForSubWorkflow !== false;
  const answer = await call({ ...targetOf(first), items, wait });
  if (!wait) return { [MAIN]: items.map((item, i) => pairedWith({ json: item.json }, { item: i })) };
  const all: PairedItem[] = ctx.items.map((_, i) => ({ item: i }));
  // As n8n: the caller's item an item descends from through the child, else item i when the lengths match,
  // else every input item.
  const outputs = (answer.outputs ?? []).map((list, o) =>
    list.map((item, i) => {
      const traced = answer.pairedTo?.[o]?.[i];
      const pairing = traced !== undefined && traced < ctx.items.length ? { item: traced } : undefined;
      return pairedWith({ json: item.json }, pairing ?? (list.length === ctx.items.length ? { item: i } : all));
    }),
  );
  return asOutput(outputs);
};
