import { describe, expect, it } from 'vitest';
import { definitionFingerprints } from '../../src/runs/fingerprint.ts';
import {
  describeReason,
  planRun,
  type PlanBase,
  type PlanErrorCode,
  type RunPlan,
  type RunScope,
} from '../../src/runs/partial-plan.ts';
import { findDirty } from '../../src/runs/dirty.ts';
import { bridgeDisabled, graphFromDefinition } from '../../src/runs/plan-graph.ts';
import type { DefinitionNode, WorkflowDefinition } from '../../src/schema/definition.ts';
import { baseRun, pinsOf, workflow, type NodeSpec, type RunSpec } from './plan-fixtures.ts';

/**
 * The cases of n8n's partial-execution tests
 * (packages/core/src/execution-engine/partial-execution-utils/__tests__/ in
 * n8n-io/n8n: find-start-nodes, find-subgraph, find-trigger-for-partial-execution,
 * handle-cycles, filter-disabled-nodes, clean-run-data), as tables over Weft
 * definitions: their graphs and expectations, run through `planRun`. n8n's
 * output numbers become handle names (`out0`, `out1`; Loop Over Items'
 * output 0 is `done`, output 1 is `loop`), its input numbers `input1`,
 * `input2`. Their cases about AI (non-main) connections have no counterpart:
 * Weft has one kind of edge.
 *
 * n8n's "run data" is the base run here: a node listed in `runs` ran, with
 * the outputs listed, and its fingerprint is unchanged unless `change` edits
 * the definition after the base run.
 */

interface Case {
  name: string;
  nodes: (string | NodeSpec)[];
  edges: string[];
  /** The base run; none means a fresh run. */
  runs?: Record<string, RunSpec>;
  pins?: readonly string[];
  /** An edit made after the base run. */
  change?: (d: WorkflowDefinition) => void;
  scope?: RunScope;
  destination?: string;
  start?: readonly string[];
  subgraph?: readonly string[];
  run?: readonly string[];
  reuse?: readonly string[];
  error?: PlanErrorCode;
}

const planCase = (c: Case): ReturnType<typeof planRun> => {
  const before = workflow(c.nodes, c.edges);
  const after = structuredClone(before);
  c.change?.(after);
  const pins = pinsOf(c.pins);
  const base: PlanBase | undefined = c.runs && {
    fingerprints: definitionFingerprints(before, { credentials: {}, pins }),
    runs: Object.fromEntries(Object.entries(c.runs).map(([id, spec]) => [id, baseRun(spec)])),
  };
  return planRun({
    definition: after,
    fingerprints: definitionFingerprints(after, { credentials: {}, pins }),
    ...(base ? { base } : {}),
    pins,
    scope: c.scope ?? 'toHere',
    ...(c.destination === undefined ? {} : { destination: c.destination }),
  });
};

const sorted = (ids: readonly string[]): string[] => [...ids].sort();

const check = (c: Case): RunPlan | undefined => {
  const result = planCase(c);
  if (c.error) {
    expect(result.ok ? 'planned' : result.error.code).toBe(c.error);
    return undefined;
  }
  if (!result.ok) throw new Error(`planning failed: ${result.error.message}`);
  const { plan } = result;
  if (c.start) expect(sorted(plan.startNodeIds)).toEqual(sorted(c.start));
  if (c.subgraph) expect(sorted(plan.subgraph)).toEqual(sorted(c.subgraph));
  if (c.run) expect(sorted(plan.run)).toEqual(sorted(c.run));
  if (c.reuse) expect(sorted(plan.reuse)).toEqual(sorted(c.reuse));
  return plan;
};

const ALL_RAN = (ids: string[]): Record<string, RunSpec> => Object.fromEntries(ids.map((id) => [id, true as const]));

/** The loop of n8n's loop tests: trigger → loop; loop.loop → inLoop → loop; loop.done → afterLoop. */
const LOOP_NODES = ['trigger', 'loop', 'inLoop', 'afterLoop'];
const LOOP_EDGES = ['trigger>loop', 'loop:loop>inLoop', 'inLoop>loop', 'loop:done>afterLoop'];

