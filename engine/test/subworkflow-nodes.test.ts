import { describe, expect, it } from 'vitest';
import { fromN8n } from '#shared/interop/n8n/index.ts';
import { validateDefinition } from '#shared/schema/validate.ts';
import { checkInputValue, childInputItems, fieldsOfExample, itemsInSchema } from '../src/nodes/workflow-inputs.ts';
import type { SubworkflowCaller, SubworkflowRequest } from '../src/runner/types.ts';
import { definition, edge, meta, node, outputsByName, run } from './harness.ts';

/**
 * Execute Workflow and Execute Workflow Trigger (docs/plans/n8n-daily.md §6.1): the input values are checked
 * and converted as n8n-workflow's validateFieldType does for the resource mapper, the trigger keeps its
 * schema's fields, and the caller's node asks its run's owner to run the child.
 */

const loose = { strict: false, parseStrings: true };
const strict = { strict: true, parseStrings: true };

describe('workflow input values (n8n validateFieldType)', () => {
  const cases: [string, unknown, 'string' | 'number' | 'boolean' | 'array' | 'object' | 'any', unknown][] = [
    ['number from text', '12.5', 'number', 12.5],
    ['number from empty text', '', 'number', 0],
    ['boolean from "TRUE"', 'TRUE', 'boolean', true],
    ['boolean from "0"', '0', 'boolean', false],
    ['boolean from 1', 1, 'boolean', true],
    ['array from JSON text', '[1,2]', 'array', [1, 2]],
    ['array from single-quoted text', "['a']", 'array', ['a']],
    ['object from JSON text', '{"a":1}', 'object', { a: 1 }],
    ['object from a JS literal', '{a: 1}', 'object', { a: 1 }],
    ['string from a number', 5, 'string', '5'],
    ['string from an object', { a: 1 }, 'string', '{"a":1}'],
    ['any keeps it', { a: [1] }, 'any', { a: [1] }],
    ['null is no value', null, 'number', undefined],
  ];
  it.each(cases)('converts: %s', (_, value, type, expected) => {
    expect(checkInputValue('f', value, type, loose)).toEqual(expected);
  });

  const refusals: [unknown, 'number' | 'boolean' | 'array' | 'object' | 'string', string][] = [
    ['abc', 'number', "'f' expects a number but we got 'abc'"],
    ['yes', 'boolean', "'f' expects a boolean but we got 'yes'"],
    ['{"a":1}', 'array', "'f' expects a array but we got '{\"a\":1}'"],
    ['[1]', 'object', "'f' expects a object but we got '[1]'"],
  ];
  it.each(refusals)('refuses %j as a %s with n8n’s message', (value, type, description) => {
    let error: unknown;
    try {
      checkInputValue('f', value, type, loose, 3);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ message: "Invalid input for 'f' [item 3]", description });
  });

  it('strict (no "attempt to convert types") refuses another JavaScript type, even one that would convert', () => {
    expect(() => checkInputValue('n', '5', 'number', strict)).toThrow("Invalid input for 'n' [item 0]");
    expect(() => checkInputValue('s', 5, 'string', strict)).toThrow("Invalid input for 's' [item 0]");
    expect(checkInputValue('n', 5, 'number', strict)).toBe(5);
    // Without parseStrings a string input takes anything as it is (n8n before 1.4 with the setting off).
    expect(checkInputValue('s', 5, 'string', { strict: true, parseStrings: false })).toBe(5);
  });

  it('sets mapped values on each item and drops removed fields (getCurrentWorkflowInputData)', () => {
    const items = [{ json: { a: 1, secret: 'x' } }, { json: { a: 2, secret: 'y' } }];
    const mapped = [1, 2].map((n) => [
      { name: 'n', value: String(n * 10), type: 'number' as const, removed: false },
      { name: 'secret', value: '', type: 'any' as const, removed: true },
    ]);
    expect(childInputItems(items, mapped, loose)).toEqual([{ json: { a: 1, n: 10 } }, { json: { a: 2, n: 20 } }]);
  });

  it('reads a JSON example as n8n generates its schema (null accepts any type)', () => {
    expect(fieldsOfExample('{"a":"x","n":1,"any":null,"list":[],"o":{}}')).toEqual([
      { name: 'a', type: 'string' },
      { name: 'n', type: 'number' },
      { name: 'any', type: 'any' },
      { name: 'list', type: 'array' },
      { name: 'o', type: 'object' },
    ]);
    expect(() => fieldsOfExample('[1]')).toThrow('Only object type is supported, but got array');
  });

  it('the trigger keeps its schema’s fields, null where missing; passthrough keeps everything', () => {
    const items = [{ json: { a: 1, extra: true } }];
    expect(
      itemsInSchema(items, [
        { name: 'a', type: 'number' },
        { name: 'b', type: 'string' },
      ]),
    ).toEqual([{ json: { a: 1, b: null } }]);
    expect(itemsInSchema(items, undefined)).toEqual(items);
  });
});

