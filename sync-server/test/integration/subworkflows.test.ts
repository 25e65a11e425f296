import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { startEngine, stopEngine, waitUntil } from '../helpers/engine-process.ts';
import * as Y from 'yjs';
import { origins } from '#shared/origins.ts';
import { serverAwarenessStateSchema } from '#shared/protocol/live.ts';
import { setParameter } from '#shared/schema/write.ts';
import { connectClient, waitFor } from '../helpers/yws-client.ts';

/**
 * Sub-workflows with the real server and a real engine process (docs/plans/n8n-daily.md §6.2): Execute
 * Workflow asks the server over the engine channel, the child runs inline and its last node's output comes
 * back; without waiting the child is queued; the depth limit names the chain; the caller policy refuses a
 * workflow whose people may not run the child; stopping the parent stops the child.
 */

let t: TestServer;
let engine: ChildProcess | undefined;

interface NodeRunBody {
  name: string;
  status: string;
  error: string | null;
  output: Record<string, { json: Record<string, unknown> }[]>;
}
interface ExecutionBody {
  id: string;
  workflowId: string;
  status: string;
  mode: string;
  error: string | null;
  parentExecutionId?: string | null;
  parentWorkflowId?: string | null;
  parentNodeId?: string | null;
  rootExecutionId?: string | null;
  depth?: number;
  nodeRuns: NodeRunBody[];
  children?: { id: string; workflowId: string; parentNodeId: string | null; status: string }[];
}

const MAX_DEPTH = 3;

beforeAll(async () => {
  t = await startTestServer({ maxSubworkflowDepth: MAX_DEPTH });
  await t.listen();
  engine = await startEngine(t.baseUrl);
});

afterAll(async () => {
  await stopEngine(engine);
  await t.close();
});

let x = 0;
const node = (id: string, name: string, type: string, parameters: Record<string, unknown> = {}) => ({
  id,
  name,
  type,
  typeVersion: 1,
  position: { x: (x += 200), y: 0 },
  parameters,
});
const edge = (source: string, target: string) => ({ source, target });