/** find-start-nodes.test.ts, findStartNodes. */
const startNodeCases: Case[] = [
  {
    name: 'a lone trigger is its own start',
    nodes: ['trigger'],
    edges: [],
    destination: 'trigger',
    start: ['trigger'],
  },
  {
    name: 'a node whose base run failed is dirty and starts',
    nodes: ['trigger', 'node1', 'destination'],
    edges: ['trigger>node1', 'node1>destination'],
    runs: { trigger: true, node1: 'failed' },
    destination: 'destination',
    start: ['node1'],
  },
  {
    name: 'simple graph without base: the trigger starts',
    nodes: ['trigger', 'destination'],
    edges: ['trigger>destination'],
    destination: 'destination',
    start: ['trigger'],
  },
  {
    name: 'simple graph, the trigger ran: the destination starts',
    nodes: ['trigger', 'destination'],
    edges: ['trigger>destination'],
    runs: { trigger: true },
    destination: 'destination',
    start: ['destination'],
  },
  {
    name: 'two outputs into one input: the node starts once',
    nodes: ['trigger', 'node'],
    edges: ['trigger:out0>node', 'trigger:out1>node'],
    runs: { trigger: ['out0', 'out1'], node: true },
    destination: 'node',
    start: ['node'],
  },
  {
    name: 'crossing outputs and inputs, no base: the trigger starts',
    nodes: ['trigger', 'node1', 'node2', 'node3', 'node4'],
    edges: [
      'trigger>node1',
      'node1:out0>node2:input1',
      'node1:out1>node2:input2',
      'node1:out0>node3:input2',
      'node1:out1>node3:input1',
      'node2>node4',
      'node3>node4',
    ],
    destination: 'node4',
    start: ['trigger'],
  },
  {
    name: 'crossing outputs and inputs, everything ran: the destination starts',
    nodes: ['trigger', 'node1', 'node2', 'node3', 'node4'],
    edges: [
      'trigger>node1',
      'node1:out0>node2:input1',
      'node1:out1>node2:input2',
      'node1:out0>node3:input2',
      'node1:out1>node3:input1',
      'node2>node4',
      'node3>node4',
    ],
    runs: { trigger: true, node1: ['out0', 'out1'], node2: true, node3: true, node4: true },
    destination: 'node4',
    start: ['node4'],
  },
  {
    name: 'two connections, only the first output had items',
    nodes: ['trigger', 'node'],
    edges: ['trigger:out0>node:input1', 'trigger:out1>node:input2'],
    runs: { trigger: ['out0'] },
    destination: 'node',
    start: ['node'],
  },
  {
    name: 'two connections, only the second output had items',
    nodes: ['trigger', 'node'],
    edges: ['trigger:out0>node:input1', 'trigger:out1>node:input2'],
    runs: { trigger: ['out1'] },
    destination: 'node',
    start: ['node'],
  },
  {
    name: 'two connections, both outputs had items',
    nodes: ['trigger', 'node'],
    edges: ['trigger:out0>node:input1', 'trigger:out1>node:input2'],
    runs: { trigger: ['out0', 'out1'] },
    destination: 'node',
    start: ['node'],
  },
  {
    name: 'a diamond that ran up to its join: the join starts once',
    nodes: ['trigger', 'node1', 'node2', 'node3'],
    edges: ['trigger>node1', 'trigger>node2', 'node1>node3', 'node2>node3'],
    runs: { trigger: true, node1: true, node2: true },
    destination: 'node3',
    start: ['node3'],
  },
  {
    name: 'two outputs of a middle node, one had items',
    nodes: ['trigger', 'node1', 'node2'],
    edges: ['trigger>node1', 'node1:out0>node2', 'node1:out1>node2'],
    runs: { trigger: true, node1: ['out1'] },
    destination: 'node2',
    start: ['node2'],
  },
  {
    name: 'terminates on a node feeding itself',
    nodes: ['trigger', 'node1', 'node2'],
    edges: ['trigger>node1', 'node1>node1', 'node1>node2'],
    runs: { trigger: true, node1: true },
    destination: 'node2',
    start: ['node2'],
  },
  {
    name: 'a pinned node without a base run does not stop the walk',
    nodes: ['trigger', 'pinnedNode', 'destination'],
    edges: ['trigger>pinnedNode', 'pinnedNode>destination'],
    runs: { trigger: true },
    pins: ['pinnedNode'],
    destination: 'destination',
    start: ['destination'],
  },
  {
    name: 'Loop Over Items whose last run put nothing on done starts again',
    nodes: LOOP_NODES,
    edges: LOOP_EDGES,
    runs: { trigger: true, loop: { out: ['loop'], last: ['loop'] }, inLoop: true },
    destination: 'afterLoop',
    start: ['loop'],
  },
  {
    name: 'Loop Over Items whose last run put items on done does not start',
    nodes: LOOP_NODES,
    edges: LOOP_EDGES,
    runs: { trigger: true, loop: { out: ['loop', 'done'], last: ['done'] }, inLoop: true },
    destination: 'afterLoop',
    start: ['afterLoop'],
  },
  {
    name: 'Loop Over Items that is not in a loop yet counts its loop output',
    nodes: ['trigger', 'loop', 'inLoop'],
    edges: ['trigger>loop', 'loop:loop>inLoop'],
    runs: { trigger: true, loop: { out: ['loop'], last: ['loop'] } },
    destination: 'inLoop',
    start: ['inLoop'],
  },
];