describe('Execute Workflow Trigger in runs', () => {
  const child = definition({
    name: 'Child',
    nodes: [
      node('Called', 'executeWorkflowTrigger', {
        inputSource: 'workflowInputs',
        workflowInputs: [{ name: 'n', type: 'number' }],
      }),
    ],
    edges: [],
  });

  it('run alone (manual) puts out one empty item, or its pin', async () => {
    expect(outputsByName(await run(child)).Called).toEqual([{}]);
    const pinned = await run(child, { pins: { Called: [{ n: 7 }] } });
    expect(outputsByName(pinned).Called).toEqual([{ n: 7 }]);
  });

  it('called as a sub-workflow keeps its schema’s fields of the items it was given', async () => {
    const result = await run(child, {
      meta: { ...meta, execution: { id: 'c1', mode: 'subworkflow' } },
      triggerItems: [{ json: { n: 1, other: 'x' } }, { json: {} }],
    });
    expect(outputsByName(result).Called).toEqual([{ n: 1 }, { n: null }]);
  });

  it('a workflow has at most one', () => {
    const two = {
      weft: 1,
      name: 'Two',
      nodes: [node('T1', 'executeWorkflowTrigger'), node('T2', 'executeWorkflowTrigger')],
      edges: [],
    };
    const result = validateDefinition(two, { forRun: true });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.message).toMatch(/at most one Execute Workflow Trigger/);
    // A document may hold two for a while (two people added one each): a warning until it runs.
    const editing = validateDefinition(two);
    expect(editing.ok && editing.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/at most one Execute Workflow Trigger/),
    ]);
  });
});

