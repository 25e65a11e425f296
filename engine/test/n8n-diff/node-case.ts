import type { JsonItem } from './items.ts';
import { TEST_DATA_TYPE } from './weft.ts';

/**
 * One node case: a node of n8n's (type, version, parameters) fed a list of
 * items. As a workflow: Manual Trigger "Start" → "Input" (n8n's test-only
 * node emitting the items, in both engines) → "Under test".
 */

export type Params = Record<string, unknown>;

export interface NodeCase {
  family: string;
  seed: number;
  type: string;
  typeVersion: number;
  parameters: Params;
  items: JsonItem[];
  /** Items for the node's second input (Merge): an "Input 2" node feeds input index 1. */
  items2?: JsonItem[];
  /** A node run between "Input" and "Under test" (named "Before"), for what reads back through it (paired items). */
  before?: { type: string; typeVersion: number; parameters: Params; credentials?: Record<string, Params> };
  /** Start from a Webhook named "Webhook" (both engines hand it one empty item) instead of the Manual Trigger. */
  webhookStart?: boolean;
  /** Workflow settings besides n8n's execution order (the time zone). */
  settings?: Params;
  /**
   * The node under test is a trigger that starts the run (fed the one empty item both engines
   * give a start node): "Under test" → "After" (a No-Op); `items` are not used.
   */
  triggerUnderTest?: boolean;
  /** The clock both engines read during the case (epoch ms), for nodes that take the current time. */
  now?: number;
  /** What "Under test" does when it fails (n8n's node setting `onError`; `continueRegularOutput` is continueOnFail). */
  onError?: 'continueRegularOutput' | 'continueErrorOutput' | 'stopWorkflow';
  /** A Sticky Note sits on the canvas beside the nodes (never run, in either engine). */
  sticky?: boolean;
  /**
   * Credentials of the node under test, by n8n credential type (which is also
   * Weft's): n8n's reference reads their data from the node, Weft's run is
   * handed them as credentials (weft.ts).
   */
  credentials?: Record<string, Params>;
  /** The real HTTP request a Webhook under test is called with (webhook-gen.ts). */
  request?: WebhookRequestSpec;
  /** Workflows an Execute Workflow under test may call, by id (both engines run them in process). */
  subworkflows?: Record<string, N8nWorkflowJson>;
}

export interface WebhookRequestSpec {
  method: string;
  /** After /webhook/, as sent (may hold %-escapes). */
  path: string;
  /** After '?', as sent; '' for none. */
  query: string;
  /** As sent, names in their case; a list sends the header once per value. */
  headers: Record<string, string | string[]>;
  /** The body as utf-8 text, '' for none. */
  body: string;
  /** Sent compressed, with this Content-Encoding. */
  contentEncoding?: 'gzip' | 'deflate';
}

export interface N8nWorkflowJson {
  name: string;
  nodes: {
    id: string;
    name: string;
    type: string;
    typeVersion: number;
    position: [number, number];
    parameters: Params;
    onError?: string;
    webhookId?: string;
    /** n8n's `{ id, name }`; the harness adds `data`, which the reference hands the node as the decrypted credential. */
    credentials?: Record<string, { id: string; name: string; data?: Params }>;
  }[];
  connections: Record<string, { main: { node: string; type: 'main'; index: number }[][] }>;
  settings: Record<string, unknown>;
  /** Sub-workflows by id (not n8n's: the harness's, read by both engines' Execute Workflow). */
  subworkflows?: Record<string, N8nWorkflowJson>;
}

const link = (node: string) => ({ main: [[{ node, type: 'main' as const, index: 0 }]] });

const oneInputWorkflow = (c: NodeCase): N8nWorkflowJson => ({
  name: `n8n-diff ${c.family} seed ${c.seed}`,
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
      parameters: { data: c.items },
    },
    {
      id: 'under-test',
      name: 'Under test',
      type: `n8n-nodes-base.${c.type}`,
      typeVersion: c.typeVersion,
      position: [440, 0],
      parameters: c.parameters,
    },
  ],
  connections: { Start: link('Input'), Input: link('Under test') },
  settings: { executionOrder: 'v1', ...c.settings },
});

