import type { JsonItem } from './items.ts';
import type { N8nWorkflowJson, Params } from './node-case.ts';
import { Rng } from './rng.ts';
import { TEST_DATA_TYPE } from './weft.ts';

/**
 * Random small workflows of supported nodes, to compare run order and fan-in
 * rather than one node's logic: IF, Filter, Switch (expression mode), Edit
 * Fields, Merge (v3 append, by position with and without unpaired items,
 * choose branch, all combinations, by field with matches and non-matches;
 * v2.1 by position, choose branch, multiplex), Code failing on some items
 * and going on (regular or error output) or stopping the run, Limit and No
 * Op, wired at random after
 * the "Input" node, a node often fed by both outputs of an IF or Switch, or
 * by two branches into one Merge input, branches that get no items. The
 * nodes' own parameters are simple ones both engines agree on (numbers in
 * field `a`), so a divergence points at the runner. Both of n8n's execution
 * orders: "v1", "v0", and no setting (which n8n runs as v0); and the node
 * settings "Always Output Data" and "Execute Once" on some nodes, and some
 * nodes disabled. Some graphs have a loop back through an IF (addLoop) or go
 * round a Loop Over Items (addBatchLoop), some
 * Edit Fields read `$node["X"].runIndex` of an earlier node.
 */

export interface GraphCase {
  seed: number;
  workflow: N8nWorkflowJson;
}

type Node = N8nWorkflowJson['nodes'][number];

interface Kind {
  /** `earlier`: the names of the nodes made before this one (for expressions naming one). */
  make(rng: Rng, earlier: readonly string[]): { type: string; typeVersion: number; parameters: Params };
  outputs: number;
  inputs: number;
}

const numberCondition = (rng: Rng): Params => ({
  options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
  conditions: [
    {
      id: 'c0',
      leftValue: '={{ $json.a }}',
      rightValue: rng.int(4),
      operator: { type: 'number', operation: rng.pick(['gt', 'lt', 'equals']) },
    },
  ],
  combinator: 'and',
});

const kinds: Record<string, Kind> = {
  if: {
    make: (rng) => ({
      type: 'n8n-nodes-base.if',
      typeVersion: 2.2,
      parameters: { conditions: numberCondition(rng), options: {} },
    }),
    outputs: 2,
    inputs: 1,
  },
  filter: {
    make: (rng) => ({
      type: 'n8n-nodes-base.filter',
      typeVersion: 2.2,
      parameters: { conditions: numberCondition(rng), options: {} },
    }),
    outputs: 1,
    inputs: 1,
  },
  switch: {
    make: () => ({
      type: 'n8n-nodes-base.switch',
      typeVersion: 3.2,
      parameters: { mode: 'expression', numberOutputs: 2, output: '={{ $json.a % 2 }}' },
    }),
    outputs: 2,
    inputs: 1,
  },
  set: {
    make: (rng, earlier) => ({
      type: 'n8n-nodes-base.set',
      typeVersion: 3.4,
      parameters: {
        mode: 'manual',
        assignments: {
          assignments: [
            {
              id: 'f0',
              name: `s${rng.int(3)}`,
              // $node["X"].runIndex: X's last run so far (-1 before it ran), which depends on the run order.
              value: rng.chance(0.3) ? `={{ $node["${rng.pick([...earlier])}"].runIndex }}` : '={{ $json.a + 1 }}',
              type: 'number',
            },
          ],
        },
        includeOtherFields: true,
        options: {},
      },
    }),
    outputs: 1,
    inputs: 1,
  },
  merge: {
    make: (rng) =>
      rng.chance(0.2)
        ? {
            type: 'n8n-nodes-base.merge',
            typeVersion: 2.1,
            parameters: rng.pick<Params>([
              { mode: 'combine', combinationMode: 'mergeByPosition', options: {} },
              { mode: 'chooseBranch', output: 'input2' },
              { mode: 'combine', combinationMode: 'multiplex', options: {} },
            ]),
          }
        : {
            type: 'n8n-nodes-base.merge',
            typeVersion: rng.pick([3, 3.2]),
            parameters: rng.pick<Params>([
              {},
              {},
              { mode: 'combine', combineBy: 'combineByPosition', options: {} },
              { mode: 'combine', combineBy: 'combineByPosition', options: { includeUnpaired: true } },
              { mode: 'chooseBranch', chooseBranchMode: 'waitForAll', output: 'specifiedInput', useDataOfInput: 2 },
              { mode: 'chooseBranch', chooseBranchMode: 'waitForAll', output: 'empty' },
              { mode: 'combine', combineBy: 'combineAll', options: {} },
              { mode: 'combine', combineBy: 'combineByFields', fieldsToMatchString: 'a', joinMode: 'keepMatches' },
              {
                mode: 'combine',
                combineBy: 'combineByFields',
                fieldsToMatchString: 'a',
                joinMode: 'keepNonMatches',
                outputDataFrom: 'both',
              },
            ]),
          },
    outputs: 1,
    inputs: 2,
  },
  // A node that fails on some items (a = 1) and goes on: its failed items on the regular or the error output.
  code: {
    make: () => ({
      type: 'n8n-nodes-base.code',
      typeVersion: 2,
      parameters: {
        mode: 'runOnceForEachItem',
        jsCode: "if ($json.a === 1) throw new Error('a is 1');\nreturn { json: { ...$json, c: $json.a * 2 } };",
      },
    }),
    outputs: 1,
    inputs: 1,
  },
  limit: {
    make: (rng) => ({ type: 'n8n-nodes-base.limit', typeVersion: 1, parameters: { maxItems: 1 + rng.int(2) } }),
    outputs: 1,
    inputs: 1,
  },
  noOp: { make: () => ({ type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} }), outputs: 1, inputs: 1 },
};

