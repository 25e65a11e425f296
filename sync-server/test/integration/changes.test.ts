import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeDto } from '#shared/api/changes.ts';
import type { ApiErrorBody } from '#shared/api/index.ts';
import { addNode, moveNode, setParameter } from '#shared/schema/index.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { connectClient, waitFor, type YwsClient } from '../helpers/yws-client.ts';

/**
 * "Who changed this" over real sockets with the stock y-websocket client
 * (SPEC CHG1, CHG2): each member is named for the node or parameter they
 * changed and for nothing else, and a viewer's dropped update names nobody.
 */

let t: TestServer;
let rest: ReturnType<typeof restClient>;
type Person = Awaited<ReturnType<ReturnType<typeof restClient>['signup']>>;
let ann: Person;
let bob: Person;
let vic: Person;
let stranger: Person;
let workflowId: string;
const clients: YwsClient[] = [];

beforeAll(async () => {
  t = await startTestServer();
  await t.listen();
  rest = restClient(t.baseUrl);
  await rest.signup('admin@example.com');
  ann = await rest.signup('ann@example.com', 'Ann');
  bob = await rest.signup('bob@example.com', 'Bob');
  vic = await rest.signup('vic@example.com', 'Vic');
  stranger = await rest.signup('stranger@example.com', 'Stranger');
  workflowId = await rest.createWorkflow(ann.as, 'Orders');
  await rest.addMember(ann.as, workflowId, bob, 'editor');
  await rest.addMember(ann.as, workflowId, vic, 'viewer');
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await t.close();
});

const client = (who: Person): YwsClient => {
  const c = connectClient(t.wsUrl, workflowId, { token: who.token });
  clients.push(c);
  return c;
};

const changesOf = async (target: string, as: Person = ann) =>
  rest.call<{ changes: ChangeDto[] } & ApiErrorBody>(
    'GET',
    `/api/workflows/${workflowId}/changes?target=${encodeURIComponent(target)}`,
    { as: as.as },
  );

const namesFor = async (target: string): Promise<string[]> => {
  const res = await changesOf(target);
  expect(res.status).toBe(200);
  return res.body.changes.map((change) => change.user.name);
};

/** Polls the route until `target` names `names` (the index is written in batches, at most every 2 s). */
const until = async (target: string, names: string[]): Promise<void> => {
  await expect.poll(() => namesFor(target), { timeout: 10_000, interval: 100 }).toEqual(names);
};

describe('who changed this', () => {
  it('CHG1: names each member for the node and the parameter they changed, not for the others; a viewer’s dropped update names nobody', async () => {
    const annClient = client(ann);
    const bobClient = client(bob);
    const vicClient = client(vic);
    await Promise.all([annClient.synced(), bobClient.synced(), vicClient.synced()]);

    addNode(annClient.doc, { id: 'a', type: 'httpRequest', position: { x: 0, y: 0 } });
    addNode(annClient.doc, { id: 'b', type: 'webhook', position: { x: 200, y: 0 } });
    await waitFor('Bob to see both nodes', () => bobClient.doc.getMap('nodes').size === 2);
    await waitFor('Vic to see both nodes', () => vicClient.doc.getMap('nodes').size === 2);
    await until('node:b', ['Ann']);

    // Vic's edits are dropped by the server: never applied, so never attributed.
    setParameter(vicClient.doc, 'b', 'path', 'from-vic');
    moveNode(vicClient.doc, 'a', { x: 999, y: 999 });

    moveNode(bobClient.doc, 'b', { x: 300, y: 50 });
    setParameter(bobClient.doc, 'a', 'url', 'https://example.com/orders');
    await until('node:a:param:url', ['Bob']);
    await until('node:b', ['Bob', 'Ann']);
    expect(await namesFor('node:a')).toEqual(['Ann']);
    expect(await namesFor('node:b:param:path')).toEqual([]);

    const [latest] = (await changesOf('node:b')).body.changes;
    expect(latest).toMatchObject({ user: { id: bob.user.id, name: 'Bob' }, count: 1 });
    expect(latest?.at).toBeGreaterThan(Date.now() - 60_000);

    // Whatever was still buffered is written when the room unloads.
    setParameter(annClient.doc, 'a', 'url', 'https://example.com/v2');
    for (const c of [annClient, bobClient, vicClient]) c.destroy();
    await waitFor('the room to unload', () => t.server.rooms.peek(workflowId) === undefined);
    await until('node:a:param:url', ['Ann', 'Bob']);
    expect(await namesFor('node:a')).toEqual(['Ann']);
    expect(await namesFor('node:b:param:path')).toEqual([]);
    expect(await namesFor('node:b')).toEqual(['Bob', 'Ann']);
  });

  it('CHG2: any member may ask; a non-member gets 403, an unknown workflow 404, a bad target 400 naming the field', async () => {
    expect((await changesOf('node:a', vic)).status).toBe(200);
    expect((await changesOf('node:a', stranger)).status).toBe(403);
    const unknown = await rest.call('GET', '/api/workflows/nope/changes?target=node:a', { as: ann.as });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: 'not_found' } });
    for (const target of [
      'edge:a',
      'meta',
      'node:',
      'node:a b',
      `node:a:param:${'x'.repeat(200)}`,
      'node:a:param:nul\u0000',
    ]) {
      const res = await changesOf(target);
      expect(res.status, target).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'bad_request' });
      expect(res.body.error.message).toMatch(/^target: /);
    }
    const missing = await rest.call<ApiErrorBody>('GET', `/api/workflows/${workflowId}/changes`, { as: ann.as });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/^target: /);
  });
});
