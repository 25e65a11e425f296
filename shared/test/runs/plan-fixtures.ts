import type { BaseNodeRun } from '../../src/runs/partial-plan.ts';
import type { DefinitionEdge, DefinitionNode, WorkflowDefinition } from '../../src/schema/definition.ts';

/** Small workflows for plan tests, written the way n8n's partial-execution tests draw them. */

export interface NodeSpec {
  id: string;
  type?: string;
  disabled?: boolean;
  parameters?: Record<string, unknown>;
}

/** A node's type from its id, unless given: trigger…, webhook…, loop… (Loop Over Items), else No Operation. */
export const typeFor = (id: string): string => {
  if (/^(trigger|manual|pinnedTrigger|disabledTrigger)/i.test(id)) return 'manualTrigger';
  if (/^webhook/i.test(id)) return 'webhook';
  if (/^loop/i.test(id)) return 'splitInBatches';
  return 'noOp';
};

export const node = (spec: string | NodeSpec, index: number): DefinitionNode => {
  const s = typeof spec === 'string' ? { id: spec } : spec;
  return {
    id: s.id,
    name: s.id,
    type: s.type ?? typeFor(s.id),
    typeVersion: 1,
    position: { x: index * 200, y: 0 },
    parameters: s.parameters ?? {},
    ...(s.disabled === undefined ? {} : { disabled: s.disabled }),
  };
};

/** `a>b`, `a:out1>b:input2`: source[:handle] > target[:handle]. */
export const edge = (text: string): DefinitionEdge => {
  const [from = '', to = ''] = text.split('>');
  const [source = '', sourceHandle = 'main'] = from.split(':');
  const [target = '', targetHandle = 'main'] = to.split(':');
  return { id: text, source, sourceHandle, target, targetHandle };
};

export const workflow = (nodes: (string | NodeSpec)[], edges: string[]): WorkflowDefinition => ({
  weft: 1,
  name: 'Plan',
  settings: {},
  nodes: nodes.map(node),
  edges: edges.map(edge),
});

/** true: ran and put items on `main`; a list: the outputs that carried items; 'failed': its last run failed. */
export type RunSpec = true | 'failed' | readonly string[] | { out: readonly string[]; last: readonly string[] };

export const baseRun = (spec: RunSpec): BaseNodeRun => {
  if (spec === true) return { ok: true, lastRunIndex: 0, outputsWithData: ['main'] };
  if (spec === 'failed') return { ok: false, lastRunIndex: 0, outputsWithData: [] };
  if ('out' in spec) return { ok: true, lastRunIndex: 1, outputsWithData: spec.out, lastOutputsWithData: spec.last };
  return { ok: true, lastRunIndex: 0, outputsWithData: spec };
};

export const pinsOf = (ids: readonly string[] = []): Record<string, unknown[]> =>
  Object.fromEntries(ids.map((id) => [id, [{ json: { pinned: id } }]]));