const kindNames = Object.keys(kinds);

const link = (wf: N8nWorkflowJson, from: string, output: number, to: string, input: number): void => {
  const outputs = (wf.connections[from] ??= { main: [] }).main;
  while (outputs.length <= output) outputs.push([]);
  const targets = outputs[output] ?? [];
  if (!targets.some((t) => t.node === to && t.index === input)) targets.push({ node: to, type: 'main', index: input });
  outputs[output] = targets;
};

export const graphCase = (seed: number): GraphCase => {
  const rng = new Rng(seed);
  const items: JsonItem[] = Array.from({ length: rng.int(5) }, (_, i) => ({ a: rng.int(4), i }));
  const wf: N8nWorkflowJson = {
    name: `n8n-diff graph seed ${seed}`,
    nodes: [
      {
        id: 'start',
        name: 'Start',
        type: 'n8n-nodes-base.manualTrigger',
        typeVersion: 1,
        position: [0, 0],
        parameters: {},
      },
      {
        id: 'input',
        name: 'Input',
        type: TEST_DATA_TYPE,
        typeVersion: 1,
        position: [220, 0],
        parameters: { data: items },
      },
    ],
    connections: {},
    settings: rng.pick<Params>([{ executionOrder: 'v1' }, { executionOrder: 'v0' }, {}]),
  };
  link(wf, 'Start', 0, 'Input', 0);
  const sources: { name: string; outputs: number }[] = [{ name: 'Input', outputs: 1 }];
  const count = 2 + rng.int(5);
  for (let i = 0; i < count; i++) {
    if (rng.chance(0.15)) {
      sources.push(...addLoop(wf, rng, i, rng.pick(sources)));
      continue;
    }
    if (rng.chance(0.12)) {
      sources.push(addBatchLoop(wf, rng, i, rng.pick(sources)));
      continue;
    }
    const kindName = rng.pick(kindNames);
    const kind = kinds[kindName];
    if (!kind) continue;
    const name = `${kindName} ${i}`;
    const made = kind.make(
      rng,
      wf.nodes.map((n) => n.name),
    );
    const node: Node & { onError?: string; alwaysOutputData?: boolean; executeOnce?: boolean; disabled?: boolean } = {
      id: `n${i}`,
      name,
      position: [440 + i * 220, 0],
      ...made,
    };
    if (rng.chance(0.2)) node.alwaysOutputData = true;
    if (rng.chance(0.15)) node.executeOnce = true;
    if (rng.chance(0.08)) node.disabled = true;
    let outputs = kind.outputs;
    if (kindName === 'code') {
      node.onError = rng.pick(['continueRegularOutput', 'continueErrorOutput', 'stopWorkflow']);
      if (node.onError === 'continueErrorOutput') outputs++;
    }
    wf.nodes.push(node);
    for (let input = 0; input < kind.inputs; input++) {
      const from = rng.pick(sources);
      link(wf, from.name, rng.int(from.outputs), name, input);
      // Fan-in: a second branch into the same input, often the other output of the same IF/Switch.
      if (rng.chance(0.3)) {
        const other = rng.chance(0.5) ? from : rng.pick(sources);
        link(wf, other.name, rng.int(other.outputs), name, input);
      }
    }
    sources.push({ name, outputs });
  }
  if (rng.chance(0.5)) shuffleConnections(wf, rng);
  return { seed, workflow: wf };
};

