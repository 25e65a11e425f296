import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromN8n } from '../src/interop/n8n/index.ts';
import { notCarried } from '../src/interop/n8n/not-carried.ts';
import { formatPath, ParamReader, type Params } from '../src/interop/n8n/param-reader.ts';
import { mapParameters } from '../src/interop/n8n/parameters.ts';
import { getNodeDefinition } from '../src/nodes/catalog.ts';

/**
 * Import tells the truth: every n8n parameter, node setting and workflow
 * setting is carried over or named in a warning (node, parameter, why).
 */

// A copy of the handbook's ../shared/interop/n8n, so this runs on a fresh clone.
const corpusDir = fileURLToPath(new URL('./fixtures/n8n', import.meta.url));
const corpus = readdirSync(corpusDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => join(corpusDir, f));

interface N8nFileNode {
  name: string;
  type: string;
  typeVersion?: number;
  parameters?: Params;
}

const messages = (input: unknown) => fromN8n(input).warnings.map((w) => w.message);

const one = (type: string, typeVersion: number, parameters: Params, extra: Params = {}) =>
  messages({
    nodes: [{ name: 'X', type: `n8n-nodes-base.${type}`, typeVersion, parameters, ...extra }],
    connections: {},
  });

/** Every leaf of a parameter tree, with its path. */
const leaves = (value: unknown, at: (string | number)[] = []): { at: (string | number)[]; value: unknown }[] => {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...at, i]));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...at, k]));
  return value === undefined || value === null || value === '' ? [] : [{ at, value }];
};

