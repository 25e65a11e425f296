import type { Family } from './differ.ts';
import { itemSet } from './items.ts';
import type { N8nWorkflowJson, NodeCase, Params } from './node-case.ts';
import { Rng } from './rng.ts';

/**
 * Execute Workflow 1.2–1.4 calling a sub-workflow (both engines run it in process: the reference through
 * its own WorkflowExecute, Weft as its engine runs an inline child): Execute Workflow Trigger 1–1.2 with each
 * input mode (fields of every type, a JSON example, accept all), the caller's mapping of literal and computed
 * values with and without "attempt to convert types", once and each mode, waiting or not; the child ends in a
 * Set, a Code node or an IF (two outputs). The parent's output items are compared.
 */

const CALLER_VERSIONS = [1.2, 1.3, 1.4];
const TRIGGER_VERSIONS = [1, 1.1, 1.2];
const TYPES = ['any', 'string', 'number', 'boolean', 'array', 'object'] as const;
const FIELD_NAMES = ['a', 'n', 'flag', 'tags', 'meta', 'extra'];

/** Values a mapped input may be given: literals of each kind and expressions reading the item. */
const VALUES: readonly unknown[] = [
  'text',
  '12',
  12,
  true,
  'true',
  '[1,2]',
  '{"k":1}',
  null,
  '={{ $json.a }}',
  '={{ $json.name }}',
  '={{ 5 }}',
  '={{ "7" }}',
  '={{ [1, 2] }}',
  '={{ { k: $json.a } }}',
  '={{ $json.missing }}',
  '={{ $itemIndex }}',
];

const triggerParams = (rng: Rng, version: number): { parameters: Params; fields: { name: string; type: string }[] } => {
  if (version < 1.1) return { parameters: {}, fields: [] };
  const mode = rng.pick(['workflowInputs', 'jsonExample', 'passthrough']);
  if (mode === 'passthrough') return { parameters: { inputSource: 'passthrough' }, fields: [] };
  const fields = rng
    .shuffle(FIELD_NAMES)
    .slice(0, 1 + rng.int(4))
    .map((name) => ({ name, type: rng.pick(TYPES) }));
  if (mode === 'jsonExample') {
    const sample: Record<string, unknown> = { any: null, string: 's', number: 1, boolean: true, array: [], object: {} };
    const example = Object.fromEntries(fields.map((f) => [f.name, sample[f.type]]));
    return { parameters: { inputSource: 'jsonExample', jsonExample: JSON.stringify(example) }, fields };
  }
  return { parameters: { workflowInputs: { values: fields } }, fields };
};

const lastNode = (rng: Rng): N8nWorkflowJson['nodes'][number] => {
  const kind = rng.pick(['set', 'code', 'if']);
  const base = { id: 'last', name: 'Last', position: [440, 0] as [number, number] };
  if (kind === 'set')
    return {
      ...base,
      type: 'n8n-nodes-base.set',
      typeVersion: 3.4,
      parameters: {
        assignments: {
          assignments: [{ id: 'x', name: 'seen', value: '={{ JSON.stringify($json) }}', type: 'string' }],
        },
        includeOtherFields: rng.chance(0.5),
        options: {},
      },
    };
  if (kind === 'code')
    return {
      ...base,
      type: 'n8n-nodes-base.code',
      typeVersion: 2,
      parameters: {
        jsCode: rng.chance(0.5)
          ? 'return [{ json: { count: $input.all().length } }];'
          : 'return $input.all().map((i, k) => ({ json: { k, keys: Object.keys(i.json).sort() } }));',
      },
    };
  return {
    ...base,
    type: 'n8n-nodes-base.if',
    typeVersion: 2,
    parameters: {
      conditions: {
        options: { caseSensitive: true, leftValue: '', typeValidation: 'loose' },
        conditions: [
          {
            id: 'c',
            leftValue: '={{ $itemIndex }}',
            rightValue: 1,
            operator: { type: 'number', operation: 'lt' },
          },
        ],
        combinator: 'and',
      },
      options: {},
    },
  };
};

const childWorkflow = (rng: Rng): { workflow: N8nWorkflowJson; fields: { name: string; type: string }[] } => {
  const typeVersion = rng.pick(TRIGGER_VERSIONS);
  const { parameters, fields } = triggerParams(rng, typeVersion);
  return {
    fields,
    workflow: {
      name: 'child',
      nodes: [
        {
          id: 'called',
          name: 'Called',
          type: 'n8n-nodes-base.executeWorkflowTrigger',
          typeVersion,
          position: [0, 0],
          parameters,
        },
        lastNode(rng),
      ],
      connections: { Called: { main: [[{ node: 'Last', type: 'main', index: 0 }]] } },
      settings: { executionOrder: 'v1' },
    },
  };
};

export const executeWorkflowCase = (seed: number): NodeCase => {
  const rng = new Rng(seed);
  const typeVersion = rng.pick(CALLER_VERSIONS);
  const { workflow, fields } = childWorkflow(rng);
  const mapped = fields.filter(() => rng.chance(0.8));
  const parameters: Params = {
    source: 'database',
    workflowId: { __rl: true, value: 'child1', mode: 'list', cachedResultName: 'child' },
    mode: rng.chance(0.3) ? 'each' : 'once',
    options: rng.chance(0.2) ? { waitForSubWorkflow: false } : {},
  };
  if (fields.length > 0) {
    parameters.workflowInputs = {
      mappingMode: 'defineBelow',
      value: Object.fromEntries(mapped.map((f) => [f.name, rng.pick(VALUES)])),
      matchingColumns: [],
      schema: fields.map((f) => ({
        id: f.name,
        displayName: f.name,
        required: false,
        defaultMatch: false,
        display: true,
        canBeUsedToMatch: true,
        removed: false,
        ...(f.type === 'any' ? {} : { type: f.type }),
      })),
      attemptToConvertTypes: rng.chance(0.5),
      convertFieldsToString: rng.chance(0.5),
    };
  }
  return {
    family: 'executeWorkflow',
    seed,
    type: 'executeWorkflow',
    typeVersion,
    parameters,
    items: itemSet(rng).slice(0, 6),
    subworkflows: { child1: workflow },
  };
};

export const executeWorkflowFamily: Family = {
  name: 'executeWorkflow',
  generate: executeWorkflowCase,
  shrink: () => [],
  key: (c) => {
    const p = c.parameters;
    const child = c.subworkflows?.child1;
    const trigger = child?.nodes[0];
    const last = child?.nodes[1];
    const wait = (p.options as Params | undefined)?.waitForSubWorkflow === false ? 'no wait' : 'wait';
    const source = trigger?.parameters.inputSource;
    const mode = typeof source === 'string' ? source : trigger && trigger.typeVersion < 1.1 ? 'v1' : 'workflowInputs';
    const convert = (p.workflowInputs as Params | undefined)?.attemptToConvertTypes ? 'convert' : 'strict';
    return `${String(p.mode)} ${wait} ${mode} ${convert} → ${last?.type ?? ''}`;
  },
  coverage: () => ({
    'type versions': CALLER_VERSIONS.map(String),
    'trigger versions': TRIGGER_VERSIONS.map(String),
    'input types': [...TYPES],
    'input modes': ['workflowInputs', 'jsonExample', 'passthrough'],
    modes: ['once', 'each'],
    wait: ['true', 'false'],
  }),
};