/**
 * n8n's connection lists in another order than they were made (as a person
 * connects nodes in any order): each output's targets and the sources' order
 * shuffled. v0 runs children in that order, so it must survive the import and
 * the workflow document (graphs.diff.ts runs Weft through one).
 */
const shuffleConnections = (wf: N8nWorkflowJson, rng: Rng): void => {
  const connections: N8nWorkflowJson['connections'] = {};
  for (const [from, { main }] of rng.shuffle(Object.entries(wf.connections)))
    connections[from] = { main: main.map((targets) => rng.shuffle(targets)) };
  wf.connections = connections;
};

/**
 * A loop: "inc" adds 1 to `a` and "loop" (an IF: a < k) sends the items that
 * are still under k back — straight into "inc", or into one input of a Merge
 * in front of it (the first input or the second, the other fed from outside),
 * which makes the Merge wait for a node below it and, in v0, run with an
 * empty first input (n8n's input re-selection for loops). Every pass adds 1
 * to each item's `a`, so it ends; the loop's nodes get no settings that could
 * keep items in it for ever (Always Output Data, disabled). Nodes stay at
 * least n8n's node size (100) apart, as a person draws them: the importer
 * moves nodes that overlap in n8n apart, which changes v1's position order
 * among them (docs/n8n-compatibility.md).
 */
/**
 * Loop Over Items (Split In Batches 3): batches of 1–3 go round a body (Edit Fields reading the item and
 * `$('Input').item` through the loop, sometimes a Filter dropping some) and back; "done" is a source for later
 * nodes, so what comes out of it (and its paired items) is compared too.
 */
const addBatchLoop = (
  wf: N8nWorkflowJson,
  rng: Rng,
  i: number,
  from: { name: string; outputs: number },
): { name: string; outputs: number } => {
  const x = 440 + i * 220;
  const loop = `batches ${i}`;
  const body = `body ${i}`;
  wf.nodes.push(
    {
      id: `n${i}b`,
      name: loop,
      type: 'n8n-nodes-base.splitInBatches',
      typeVersion: 3,
      position: [x, 0],
      parameters: { batchSize: 1 + rng.int(3), options: rng.chance(0.2) ? { reset: false } : {} },
    },
    {
      id: `n${i}w`,
      name: body,
      type: 'n8n-nodes-base.set',
      typeVersion: 3.4,
      position: [x + 110, 160],
      parameters: {
        mode: 'manual',
        assignments: {
          assignments: [
            {
              id: 'f0',
              name: `b${i}`,
              value: rng.pick([
                '={{ $json.a + 1 }}',
                "={{ $('Input').item.json.a }}",
                `={{ $('${loop}').item.json.a }}`,
                '={{ $runIndex }}',
              ]),
              type: 'number',
            },
          ],
        },
        includeOtherFields: true,
        options: {},
      },
    },
  );
  link(wf, from.name, rng.int(from.outputs), loop, 0);
  link(wf, loop, 1, body, 0);
  if (rng.chance(0.3)) {
    const filter = `keep ${i}`;
    wf.nodes.push({
      id: `n${i}k`,
      name: filter,
      type: 'n8n-nodes-base.filter',
      typeVersion: 2.2,
      position: [x + 220, 160],
      parameters: { conditions: numberCondition(rng), options: {} },
    });
    link(wf, body, 0, filter, 0);
    link(wf, filter, 0, loop, 0);
  } else link(wf, body, 0, loop, 0);
  // "done" only: the loop output is the body's.
  return { name: loop, outputs: 1 };
};

