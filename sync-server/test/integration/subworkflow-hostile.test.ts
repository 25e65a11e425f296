import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restClient } from '../helpers/rest.ts';
import { TEST_ENGINE_TOKEN, waitUntil } from '../helpers/engine-process.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';

/**
 * A hostile engine's `subrun` (docs/plans/n8n-daily.md §6.2): whatever it sends, the server answers with a
 * refusal or a child it may run — it never crashes, never starts a child for a run the engine does not hold,
 * and never lets a workflow run another its people may not.
 */

let t: TestServer;
let socket: WebSocket;
const inbox: Record<string, unknown>[] = [];

const node = (id: string, name: string, type: string, parameters: Record<string, unknown> = {}, x = 0) => ({
  id,
  name,
  type,
  typeVersion: 1,
  position: { x, y: 0 },
  parameters,
});

beforeAll(async () => {
  t = await startTestServer();
  await t.listen();
  socket = new WebSocket(`${t.baseUrl.replace(/^http/, 'ws')}/engine`, {
    headers: { authorization: `Bearer ${TEST_ENGINE_TOKEN}` },
  });
  socket.on('message', (data: Buffer) => inbox.push(JSON.parse(data.toString()) as Record<string, unknown>));
  await new Promise((resolve) => socket.on('open', resolve));
  socket.send(JSON.stringify({ type: 'hello', engineId: 'hostile', concurrency: 4 }));
  const beat = setInterval(() => socket.send(JSON.stringify({ type: 'heartbeat' })), 500);
  socket.on('close', () => clearInterval(beat));
});

afterAll(async () => {
  socket.terminate();
  await t.close();
});

const answerTo = (requestId: string) =>
  waitUntil(
    () => Promise.resolve(inbox.find((m) => m.requestId === requestId && m.type !== 'run')),
    `the answer to ${requestId}`,
  );

describe('a hostile engine asking for sub-workflow runs', () => {
  it('is refused for runs it does not hold, unreadable items and children the caller may not run; the server lives on', async () => {
    const rest = restClient(t.baseUrl);
    const ann = await rest.signup('ann@example.com');
    const bob = await rest.signup('bob@example.com');
    const imported = async (as: typeof ann, name: string, nodes: ReturnType<typeof node>[], publish: boolean) => {
      const r = await rest.call<{ id: string }>('POST', '/api/workflows/import', {
        as: as.as,
        body: { weft: 1, name, nodes, edges: [] },
      });
      if (publish) await rest.call('POST', `/api/workflows/${r.body.id}/publish`, { as: as.as });
      return r.body.id;
    };
    const annsChild = await imported(ann, 'Private', [node('in', 'Called', 'executeWorkflowTrigger')], true);
    const bobsParent = await imported(bob, 'Bob', [node('go', 'Start', 'manualTrigger')], false);
    const run = await rest.call<{ id: string }>('POST', `/api/workflows/${bobsParent}/run`, { as: bob.as });
    // The hostile engine now holds Bob's run.
    await waitUntil(
      () => Promise.resolve(inbox.some((m) => m.type === 'run') ? true : undefined),
      'the job for the hostile engine',
    );
    let n = 0;
    const ask = (fields: Record<string, unknown>) => {
      const requestId = `r${++n}`;
      socket.send(
        JSON.stringify({
          type: 'subrun',
          executionId: run.body.id,
          requestId,
          nodeId: 'call',
          workflowId: annsChild,
          version: 'published',
          items: '[{"json":{}}]',
          wait: true,
          ...fields,
        }),
      );
      return answerTo(requestId);
    };

    expect(await ask({ executionId: 'not-mine' })).toMatchObject({
      type: 'subrunRefused',
      message: 'Execution not-mine is not running on this engine',
    });
    expect(await ask({ items: 'not json' })).toMatchObject({
      type: 'subrunRefused',
      message: 'The items for the sub-workflow are not a list of { json } objects',
    });
    expect(await ask({ items: '[1, 2]' })).toMatchObject({ type: 'subrunRefused' });
    expect(await ask({ workflowId: 'nope' })).toMatchObject({
      type: 'subrunRefused',
      message: 'Workflow nope does not exist',
    });
    // Bob's run may not run Ann's workflow, however it asks.
    for (const version of ['published', 'draft', 'named']) {
      const answer = await ask({ version, versionName: 'x' });
      expect(answer).toMatchObject({ type: 'subrunRefused' });
      expect(String(answer.message)).toContain('does not let this workflow call it');
    }
    // The server answers as before, and no child of Ann's workflow was ever stored.
    const health = await rest.call('GET', '/api/instance', {});
    expect(health.status).toBe(200);
    const list = await rest.call<{ executions: { id: string }[] }>('GET', `/api/executions?workflowId=${annsChild}`, {
      as: ann.as,
    });
    expect(list.body.executions).toEqual([]);
  });
});