/** find-subgraph.test.ts, findSubgraph (subgraph node sets; any base gives the same). */
const subgraphCases: Case[] = [
  {
    name: 'simple',
    nodes: ['trigger', 'destination'],
    edges: ['trigger>destination'],
    destination: 'destination',
    subgraph: ['trigger', 'destination'],
  },
  {
    name: 'a single unconnected node',
    nodes: ['trigger', 'destination', 'orphan'],
    edges: ['trigger>destination'],
    destination: 'orphan',
    subgraph: ['orphan'],
    start: ['orphan'],
  },
  {
    name: 'multiple connections',
    nodes: ['trigger', 'noOp'],
    edges: ['trigger:out0>noOp', 'trigger:out1>noOp'],
    destination: 'noOp',
    subgraph: ['trigger', 'noOp'],
  },
  {
    name: 'nodes after the destination are left out',
    nodes: ['trigger', 'destination', 'node'],
    edges: ['trigger>destination', 'destination>node'],
    destination: 'destination',
    subgraph: ['trigger', 'destination'],
  },
  {
    name: 'terminates on a node feeding itself',
    nodes: ['trigger', 'node1', 'node2'],
    edges: ['trigger>node1', 'node1>node1', 'node1>node2'],
    destination: 'node2',
    subgraph: ['trigger', 'node1', 'node2'],
  },
  {
    name: 'a parent that no trigger feeds is left out',
    nodes: ['trigger', 'node1', 'node2'],
    edges: ['trigger>node1', 'node2>node1'],
    destination: 'node1',
    subgraph: ['trigger', 'node1'],
  },
  {
    name: 'a cycle back into the destination is left out',
    nodes: ['trigger', 'destination', 'anotherNode'],
    edges: ['trigger>destination', 'destination>anotherNode', 'anotherNode>destination'],
    destination: 'destination',
    subgraph: ['trigger', 'destination'],
  },
];