describe('n8n import: nothing dropped without a warning', () => {
  it('reads nested parameters by their full path and reports the ones no mapper read', () => {
    const r = new ParamReader({ options: { timeout: 5, allowUnauthorizedCerts: true }, list: [{ a: 1, b: 2 }] }, 4);
    expect(r.get('options.timeout')).toBe(5);
    const rows = r.rows('list');
    expect(rows[0]?.a).toBe(1);
    expect(r.unread().map((p) => [p.path, p.key, p.value])).toEqual([
      ['options.allowUnauthorizedCerts', 'options.allowUnauthorizedCerts', true],
      ['list[0].b', 'list.b', 2],
    ]);
  });

  it('counts a nested value a mapper carries whole as read, and hands back the value, not a wrapper', () => {
    const params = { body: { deep: { x: [1, 2] } } };
    const r = new ParamReader(params, 1);
    const carried = r.carry({ body: r.get('body') }) as Params;
    expect(carried.body).toEqual(params.body);
    // A Proxy cannot be cloned: this throws if one was left in.
    expect(structuredClone(carried)).toEqual(params);
    expect(r.unread()).toEqual([]);
    // Wrappers are read-only: a mapper cannot change the n8n file it reads.
    const wrapped = r.get('body') as Params;
    expect(() => {
      wrapped.deep = 1;
    }).toThrow(TypeError);
  });

  it('names an unread option with its label in n8n, its path and why', () => {
    expect(one('webhook', 2, { path: 'hook', options: { onlyRunIf: '={{ $json.body.ok }}' } })).toEqual([
      'Node "X": option "Only Run If" (options.onlyRunIf) = "={{ $json.body.ok }}" is not carried over: Weft\'s Webhook node has no such setting yet',
    ]);
  });

  it('names unread fields of list rows with their position and the label of each level', () => {
    expect(
      notCarried('merge', 3, {
        path: 'options.clashHandling.values.resolveClash',
        key: 'options.clashHandling.values.resolveClash',
        value: 'addSuffix',
      }),
    ).toBe(
      'option "Clash Handling › When Field Values Clash" (options.clashHandling.values.resolveClash) = "addSuffix" is not carried over: Weft\'s Merge node has no such setting yet',
    );
    expect(
      notCarried('switch', 3, { path: 'rules.values[2].renameOutput', key: 'rules.values.renameOutput', value: true }),
    ).toBe(
      'parameter "Routing Rules › Rename Output" (rules.values[2].renameOutput) = true is not carried over: Weft\'s Switch node has no such setting yet',
    );
  });

  it("says nothing about values that are n8n's defaults or its editor's bookkeeping", () => {
    expect(one('webhook', 2, { path: 'hook', options: { ignoreBots: false, rawBody: false } })).toEqual([]);
    expect(
      one('if', 2, {
        conditions: {
          options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 1 },
          conditions: [
            {
              id: '553f50d9',
              leftValue: '={{ $json.a }}',
              rightValue: 1,
              operator: { type: 'number', operation: 'lt', name: 'filter.operator.lt' },
            },
          ],
          combinator: 'and',
        },
      }),
    ).toEqual([]);
  });

  it('names a parameter the node does not have in that n8n version', () => {
    expect(one('if', 2, { conditions: {}, options: { caseSensitive: false } })).toEqual([
      'Node "X": option "options.caseSensitive" = false is not one n8n\'s If 2 has; it was left out',
    ]);
  });

  it("keeps the webhook id of a Webhook path with n8n's path parameters (its n8n URL), and says when it cannot", () => {
    const file = (path: string, webhookId: string) => ({
      nodes: [
        {
          name: 'X',
          type: 'n8n-nodes-base.webhook',
          typeVersion: 2,
          parameters: { path, httpMethod: 'POST' },
          webhookId,
        },
      ],
      connections: {},
    });
    const dynamic = fromN8n(file('users/:id', 'abc-123'));
    expect(dynamic.warnings).toEqual([]);
    expect(dynamic.definition.nodes[0]?.parameters?.webhookId).toBe('abc-123');
    // A plain path's n8n URL is the path: nothing to keep.
    const plain = fromN8n(file('users', 'abc'));
    expect(plain.warnings).toEqual([]);
    expect(plain.definition.nodes[0]?.parameters?.webhookId).toBeUndefined();
    expect(one('webhook', 2, { path: ':id', httpMethod: 'POST' }, { webhookId: 'a/b' })).toContainEqual(
      expect.stringMatching(/^Node "X": .*webhook id "a\/b", which Weft does not serve/),
    );
  });

  it('carries node settings or names them', () => {
    const w = one(
      'noOp',
      1,
      {},
      {
        notes: 'why',
        notesInFlow: true,
        alwaysOutputData: true,
        executeOnce: true,
        retryOnFail: true,
        maxTries: 20,
        onError: 'explode',
        credentials: { httpBasicAuth: { id: '1', name: 'Mine' } },
      },
    );
    expect(w).toEqual([
      'Node "X": setting "Display Note in Flow" is not carried over: Weft shows a node\'s notes in its inspector, not on the canvas',
      'Node "X": setting "On Error" = "explode" is unknown; the node stops the workflow on an error',
      'Node "X": setting "Max. Tries" = 20 is outside Weft\'s 1–10; it tries 10 times',
      'Node "X": n8n credentials (httpBasicAuth "Mine") are not imported: choose a Weft credential for the node',
    ]);
    const { definition } = fromN8n({
      nodes: [
        {
          name: 'X',
          type: 'n8n-nodes-base.noOp',
          notes: 'why',
          disabled: true,
          retryOnFail: true,
          maxTries: 3,
          alwaysOutputData: true,
          executeOnce: true,
        },
      ],
      connections: {},
    });
    expect(definition.nodes[0]).toMatchObject({
      notes: 'why',
      disabled: true,
      retryOnFail: true,
      maxTries: 3,
      alwaysOutputData: true,
      executeOnce: true,
    });
  });

  it('carries workflow settings or names them, and names pinned data', () => {
    const { definition, warnings } = fromN8n({
      nodes: [{ name: 'X', type: 'n8n-nodes-base.noOp' }],
      connections: {},
      settings: {
        executionOrder: 'v0',
        timezone: 'Europe/Berlin',
        errorWorkflow: 'abc',
        saveManualExecutions: true,
        callerPolicy: 'any',
        executionTimeout: 60,
        timeSavedPerExecution: 3,
      },
      pinData: { X: [{ json: { a: 1 } }], Gone: [{ json: { b: 2 } }], Y: [] },
    });
    expect(definition.settings).toEqual({
      executionOrder: 'v0',
      timezone: 'Europe/Berlin',
      timeoutSeconds: 60,
      callerPolicy: 'any',
      minutesSavedPerRun: 3,
    });
    // Pinned data is carried over (n8n-pins.test.ts); only a pin of no node is named, and an empty one pins nothing.
    expect(Object.values(definition.pins ?? {})).toEqual([[{ a: 1 }]]);
    expect(warnings.map((w) => w.message)).toEqual([
      'Workflow setting "Error Workflow" (settings.errorWorkflow) = "abc" is not carried over: that is n8n\'s id of a workflow, which means nothing in Weft: choose the error workflow in the workflow\'s settings',
      'Pinned data of "Gone" is not imported: the workflow has no node of that name',
    ]);
  });

  it('keeps the execution order: none (as n8n) is the legacy v0, "v1" stays v1, an unknown one is v0 and named', () => {
    const order = (settings?: Record<string, unknown>) => {
      const { definition, warnings } = fromN8n({
        nodes: [{ name: 'X', type: 'n8n-nodes-base.noOp' }],
        connections: {},
        ...(settings ? { settings } : {}),
      });
      return [definition.settings?.executionOrder, warnings.map((w) => w.message)];
    };
    expect(order()).toEqual(['v0', []]);
    expect(order({})).toEqual(['v0', []]);
    expect(order({ executionOrder: 'v1' })).toEqual(['v1', []]);
    expect(order({ executionOrder: 'v0' })).toEqual(['v0', []]);
    expect(order({ executionOrder: 'v2' })).toEqual([
      'v0',
      [
        'Workflow setting "Execution Order" = "v2" is unknown: the workflow runs in n8n\'s legacy order ("v0"), as in n8n',
      ],
    ]);
  });

  it('names node and workflow fields it does not know, and stored trigger state; carries the description', () => {
    const { definition, warnings } = fromN8n({
      name: 'W',
      description: 'What it does',
      nodes: [{ name: 'X', type: 'n8n-nodes-base.noOp', rewireOutputLogTo: 'ai_tool' }],
      connections: {},
      staticData: { 'node:Poll': { lastId: 7 } },
      futureField: 1,
      active: true,
      tags: [],
    });
    expect(definition.description).toBe('What it does');
    expect(warnings.map((w) => w.message)).toEqual([
      'Node "X": setting "rewireOutputLogTo" = "ai_tool" is not carried over: Weft has no such node setting',
      "n8n's stored trigger state (staticData: polling positions, last ids) is not imported: Weft's triggers start afresh",
      'Workflow field "futureField" = 1 is not carried over: Weft has no such field',
    ]);
  });

  it.each(corpus)('%s: every parameter leaf of every node is mapped or named', (file) => {
    const workflow = JSON.parse(readFileSync(file, 'utf8')) as { nodes: N8nFileNode[] };
    const warnings = messages(workflow);
    let checked = 0;
    for (const n of workflow.nodes) {
      const type = n.type.replace(/^n8n-nodes-base\./, '');
      if (!n.type.startsWith('n8n-nodes-base.') || !getNodeDefinition(type)) continue;
      const version = n.typeVersion ?? 1;
      const reader = new ParamReader(n.parameters ?? {}, version);
      reader.carry(mapParameters(type, reader));
      for (const leaf of leaves(n.parameters ?? {})) {
        checked++;
        if (reader.wasRead(leaf.at)) continue;
        const path = formatPath(leaf.at);
        const key = leaf.at.filter((s) => typeof s === 'string').join('.');
        // Not read: either dropping it changes nothing, or a warning names the node and the path.
        if (notCarried(type, version, { path, key, value: leaf.value }) === undefined) continue;
        expect(
          warnings.some((w) => w.startsWith(`Node "${n.name}"`) && w.includes(path)),
          `${n.name}: ${path}`,
        ).toBe(true);
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('n8n import: who may call a workflow', () => {
  it("maps n8n's caller policies; a list keeps its ids and says they are n8n's", () => {
    const policy = (settings: Record<string, unknown>) => {
      const { definition, warnings } = fromN8n({
        nodes: [{ name: 'X', type: 'n8n-nodes-base.noOp' }],
        connections: {},
        settings,
      });
      return { callerPolicy: definition.settings?.callerPolicy, callerIds: definition.settings?.callerIds, warnings };
    };
    expect(policy({ callerPolicy: 'workflowsFromSameOwner' }).callerPolicy).toBe('members');
    expect(policy({ callerPolicy: 'none' }).callerPolicy).toBe('none');
    const listed = policy({ callerPolicy: 'workflowsFromAList', callerIds: 'a1, b2,,bad id' });
    expect(listed).toMatchObject({ callerPolicy: 'list', callerIds: ['a1', 'b2'] });
    expect(listed.warnings.map((w) => w.message)).toEqual([expect.stringContaining("keeps n8n's workflow ids (2)")]);
  });
});
