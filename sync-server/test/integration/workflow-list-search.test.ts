import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addNode, deleteNode } from '#shared/schema/index.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { connectClient, type YwsClient } from '../helpers/yws-client.ts';

/**
 * The list's node-type search follows edits made over the sync socket (the room hooks keep workflow_node_types),
 * on a real server and, in the sync-server-pg project, on PostgreSQL.
 */

let t: TestServer;
let rest: ReturnType<typeof restClient>;
const clients: YwsClient[] = [];

beforeEach(async () => {
  t = await startTestServer();
  await t.listen();
  rest = restClient(t.baseUrl);
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await t.close();
});

describe('search by node type', () => {
  it('finds a workflow once a node of that type is added over the socket, and not after it is removed', async () => {
    const ann = await rest.signup('ann@example.com', 'Ann');
    const bob = await rest.signup('bob@example.com', 'Bob');
    const id = await rest.createWorkflow(ann.as, 'Orders');
    await rest.createWorkflow(ann.as, 'Other');
    const names = async (as: typeof ann.as, q: string) =>
      (await rest.call<{ workflows: { name: string }[] }>('GET', `/api/workflows?q=${q}`, { as })).body.workflows.map(
        (w) => w.name,
      );
    expect(await names(ann.as, 'webhook')).toEqual([]);

    const client = connectClient(t.wsUrl, id, { token: ann.token });
    clients.push(client);
    await client.synced();
    addNode(client.doc, { id: 'hook', type: 'webhook', position: { x: 0, y: 0 } });
    await expect.poll(() => names(ann.as, 'WEBHOOK'), { timeout: 5_000 }).toEqual(['Orders']);
    // The index never reaches someone who may not read the workflow.
    expect(await names(bob.as, 'webhook')).toEqual([]);

    deleteNode(client.doc, 'hook');
    await expect.poll(() => names(ann.as, 'webhook'), { timeout: 5_000 }).toEqual([]);
  });
});