/** find-trigger-for-partial-execution.test.ts: with no base every node is dirty, so the trigger chosen is the start. */
const triggerCases: Case[] = [
  {
    name: 'the destination when it is a trigger',
    nodes: ['manualTrigger'],
    edges: [],
    destination: 'manualTrigger',
    start: ['manualTrigger'],
  },
  {
    name: 'the parent trigger of a node',
    nodes: ['manualTrigger', 'set'],
    edges: ['manualTrigger>set'],
    destination: 'set',
    start: ['manualTrigger'],
  },
  {
    name: 'a webhook before another parent trigger',
    nodes: ['webhook', 'manualTrigger', 'set'],
    edges: ['webhook>set', 'manualTrigger>set'],
    destination: 'set',
    start: ['webhook'],
  },
  {
    name: 'of two webhooks, the first in n8n’s ancestor order (the later connected)',
    nodes: ['webhook', 'webhook1', 'set'],
    edges: ['webhook>set', 'webhook1>set'],
    destination: 'set',
    start: ['webhook1'],
  },
  {
    name: 'a webhook even when it is further up',
    nodes: ['manualTrigger', 'set', 'noOp', 'webhook'],
    edges: ['manualTrigger>set', 'set>noOp', 'webhook>noOp'],
    destination: 'noOp',
    start: ['webhook'],
  },
  {
    name: 'a disabled trigger is passed over',
    nodes: [{ id: 'disabledTrigger', disabled: true }, 'manualTrigger', 'set'],
    edges: ['disabledTrigger>set', 'manualTrigger>set'],
    destination: 'set',
    start: ['manualTrigger'],
  },
  {
    name: 'no trigger and no base run: refused',
    nodes: ['set', 'noOp'],
    edges: ['set>noOp'],
    destination: 'noOp',
    error: 'no_trigger',
  },
  {
    name: 'a pinned trigger before another',
    nodes: ['pinnedTrigger', 'manualTrigger', 'set'],
    edges: ['pinnedTrigger>set', 'manualTrigger>set'],
    pins: ['pinnedTrigger'],
    destination: 'set',
    start: ['pinnedTrigger'],
  },
  {
    name: 'a trigger the base run ran before all others (runPartialWorkflow2)',
    nodes: ['webhook', 'manualTrigger', 'set'],
    edges: ['webhook>set', 'manualTrigger>set'],
    runs: { manualTrigger: true },
    destination: 'set',
    start: ['set'],
    subgraph: ['manualTrigger', 'set'],
  },
  {
    name: 'no trigger: the nearest ancestor the base ran (runPartialWorkflow2)',
    nodes: ['set', 'noOp'],
    edges: ['set>noOp'],
    runs: { set: true },
    destination: 'noOp',
    start: ['noOp'],
    subgraph: ['set', 'noOp'],
  },
  {
    name: 'a destination that does not exist',
    nodes: ['manualTrigger'],
    edges: [],
    destination: 'nope',
    error: 'unknown_destination',
  },
  { name: 'an empty workflow', nodes: [], edges: [], destination: '', error: 'unknown_destination' },
];

/** handle-cycles.test.ts: a start node inside a cycle moves to the cycle's entry. */
const cycleCases: Case[] = [
  {
    name: 'a start node within a cycle is replaced by the start of the cycle',
    nodes: ['trigger', 'middle', 'inLoop', 'afterLoop'],
    edges: ['trigger>middle', 'middle:out0>afterLoop', 'middle:out1>inLoop', 'inLoop>middle'],
    runs: { trigger: true, middle: ['out0', 'out1'], inLoop: true, afterLoop: true },
    change: (d) => void ((d.nodes.find((n) => n.id === 'inLoop') as DefinitionNode).parameters = { edited: true }),
    scope: 'all',
    start: ['middle'],
    run: ['middle', 'inLoop', 'afterLoop'],
    reuse: ['trigger'],
  },
  {
    name: 'a start node outside the cycle stays',
    nodes: ['trigger', 'middle', 'inLoop', 'afterLoop'],
    edges: ['trigger>middle', 'middle:out0>afterLoop', 'middle:out1>inLoop', 'inLoop>middle'],
    runs: { trigger: true, middle: ['out0', 'out1'], inLoop: true, afterLoop: true },
    change: (d) => void ((d.nodes.find((n) => n.id === 'afterLoop') as DefinitionNode).parameters = { edited: true }),
    scope: 'all',
    start: ['afterLoop'],
    run: ['afterLoop'],
    reuse: ['trigger', 'middle', 'inLoop'],
  },
  {
    name: 'nested loops: an inner loop that did not finish restarts from the outer loop (the cycle entry)',
    nodes: ['trigger', 'loopOuter', 'loopInner', 'body', 'after'],
    edges: [
      'trigger>loopOuter',
      'loopOuter:loop>loopInner',
      'loopInner:loop>body',
      'body>loopInner',
      'loopInner:done>loopOuter',
      'loopOuter:done>after',
    ],
    runs: {
      trigger: true,
      loopOuter: { out: ['loop', 'done'], last: ['done'] },
      loopInner: { out: ['loop', 'done'], last: ['loop'] },
      body: true,
      after: true,
    },
    destination: 'after',
    start: ['loopOuter', 'after'],
  },
];

const edit = (id: string) => (d: WorkflowDefinition) =>
  void ((d.nodes.find((n) => n.id === id) as DefinitionNode).parameters = { edited: true });