/** "Input" → "Before" → "Under test". */
const withBefore = (workflow: N8nWorkflowJson, before: NonNullable<NodeCase['before']>): N8nWorkflowJson => {
  workflow.nodes.splice(2, 0, {
    id: 'before',
    name: 'Before',
    type: `n8n-nodes-base.${before.type}`,
    typeVersion: before.typeVersion,
    position: [330, 0],
    parameters: before.parameters,
    ...(before.credentials
      ? {
          credentials: Object.fromEntries(
            Object.entries(before.credentials).map(([type, data]) => [type, { id: `diff-${type}`, name: type, data }]),
          ),
        }
      : {}),
  });
  workflow.connections.Input = link('Before');
  workflow.connections.Before = link('Under test');
  return workflow;
};

/** With `items2`: "Input 2" (below "Input") feeds the node under test's second input. */
/** "Webhook" (POST /in) in place of "Start". */
const withWebhookStart = (workflow: N8nWorkflowJson): N8nWorkflowJson => {
  workflow.nodes[0] = {
    id: 'webhook',
    name: 'Webhook',
    type: 'n8n-nodes-base.webhook',
    typeVersion: 2,
    position: [0, 0],
    parameters: { path: 'in', httpMethod: 'POST', options: {} },
  };
  workflow.connections.Webhook = link('Input');
  delete workflow.connections.Start;
  return workflow;
};

/** "Under test" (a trigger) → "After". */
const triggerWorkflow = (c: NodeCase): N8nWorkflowJson => ({
  name: `n8n-diff ${c.family} seed ${c.seed}`,
  nodes: [
    {
      id: 'under-test',
      name: 'Under test',
      type: `n8n-nodes-base.${c.type}`,
      typeVersion: c.typeVersion,
      position: [0, 0],
      parameters: c.parameters,
      // n8n gives every Webhook node an id; its URL is made from it.
      ...(c.type === 'webhook' ? { webhookId: 'b3c0ffee-0000-4000-8000-000000000001' } : {}),
    },
    { id: 'after', name: 'After', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [220, 0], parameters: {} },
  ],
  connections: { 'Under test': link('After') },
  settings: { executionOrder: 'v1', ...c.settings },
});

/** The node setting and the canvas note a case may add. */
const withExtras = (workflow: N8nWorkflowJson, c: NodeCase): N8nWorkflowJson => {
  const underTest = workflow.nodes.find((n) => n.name === 'Under test');
  if (c.onError && underTest) underTest.onError = c.onError;
  if (c.credentials && underTest)
    underTest.credentials = Object.fromEntries(
      Object.entries(c.credentials).map(([type, data]) => [type, { id: `diff-${type}`, name: type, data }]),
    );
  if (c.sticky) {
    workflow.nodes.push({
      id: 'sticky',
      name: 'Sticky Note',
      type: 'n8n-nodes-base.stickyNote',
      typeVersion: 1,
      position: [440, -200],
      parameters: { content: '## Note\nNever runs', height: 160, width: 240 },
    });
  }
  return workflow;
};

export const caseWorkflow = (c: NodeCase): N8nWorkflowJson => {
  const workflow = withExtras(plainCaseWorkflow(c), c);
  return c.subworkflows ? { ...workflow, subworkflows: c.subworkflows } : workflow;
};

const plainCaseWorkflow = (c: NodeCase): N8nWorkflowJson => {
  if (c.triggerUnderTest) return triggerWorkflow(c);
  const base = c.webhookStart ? withWebhookStart(oneInputWorkflow(c)) : oneInputWorkflow(c);
  const workflow = c.before ? withBefore(base, c.before) : base;
  if (!c.items2) return workflow;
  workflow.nodes.push({
    id: 'input-2',
    name: 'Input 2',
    type: TEST_DATA_TYPE,
    typeVersion: 1,
    position: [220, 200],
    parameters: { data: c.items2 },
  });
  workflow.connections.Start?.main[0]?.push({ node: 'Input 2', type: 'main', index: 0 });
  workflow.connections['Input 2'] = { main: [[{ node: 'Under test', type: 'main', index: 1 }]] };
  return workflow;
};

/**
 * The same workflow for a person to paste into n8n's canvas: n8n ships no
 * test-data node, so "Input" becomes a Code node returning the items.
 */
export const pasteableWorkflow = (workflow: N8nWorkflowJson): N8nWorkflowJson => ({
  ...workflow,
  nodes: workflow.nodes.map((n) =>
    n.type === TEST_DATA_TYPE
      ? {
          ...n,
          type: 'n8n-nodes-base.code',
          typeVersion: 2,
          parameters: { jsCode: `return ${JSON.stringify(n.parameters.data)}.map((json) => ({ json }));` },
        }
      : n,
  ),
});