const addLoop = (
  wf: N8nWorkflowJson,
  rng: Rng,
  i: number,
  from: { name: string; outputs: number },
): { name: string; outputs: number }[] => {
  const x = 440 + i * 220;
  const inc = `inc ${i}`;
  const loop = `loop ${i}`;
  wf.nodes.push(
    {
      id: `n${i}i`,
      name: inc,
      type: 'n8n-nodes-base.set',
      typeVersion: 3.4,
      position: [x, 120],
      parameters: {
        mode: 'manual',
        assignments: {
          assignments: [{ id: 'f0', name: 'a', value: '={{ Number($json.a || 0) + 1 }}', type: 'number' }],
        },
        includeOtherFields: true,
        options: {},
      },
    },
    {
      id: `n${i}l`,
      name: loop,
      type: 'n8n-nodes-base.if',
      typeVersion: 2.2,
      position: [x + 110, rng.pick([0, 240])],
      parameters: {
        conditions: {
          options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
          conditions: [
            {
              id: 'c0',
              leftValue: '={{ $json.a }}',
              rightValue: 2 + rng.int(3),
              operator: { type: 'number', operation: 'lt' },
            },
          ],
          combinator: 'and',
        },
        options: {},
      },
    },
  );
  const out = [
    { name: inc, outputs: 1 },
    { name: loop, outputs: 2 },
  ];
  if (rng.chance(0.5)) {
    link(wf, from.name, rng.int(from.outputs), inc, 0);
    link(wf, inc, 0, loop, 0);
    link(wf, loop, 0, inc, 0);
    return out;
  }
  // Only modes whose output grows `a` with the items that came round: one that makes items of its own
  // (choose branch → an empty item) would loop for ever.
  const merge = `merge ${i}`;
  const back = rng.int(2);
  wf.nodes.push({
    id: `n${i}m`,
    name: merge,
    type: 'n8n-nodes-base.merge',
    typeVersion: rng.pick([2.1, 3, 3.2]),
    position: [x - 110, rng.pick([120, 360])],
    parameters: rng.pick<Params>([{}, { mode: 'append' }]),
  });
  link(wf, from.name, rng.int(from.outputs), merge, 1 - back);
  link(wf, merge, 0, inc, 0);
  link(wf, inc, 0, loop, 0);
  link(wf, loop, 0, merge, back);
  return [{ name: merge, outputs: 1 }, ...out];
};

/** The same workflow without one node (and its connections), or with fewer items. */
export const shrinkGraph = (wf: N8nWorkflowJson): N8nWorkflowJson[] => {
  const out: N8nWorkflowJson[] = [];
  for (const node of wf.nodes) {
    if (node.name === 'Start' || node.name === 'Input') continue;
    const connections: N8nWorkflowJson['connections'] = {};
    for (const [from, { main }] of Object.entries(wf.connections)) {
      if (from === node.name) continue;
      connections[from] = { main: main.map((targets) => targets.filter((t) => t.node !== node.name)) };
    }
    out.push({ ...wf, nodes: wf.nodes.filter((n) => n !== node), connections });
  }
  const input = wf.nodes.find((n) => n.name === 'Input');
  const data = input?.parameters.data;
  if (input && Array.isArray(data) && data.length > 0) {
    for (let i = 0; i < data.length; i++) {
      const fewer = { ...input, parameters: { data: data.filter((_, j) => j !== i) } };
      out.push({ ...wf, nodes: wf.nodes.map((n) => (n === input ? fewer : n)) });
    }
  }
  return out;
};

/** What the workflow is made of, for grouping: its node kinds in order. */
export const graphKey = (wf: N8nWorkflowJson): string =>
  `${typeof wf.settings.executionOrder === 'string' ? wf.settings.executionOrder : 'no order (v0)'}: ${wf.nodes
    .slice(2)
    .map((n) => {
      const flags = n as { alwaysOutputData?: boolean; executeOnce?: boolean; disabled?: boolean };
      const marks = `${flags.alwaysOutputData ? ' +always' : ''}${flags.executeOnce ? ' +once' : ''}${flags.disabled ? ' (disabled)' : ''}`;
      return `${n.type.replace('n8n-nodes-base.', '')}${marks}`;
    })
    .join(' → ')}`;