/** clean-run-data.test.ts: nothing from a start node onward is reused. */
const cleanCases: Case[] = [
  {
    name: 'the start node and all its children run again',
    nodes: ['trigger', 'node1', 'node2', 'node3'],
    edges: ['trigger>node1', 'node1>node2', 'node2>node3'],
    runs: ALL_RAN(['trigger', 'node1', 'node2', 'node3']),
    change: edit('node1'),
    destination: 'node3',
    run: ['node1', 'node2', 'node3'],
    reuse: ['trigger'],
  },
  {
    name: 'the parents of the start node are reused',
    nodes: ['trigger', 'node1', 'node2', 'node3'],
    edges: ['trigger>node1', 'node1>node2', 'node2>node3'],
    runs: ALL_RAN(['trigger', 'node1', 'node2', 'node3']),
    change: edit('node2'),
    destination: 'node3',
    run: ['node2', 'node3'],
    reuse: ['trigger', 'node1'],
  },
  {
    name: 'in a cycle, everything in it runs again',
    nodes: ['trigger', 'node1', 'node2', 'node3'],
    edges: ['trigger>node1', 'node1>node2', 'node2>node3', 'node3>node1'],
    runs: ALL_RAN(['trigger', 'node1', 'node2', 'node3']),
    change: edit('node2'),
    scope: 'all',
    start: ['node1'],
    run: ['node1', 'node2', 'node3'],
    reuse: ['trigger'],
  },
  {
    name: 'nodes outside the subgraph are neither reused nor run',
    nodes: ['trigger', 'node1', 'node2', 'node3'],
    edges: ['trigger>node1', 'node1>node2', 'node2>node3'],
    runs: ALL_RAN(['trigger', 'node1', 'node2', 'node3']),
    change: edit('node2'),
    destination: 'node2',
    run: ['node2'],
    reuse: ['trigger', 'node1'],
    subgraph: ['trigger', 'node1', 'node2'],
  },
];

/** filter-disabled-nodes.test.ts, through the plan: paths through disabled nodes still count. */
const disabledCases: Case[] = [
  {
    name: 'a disabled node between trigger and destination',
    nodes: ['trigger', { id: 'disabled', disabled: true }, 'destination'],
    edges: ['trigger:out0>disabled', 'trigger:out1>disabled', 'disabled>destination'],
    runs: { trigger: ['out0', 'out1'], disabled: true },
    destination: 'destination',
    start: ['destination'],
    subgraph: ['trigger', 'disabled', 'destination'],
    reuse: ['trigger', 'disabled'],
  },
  {
    name: 'several disabled nodes in a row',
    nodes: ['trigger', { id: 'disabledNode1', disabled: true }, { id: 'disabledNode2', disabled: true }, 'destination'],
    edges: ['trigger>disabledNode1', 'disabledNode1>disabledNode2', 'disabledNode2>destination'],
    runs: { trigger: true, disabledNode1: true, disabledNode2: true, destination: true },
    destination: 'destination',
    start: ['destination'],
    subgraph: ['trigger', 'disabledNode1', 'disabledNode2', 'destination'],
  },
];

/** find-start-nodes.test.ts, isDirty: whether one node is dirty against the base (reason, or undefined when clean). */
const isDirtyCases: {
  name: string;
  runs: Record<string, RunSpec>;
  pins?: readonly string[];
  change?: (d: WorkflowDefinition) => void;
  dirty: string | undefined;
}[] = [
  { name: 'a pinned node is not dirty', runs: {}, pins: ['node'], dirty: undefined },
  { name: 'a node with a base run is not dirty', runs: { node: true }, dirty: undefined },
  { name: 'a node whose base run failed is dirty', runs: { node: 'failed' }, dirty: 'failed in the base run' },
  {
    name: 'a node whose parameters changed since the base run is dirty (configHash mismatch)',
    runs: { node: true },
    change: edit('node'),
    dirty: 'parameters changed',
  },
  { name: 'a node without a base run is dirty', runs: {}, dirty: 'no output in the base run' },
];

describe('dirtiness: n8n isDirty cases', () => {
  it.each(isDirtyCases)('$name', (c) => {
    const before = workflow(['node'], []);
    const after = structuredClone(before);
    c.change?.(after);
    const pins = pinsOf(c.pins);
    const graph = graphFromDefinition(after);
    const dirty = findDirty({
      graph,
      fingerprints: definitionFingerprints(after, { credentials: {}, pins }),
      base: {
        fingerprints: definitionFingerprints(before, { credentials: {}, pins }),
        runs: Object.fromEntries(Object.entries(c.runs).map(([id, spec]) => [id, baseRun(spec)])),
      },
      pinned: new Set(c.pins),
      references: new Map(),
    });
    const reason = dirty.get('node');
    expect(reason && describeReason(reason)).toBe(c.dirty);
  });
});