describe('sub-workflows', () => {
  let rest: ReturnType<typeof restClient>;
  let ann: Awaited<ReturnType<ReturnType<typeof restClient>['signup']>>;

  const importWorkflow = async (
    as: typeof ann,
    name: string,
    nodes: ReturnType<typeof node>[],
    edges: ReturnType<typeof edge>[],
    settings: Record<string, unknown> = {},
  ): Promise<string> => {
    const r = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
      as: as.as,
      body: { weft: 1, name, settings, nodes, edges },
    });
    expect(r.status).toBe(201);
    return r.body.id;
  };
  const publish = async (as: typeof ann, id: string) =>
    expect((await rest.call('POST', `/api/workflows/${id}/publish`, { as: as.as })).status).toBe(200);
  const get = async (as: typeof ann, id: string) =>
    (await rest.call<ExecutionBody>('GET', `/api/executions/${id}`, { as: as.as })).body;
  const runToEnd = async (as: typeof ann, workflowId: string): Promise<ExecutionBody> => {
    const started = await rest.call<{ id: string }>('POST', `/api/workflows/${workflowId}/run`, { as: as.as });
    expect(started.status).toBe(201);
    return waitUntil(async () => {
      const e = await get(as, started.body.id);
      return e.status === 'queued' || e.status === 'running' ? undefined : e;
    }, `execution ${started.body.id} to end`);
  };
  const outputOf = (e: ExecutionBody, name: string) =>
    e.nodeRuns.find((r) => r.name === name)?.output.main?.map((i) => i.json);

  let childId = '';

  beforeAll(async () => {
    rest = restClient(t.baseUrl);
    ann = await rest.signup('ann@example.com');
    childId = await importWorkflow(
      ann,
      'Doubler',
      [
        node('in', 'Called', 'executeWorkflowTrigger', {
          inputSource: 'workflowInputs',
          workflowInputs: [{ name: 'n', type: 'number' }],
        }),
        node('dbl', 'Double', 'set', {
          assignments: [{ name: 'doubled', value: '={{ $json.n * 2 }}', type: 'number' }],
        }),
      ],
      [edge('in', 'dbl')],
    );
    await publish(ann, childId);
  });

  it('lists the inputs a workflow declares, for the caller’s form', async () => {
    const inputs = await rest.call('GET', `/api/workflows/${childId}/inputs?version=published`, { as: ann.as });
    expect(inputs.body).toEqual({ inputSource: 'workflowInputs', fields: [{ name: 'n', type: 'number' }] });
    const bob = await rest.signup('bob-inputs@example.com');
    expect((await rest.call('GET', `/api/workflows/${childId}/inputs`, { as: bob.as })).status).toBe(403);
  });

  it('lists a named version’s inputs: the newest version of that name, as the call resolves it', async () => {
    const id = await importWorkflow(
      ann,
      'Versioned child',
      [
        node('in', 'Called', 'executeWorkflowTrigger', {
          inputSource: 'workflowInputs',
          workflowInputs: [{ name: 'n', type: 'number' }],
        }),
        node('out', 'Out', 'noOp'),
      ],
      [edge('in', 'out')],
    );
    const setFields = (fields: { name: string; type: string }[]) =>
      t.server.rooms.withRoom(id, (room) =>
        room.change(ann.user.id, (doc: Y.Doc) =>
          setParameter(doc, 'in', 'workflowInputs', fields, origins.server(ann.user.id)),
        ),
      );
    const nameVersion = async (name: string) =>
      expect((await rest.call('POST', `/api/workflows/${id}/versions`, { body: { name }, as: ann.as })).status).toBe(
        201,
      );
    const inputs = (query: string, as = ann.as) =>
      rest.call<{ fields?: unknown; error?: { code: string; message: string } }>(
        'GET',
        `/api/workflows/${id}/inputs?${query}`,
        { as },
      );
    await nameVersion('first');
    await setFields([
      { name: 'n', type: 'number' },
      { name: 'm', type: 'string' },
    ]);
    await nameVersion('second');
    await setFields([{ name: 'k', type: 'boolean' }]);

    expect((await inputs('version=named&name=first')).body.fields).toEqual([{ name: 'n', type: 'number' }]);
    expect((await inputs('version=named&name=second')).body.fields).toEqual([
      { name: 'n', type: 'number' },
      { name: 'm', type: 'string' },
    ]);
    // The name is trimmed, as the Execute Workflow node trims it; the draft is the document now.
    expect((await inputs(`version=named&name=${encodeURIComponent('  first ')}`)).body.fields).toEqual([
      { name: 'n', type: 'number' },
    ]);
    expect((await inputs('version=draft')).body.fields).toEqual([{ name: 'k', type: 'boolean' }]);

    // Naming another version "first" makes it the one that name stands for (the call runs the newest too).
    await nameVersion('first');
    expect((await inputs('version=named&name=first')).body.fields).toEqual([{ name: 'k', type: 'boolean' }]);

    const missing = await inputs('version=named&name=nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('"nope"') as string,
    });
    for (const bad of [
      'version=named',
      'version=named&name=',
      `version=named&name=${'x'.repeat(101)}`,
      'version=old',
    ]) {
      const res = await inputs(bad);
      expect(res.status, bad).toBe(400);
      expect(res.body.error?.code, bad).toBe('bad_request');
    }
    const bob = await rest.signup('bob-named-inputs@example.com');
    expect((await inputs('version=named&name=first', bob.as)).status).toBe(403);
  });

  const caller = (workflowId: string, extra: Record<string, unknown> = {}) => [
    node('go', 'Start', 'manualTrigger'),
    node('rows', 'Rows', 'code', { jsCode: 'return [{ json: { n: 1, keep: "a" } }, { json: { n: 2, keep: "b" } }];' }),
    node('call', 'Call', 'executeWorkflow', { workflowId, ...extra }),
  ];

  it('waits for the child (run inline) and puts out its last node’s items; both runs link to each other', async () => {
    const parentId = await importWorkflow(ann, 'Parent', caller(childId), [edge('go', 'rows'), edge('rows', 'call')]);
    // Someone in the parent's room sees the child's progress on the Execute Workflow node.
    const watcher = connectClient(t.wsUrl, parentId, { token: ann.token });
    await watcher.synced();
    const liveCall = () => {
      for (const state of watcher.provider.awareness.getStates().values()) {
        const parsed = serverAwarenessStateSchema.safeParse(state);
        if (parsed.success) return parsed.data.execution?.nodes.call;
      }
      return undefined;
    };
    const parent = await runToEnd(ann, parentId);
    await waitFor('the child’s progress on the node', () => liveCall()?.child?.status === 'succeeded');
    expect(liveCall()?.child).toMatchObject({ workflowId: childId, nodesDone: 2, nodesTotal: 2 });
    expect(liveCall()?.status).toBe('succeeded');
    watcher.destroy();
    expect(parent.error).toBeNull();
    expect(parent.status).toBe('succeeded');
    expect(outputOf(parent, 'Call')).toEqual([{ doubled: 2 }, { doubled: 4 }]);
    expect(parent.children).toHaveLength(1);
    const [link] = parent.children ?? [];
    expect(link).toMatchObject({ workflowId: childId, parentNodeId: 'call', status: 'succeeded' });
    const child = await get(ann, link?.id ?? '');
    expect(child).toMatchObject({
      mode: 'subworkflow',
      status: 'succeeded',
      parentExecutionId: parent.id,
      parentWorkflowId: parentId,
      parentNodeId: 'call',
      rootExecutionId: parent.id,
      depth: 1,
    });
    // The trigger kept its schema's field only.
    expect(outputOf(child, 'Called')).toEqual([{ n: 1 }, { n: 2 }]);
    const listed = await rest.call<{ executions: ExecutionBody[] }>('GET', `/api/executions?workflowId=${childId}`, {
      as: ann.as,
    });
    expect(listed.body.executions.find((e) => e.id === child.id)?.parentWorkflowId).toBe(parentId);
  });

  it('once per item: the node’s live entry counts the runs it started', async () => {
    const parentId = await importWorkflow(ann, 'Each', caller(childId, { mode: 'each' }), [
      edge('go', 'rows'),
      edge('rows', 'call'),
    ]);
    const watcher = connectClient(t.wsUrl, parentId, { token: ann.token });
    await watcher.synced();
    const liveCall = () => {
      for (const state of watcher.provider.awareness.getStates().values()) {
        const parsed = serverAwarenessStateSchema.safeParse(state);
        if (parsed.success) return parsed.data.execution?.nodes.call;
      }
      return undefined;
    };
    const parent = await runToEnd(ann, parentId);
    expect(outputOf(parent, 'Call')).toEqual([{ doubled: 2 }, { doubled: 4 }]);
    expect(parent.children).toHaveLength(2);
    await waitFor(
      'both runs counted',
      () => liveCall()?.child?.runs === 2 && liveCall()?.child?.status === 'succeeded',
    );
    expect(liveCall()?.child?.failed).toBe(0);
    watcher.destroy();
  });

  it('without waiting passes its input on at once; the child is queued, runs on its own and shows its progress on the caller’s node', async () => {
    const parentId = await importWorkflow(ann, 'Fire and forget', caller(childId, { waitForSubWorkflow: false }), [
      edge('go', 'rows'),
      edge('rows', 'call'),
    ]);
    const watcher = connectClient(t.wsUrl, parentId, { token: ann.token });
    await watcher.synced();
    const liveCall = () => {
      for (const state of watcher.provider.awareness.getStates().values()) {
        const parsed = serverAwarenessStateSchema.safeParse(state);
        if (parsed.success) return parsed.data.execution?.nodes.call;
      }
      return undefined;
    };
    const parent = await runToEnd(ann, parentId);
    expect(parent.status).toBe('succeeded');
    expect(outputOf(parent, 'Call')).toEqual([
      { n: 1, keep: 'a' },
      { n: 2, keep: 'b' },
    ]);
    const [link] = parent.children ?? [];
    const child = await waitUntil(async () => {
      const e = await get(ann, link?.id ?? '');
      return e.status === 'succeeded' ? e : undefined;
    }, 'the queued child to run');
    expect(outputOf(child, 'Double')).toEqual([{ doubled: 2 }, { doubled: 4 }]);
    // Its caller ended first; the caller's node still shows how the child went, in the caller's room.
    await waitFor('the queued child’s progress on the node', () => liveCall()?.child?.status === 'succeeded');
    expect(liveCall()?.child).toMatchObject({
      executionId: child.id,
      workflowId: childId,
      nodesDone: 2,
      nodesTotal: 2,
    });
    expect(liveCall()?.child?.runs).toBeUndefined();
    watcher.destroy();
  });

  it('a workflow that calls itself stops at the depth limit, which names the chain', async () => {
    const loopId = await importWorkflow(
      ann,
      'Loop',
      [
        node('go', 'Start', 'manualTrigger'),
        node('in', 'Called', 'executeWorkflowTrigger'),
        node('again', 'Again', 'executeWorkflow', { workflowId: '={{ $workflow.id }}' }),
      ],
      [edge('go', 'again'), edge('in', 'again')],
    );
    await publish(ann, loopId);
    const root = await runToEnd(ann, loopId);
    expect(root.status).toBe('failed');
    const chain = Array.from({ length: MAX_DEPTH + 2 }, () => 'Loop').join(' → ');
    expect(root.error).toContain(`at most ${MAX_DEPTH} deep`);
    expect(root.error).toContain(chain);
    // Each level failed in turn: the deepest child's node was refused.
    let row = root;
    for (let depth = 1; depth <= MAX_DEPTH; depth++) {
      const [link] = row.children ?? [];
      row = await waitUntil(async () => {
        const e = await get(ann, link?.id ?? '');
        return e.status === 'failed' ? e : undefined;
      }, `the child at depth ${depth} to fail`);
      expect(row.depth).toBe(depth);
      expect(row.rootExecutionId).toBe(root.id);
    }
    expect(row.children).toEqual([]);
  });

  it('refuses, with a clear node error, a child the caller’s people may not run', async () => {
    const bob = await rest.signup('bob@example.com');
    const parentId = await importWorkflow(bob, 'Not allowed', caller(childId), [
      edge('go', 'rows'),
      edge('rows', 'call'),
    ]);
    const parent = await runToEnd(bob, parentId);
    expect(parent.status).toBe('failed');
    const call = parent.nodeRuns.find((r) => r.name === 'Call');
    expect(call?.error).toBe(
      'Workflow "Doubler" does not let this workflow call it: neither who started the run nor an owner of the calling workflow may run it',
    );
    expect(parent.children).toEqual([]);
    // A workflow that lets anyone call it runs for Bob too.
    const openId = await importWorkflow(
      ann,
      'Open',
      [
        node('in', 'Called', 'executeWorkflowTrigger'),
        node('tag', 'Tag', 'set', { assignments: [{ name: 'open', value: 'yes', type: 'string' }] }),
      ],
      [edge('in', 'tag')],
      { callerPolicy: 'any' },
    );
    await publish(ann, openId);
    const bobsId = await importWorkflow(bob, 'Allowed', caller(openId), [edge('go', 'rows'), edge('rows', 'call')]);
    expect(outputOf(await runToEnd(bob, bobsId), 'Call')).toEqual([{ open: 'yes' }, { open: 'yes' }]);
  });

  it('stopping the parent stops the child it waits for', async () => {
    const slowId = await importWorkflow(
      ann,
      'Slow',
      [node('in', 'Called', 'executeWorkflowTrigger'), node('wait', 'Wait', 'wait', { amount: 60, unit: 'seconds' })],
      [edge('in', 'wait')],
    );
    await publish(ann, slowId);
    const parentId = await importWorkflow(ann, 'Waits', caller(slowId), [edge('go', 'rows'), edge('rows', 'call')]);
    const started = await rest.call<{ id: string }>('POST', `/api/workflows/${parentId}/run`, { as: ann.as });
    const child = await waitUntil(async () => {
      const [link] = (await get(ann, started.body.id)).children ?? [];
      return link?.status === 'running' ? link : undefined;
    }, 'the child to run');
    expect((await rest.call('POST', `/api/executions/${started.body.id}/stop`, { as: ann.as })).status).toBe(202);
    const ended = await waitUntil(async () => {
      const [p, c] = await Promise.all([get(ann, started.body.id), get(ann, child.id)]);
      return p.status === 'canceled' && c.status === 'canceled' ? { p, c } : undefined;
    }, 'both runs to be canceled');
    expect(ended.c.error).toBe('Canceled');
  });
});