describe('Execute Workflow in runs', () => {
  const parent = (parameters: Record<string, unknown>) =>
    definition({
      name: 'Parent',
      nodes: [
        node('Start', 'manualTrigger'),
        node('Rows', 'code', { jsCode: 'return [{ json: { id: 1 } }, { json: { id: 2 } }];' }),
        node('Call', 'executeWorkflow', { workflowId: 'child1', ...parameters }),
        node('After', 'set', { assignments: [{ name: 'id', value: "={{ $('Rows').item.json.id }}", type: 'number' }] }),
      ],
      edges: [edge('Start', 'Rows'), edge('Rows', 'Call'), edge('Call', 'After')],
    });

  const recording = (answer: (request: SubworkflowRequest) => Record<string, unknown>[][] | undefined) => {
    const calls: { nodeId: string; request: SubworkflowRequest }[] = [];
    const caller: SubworkflowCaller = (nodeId, request) => {
      calls.push({ nodeId, request });
      const outputs = answer(request)?.map((list) => list.map((json) => ({ json })));
      return Promise.resolve({ executionId: `child-${calls.length}`, ...(outputs ? { outputs } : {}) });
    };
    return { calls, caller };
  };

  it('once: one child run with every item (inputs mapped and converted); its output pairs by position', async () => {
    const { calls, caller } = recording(() => [[{ r: 'a' }, { r: 'b' }]]);
    const result = await run(
      parent({
        workflowInputs: [
          { name: 'double', value: '={{ $json.id * 2 }}', type: 'number' },
          { name: 'flag', value: 'true', type: 'boolean' },
        ],
      }),
      { subworkflow: caller },
    );
    expect(result.status).toBe('succeeded');
    expect(calls).toEqual([
      {
        nodeId: 'Call',
        request: {
          workflowId: 'child1',
          version: 'published',
          wait: true,
          items: [{ json: { id: 1, double: 2, flag: true } }, { json: { id: 2, double: 4, flag: true } }],
        },
      },
    ]);
    expect(outputsByName(result).Call).toEqual([{ r: 'a' }, { r: 'b' }]);
    // $('Rows').item reads through the pairing the node set.
    expect(outputsByName(result).After).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('each: one child run per item; without waiting the node passes its (mapped) input on', async () => {
    const { calls, caller } = recording(() => undefined);
    const result = await run(parent({ mode: 'each', waitForSubWorkflow: false, version: 'draft' }), {
      subworkflow: caller,
    });
    expect(calls.map((c) => c.request.items)).toEqual([[{ json: { id: 1 } }], [{ json: { id: 2 } }]]);
    expect(calls.every((c) => !c.request.wait && c.request.version === 'draft')).toBe(true);
    expect(outputsByName(result).Call).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('a value of the wrong type fails the node (before any child runs) unless types are converted', async () => {
    const { calls: none, caller } = recording(() => [[]]);
    const inputs = {
      workflowInputs: [{ name: 'n', value: '={{ $json.id === 2 ? "seven" : 7 }}', type: 'number' }],
      attemptToConvertTypes: false,
      mode: 'each',
    };
    const failed = await run(parent(inputs), { subworkflow: caller });
    expect(failed.error).toContain("Invalid input for 'n' [item 1]");
    expect(none).toEqual([]);
    const { calls, caller: converting } = recording(() => [[]]);
    await run(parent({ workflowInputs: [{ name: 'n', value: '={{ "7" }}', type: 'number' }] }), {
      subworkflow: converting,
    });
    // A new node converts by default (its values are typed as text).
    expect(calls[0]?.request.items[0]?.json.n).toBe(7);
  });

  it('fails clearly without a server to run the child, and without a workflow id', async () => {
    expect((await run(parent({}))).error).toContain('Sub-workflows run only on an engine connected to a server');
    const { caller } = recording(() => [[]]);
    expect((await run(parent({ workflowId: '' }), { subworkflow: caller })).error).toContain('No workflow to run');
  });
});

describe('n8n import', () => {
  it('maps Execute Workflow 1.2 (resource locator, input mapping) and the trigger’s fields', () => {
    const { definition: def, warnings } = fromN8n({
      name: 'Imported',
      nodes: [
        {
          id: 'a1',
          name: 'When Executed by Another Workflow',
          type: 'n8n-nodes-base.executeWorkflowTrigger',
          typeVersion: 1.1,
          position: [0, 0],
          parameters: { workflowInputs: { values: [{ name: 'n', type: 'number' }, { name: 's' }] } },
        },
        {
          id: 'a2',
          name: 'Call',
          type: 'n8n-nodes-base.executeWorkflow',
          typeVersion: 1.2,
          position: [200, 0],
          parameters: {
            workflowId: { __rl: true, value: 'abc', mode: 'list', cachedResultName: 'Child' },
            workflowInputs: {
              mappingMode: 'defineBelow',
              value: { n: '={{ $json.x }}', s: 5 },
              schema: [
                { id: 'n', displayName: 'n', type: 'number', display: true, required: false, removed: false },
                { id: 's', displayName: 's', type: 'string', display: true, required: false, removed: true },
              ],
              attemptToConvertTypes: true,
            },
            options: { waitForSubWorkflow: false },
          },
        },
        {
          id: 'a3',
          name: 'From file',
          type: 'n8n-nodes-base.executeWorkflow',
          typeVersion: 1,
          position: [400, 0],
          parameters: { source: 'localFile', workflowPath: '/data/w.json' },
        },
      ],
      connections: {},
    });
    const [trigger, call] = def.nodes;
    expect(trigger?.parameters).toEqual({
      inputSource: 'workflowInputs',
      workflowInputs: [
        { name: 'n', type: 'number' },
        { name: 's', type: 'string' },
      ],
    });
    expect(call?.parameters).toMatchObject({
      source: 'database',
      workflowId: 'abc',
      waitForSubWorkflow: false,
      attemptToConvertTypes: true,
      convertFieldsToString: false,
      workflowInputs: [
        { name: 'n', value: '={{ $json.x }}', type: 'number', removed: false },
        { name: 's', value: '={{ 5 }}', type: 'string', removed: true },
      ],
    });
    const messages = warnings.map((w) => w.message).join('\n');
    expect(messages).toContain('From file');
    expect(messages).toMatch(/source "localFile" is not carried/);
    expect(messages).not.toMatch(/Call.*(cachedResultName|mappingMode|display)/);
  });
});