describe('planRun: n8n find-start-nodes cases', () => {
  it.each(startNodeCases)('$name', (c) => void check(c));
});
describe('planRun: n8n find-subgraph cases', () => {
  it.each(subgraphCases)('$name', (c) => void check(c));
});
describe('planRun: n8n find-trigger-for-partial-execution cases', () => {
  it.each(triggerCases)('$name', (c) => void check(c));
});
describe('planRun: n8n handle-cycles cases', () => {
  it.each(cycleCases)('$name', (c) => void check(c));
});
describe('planRun: n8n clean-run-data cases', () => {
  it.each(cleanCases)('$name', (c) => void check(c));
});
describe('planRun: n8n filter-disabled-nodes cases', () => {
  it.each(disabledCases)('$name', (c) => void check(c));
});

describe('bridgeDisabled (filter-disabled-nodes)', () => {
  it('connects each parent of a disabled node to each child, remembering the chain', () => {
    const graph = bridgeDisabled(
      graphFromDefinition(
        workflow(
          ['trigger', { id: 'd1', disabled: true }, { id: 'd2', disabled: true }, 'destination'],
          ['trigger>d1', 'd1>d2', 'd2>destination'],
        ),
      ),
    );
    expect([...graph.nodes.keys()]).toEqual(['trigger', 'destination']);
    expect(graph.edges.map((e) => [e.source, e.target, e.via])).toEqual([['trigger', 'destination', ['d1', 'd2']]]);
  });

  it('keeps a chain through a disabled node beside a direct edge between the same handles (a second delivery)', () => {
    const graph = bridgeDisabled(
      graphFromDefinition(
        workflow(
          ['trigger', { id: 'd1', disabled: true }, 'destination'],
          ['trigger>d1', 'd1>destination', 'trigger>destination'],
        ),
      ),
    );
    expect(graph.edges.map((e) => [e.source, e.target, e.via])).toEqual([
      ['trigger', 'destination', []],
      ['trigger', 'destination', ['d1']],
    ]);
  });
});

/** A → B → C → D with an HTTP node, as the partial-runs browser test builds it. */
const CHAIN = ['trigger', 'http', 'set2', 'set3'];
const CHAIN_EDGES = ['trigger>http', 'http>set2', 'set2>set3'];

describe('planRun: dirtiness and reasons (Weft)', () => {
  const reasonsOf = (c: Case): Record<string, string> => {
    const plan = check(c);
    if (!plan) throw new Error('no plan');
    return Object.fromEntries(Object.entries(plan.reasons).map(([id, r]) => [id, describeReason(r)]));
  };

  it('a fresh run (no base) runs everything from the trigger', () => {
    check({ name: 'fresh', nodes: CHAIN, edges: CHAIN_EDGES, scope: 'all', start: ['trigger'], run: CHAIN, reuse: [] });
  });

  it('nothing changed: Run workflow reuses everything and runs nothing', () => {
    check({
      name: 'same',
      nodes: CHAIN,
      edges: CHAIN_EDGES,
      runs: ALL_RAN(CHAIN),
      scope: 'all',
      start: [],
      run: [],
      reuse: CHAIN,
    });
  });

  it('an edit that is undone is clean', () => {
    check({
      name: 'undone',
      nodes: CHAIN,
      edges: CHAIN_EDGES,
      runs: ALL_RAN(CHAIN),
      change: (d) => {
        const set2 = d.nodes.find((n) => n.id === 'set2') as DefinitionNode;
        set2.parameters = { value: 1 };
        set2.parameters = {};
        set2.position = { x: 5, y: 5 };
        set2.name = 'Set two';
      },
      scope: 'all',
      run: [],
    });
  });

  it('a branch that carried no items in the base run is not started, though it never ran', () => {
    check({
      name: 'untaken branch',
      nodes: ['trigger', { id: 'check', type: 'if' }, 'yes', 'no'],
      edges: ['trigger>check', 'check:true>yes', 'check:false>no'],
      runs: { trigger: true, check: ['true'], yes: true },
      scope: 'all',
      start: [],
      run: [],
      reuse: ['trigger', 'check', 'yes'],
    });
  });

  it('a changed node and what follows it run; the reason says why', () => {
    const reasons = reasonsOf({
      name: 'changed',
      nodes: CHAIN,
      edges: CHAIN_EDGES,
      runs: ALL_RAN(CHAIN),
      change: edit('set2'),
      scope: 'all',
      start: ['set2'],
      run: ['set2', 'set3'],
      reuse: ['trigger', 'http'],
    });
    expect(reasons).toEqual({
      trigger: 'unchanged: output reused',
      http: 'unchanged: output reused',
      set2: 'parameters changed',
      set3: 'upstream set2 changed',
    });
  });

  it('a rewired input is "input connections changed"', () => {
    const reasons = reasonsOf({
      name: 'rewired',
      nodes: [...CHAIN, 'other'],
      edges: [...CHAIN_EDGES, 'trigger>other'],
      runs: ALL_RAN([...CHAIN, 'other']),
      change: (d) => void (d.edges = d.edges.map((e) => (e.target === 'set3' ? { ...e, source: 'http' } : e))),
      destination: 'set3',
      start: ['set3'],
    });
    expect(reasons.set3).toBe('input connections changed');
  });

  it('a node that reads $("X") of a changed node runs again, though X is not its parent', () => {
    const reasons = reasonsOf({
      name: 'reference',
      nodes: ['trigger', 'http', 'other', { id: 'reader', parameters: { value: "={{ $('http').item.json.id }}" } }],
      edges: ['trigger>http', 'trigger>other', 'other>reader'],
      runs: ALL_RAN(['trigger', 'http', 'other', 'reader']),
      change: edit('http'),
      scope: 'all',
      start: ['http', 'reader'],
      run: ['http', 'reader'],
      reuse: ['trigger', 'other'],
    });
    expect(reasons.reader).toBe("uses $('http') which changed");
  });

  it.each([
    ['$node["Name"]', '={{ $node["http"].json.id }}'],
    ["$items('Name')", "={{ $items('http').length }}"],
    ["a Code node's source", "const rows = $('http').all();\nreturn rows;"],
  ])('%s counts as naming the node', (_, text) => {
    check({
      name: 'reference kinds',
      nodes: ['trigger', 'http', 'other', { id: 'reader', parameters: { value: text } }],
      edges: ['trigger>http', 'trigger>other', 'other>reader'],
      runs: ALL_RAN(['trigger', 'http', 'other', 'reader']),
      change: edit('http'),
      scope: 'all',
      start: ['http', 'reader'],
    });
  });

  it('a node the base run never reached runs: "no output in the base run"', () => {
    const reasons = reasonsOf({
      name: 'unreached',
      nodes: CHAIN,
      edges: CHAIN_EDGES,
      runs: ALL_RAN(['trigger', 'http', 'set2']),
      destination: 'set3',
      start: ['set3'],
    });
    expect(reasons.set3).toBe('no output in the base run');
  });

  it('a rotated credential makes its node run again', () => {
    const def = workflow(CHAIN, CHAIN_EDGES);
    (def.nodes[1] as DefinitionNode).credentials = { httpAuth: 'cred1' };
    const base: PlanBase = {
      fingerprints: definitionFingerprints(def, { credentials: { cred1: 'v1' } }),
      runs: Object.fromEntries(CHAIN.map((id) => [id, baseRun(true)])),
    };
    const result = planRun({
      definition: def,
      fingerprints: definitionFingerprints(def, { credentials: { cred1: 'v2' } }),
      base,
      scope: 'all',
    });
    expect(result.ok && result.plan.startNodeIds).toEqual(['http']);
    expect(result.ok && result.plan.reasons.http).toEqual({ kind: 'changed', part: 'credentials' });
  });

  it('a node just disabled passes its items on again, before the node after it', () => {
    check({
      name: 'disabled now',
      nodes: CHAIN,
      edges: CHAIN_EDGES,
      runs: ALL_RAN(CHAIN),
      change: (d) => void ((d.nodes.find((n) => n.id === 'set2') as DefinitionNode).disabled = true),
      destination: 'set3',
      start: ['set3'],
      run: ['set2', 'set3'],
      reuse: ['trigger', 'http'],
    });
  });

  it('a new pin makes the pinned node start (its pin is its output) and what follows run', () => {
    const before = workflow(CHAIN, CHAIN_EDGES);
    const pins = pinsOf(['http']);
    const result = planRun({
      definition: before,
      fingerprints: definitionFingerprints(before, { credentials: {}, pins }),
      base: {
        fingerprints: definitionFingerprints(before, { credentials: {} }),
        runs: Object.fromEntries(CHAIN.map((id) => [id, baseRun(true)])),
      },
      pins,
      scope: 'all',
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.plan.startNodeIds).toEqual(['http']);
    expect(result.plan.reasons.http).toEqual({ kind: 'changed', part: 'pin' });
    expect(result.plan.run).toEqual(['http', 'set2', 'set3']);
  });

  it('a pinned node that does not run is listed as pinned, not reused', () => {
    check({
      name: 'pinned ancestor',
      nodes: CHAIN,
      edges: CHAIN_EDGES,
      runs: ALL_RAN(CHAIN),
      pins: ['http'],
      change: edit('set3'),
      destination: 'set3',
      start: ['set3'],
      reuse: ['trigger', 'set2'],
    });
  });
});

describe('planRun: Execute step (scope step)', () => {
  it('starts at the destination and reuses its ancestors, changed or not', () => {
    const plan = check({
      name: 'step',
      nodes: CHAIN,
      edges: CHAIN_EDGES,
      runs: ALL_RAN(CHAIN),
      change: edit('http'),
      scope: 'step',
      destination: 'set2',
      start: ['set2'],
      run: ['set2'],
      reuse: ['trigger', 'http'],
      subgraph: ['trigger', 'http', 'set2'],
    });
    expect(plan?.pinned).toEqual([]);
  });

  it('takes a pinned parent as its input', () => {
    const plan = check({
      name: 'step on pin',
      nodes: CHAIN,
      edges: CHAIN_EDGES,
      runs: ALL_RAN(['trigger']),
      pins: ['http'],
      scope: 'step',
      destination: 'set2',
      start: ['set2'],
      reuse: ['trigger'],
    });
    expect(plan?.pinned).toEqual(['http']);
  });

  it('refuses with step_needs_input when a parent has neither base output nor a pin', () => {
    const result = planCase({
      name: 'no input',
      nodes: CHAIN,
      edges: CHAIN_EDGES,
      runs: ALL_RAN(['trigger']),
      scope: 'step',
      destination: 'set2',
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'step_needs_input', nodeId: 'http' } });
  });

  it('refuses when the parent failed in the base run', () => {
    check({
      name: 'failed parent',
      nodes: CHAIN,
      edges: CHAIN_EDGES,
      runs: { trigger: true, http: 'failed' },
      scope: 'step',
      destination: 'set2',
      error: 'step_needs_input',
    });
  });

  it('refuses without a base run', () => {
    check({
      name: 'fresh step',
      nodes: CHAIN,
      edges: CHAIN_EDGES,
      scope: 'step',
      destination: 'set2',
      error: 'step_needs_input',
    });
  });

  it('runs a trigger on its own', () => {
    check({
      name: 'trigger step',
      nodes: CHAIN,
      edges: CHAIN_EDGES,
      scope: 'step',
      destination: 'trigger',
      start: ['trigger'],
      run: ['trigger'],
    });
  });
});

describe('planRun: scope all', () => {
  it('refuses a workflow without a trigger', () => {
    check({ name: 'no trigger', nodes: ['a', 'b'], edges: ['a>b'], scope: 'all', error: 'no_trigger' });
  });

  it('starts from every trigger', () => {
    check({
      name: 'two triggers',
      nodes: ['trigger', 'webhook', 'a', 'b'],
      edges: ['trigger>a', 'webhook>b'],
      scope: 'all',
      start: ['trigger', 'webhook'],
      run: ['trigger', 'webhook', 'a', 'b'],
    });
  });

  it('leaves sticky notes out', () => {
    check({
      name: 'sticky',
      nodes: ['trigger', 'a', { id: 'note', type: 'stickyNote' }],
      edges: ['trigger>a'],
      scope: 'all',
      subgraph: ['trigger', 'a'],
    });
  });
});
