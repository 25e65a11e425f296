import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeDto } from '#shared/api/changes.ts';
import { addNode, deleteNode, pinNode, pinsMap, readPins } from '#shared/schema/index.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { connectClient, waitFor, type YwsClient } from '../helpers/yws-client.ts';

/**
 * Pins over real sockets with the stock y-websocket client
 * (docs/plans/n8n-daily.md §2.2–2.3): a client writes `by`, the server makes
 * it the sender's user id, so nobody can pin "as Ana"; the server's repair
 * removes what breaks the rules, and "who changed this" names the pinner.
 */

let t: TestServer;
let rest: ReturnType<typeof restClient>;
type Person = Awaited<ReturnType<ReturnType<typeof restClient>['signup']>>;
let ann: Person;
let bob: Person;
let workflowId: string;
const clients: YwsClient[] = [];

beforeAll(async () => {
  t = await startTestServer();
  await t.listen();
  rest = restClient(t.baseUrl);
  await rest.signup('admin@example.com');
  ann = await rest.signup('ann@example.com', 'Ann');
  bob = await rest.signup('bob@example.com', 'Bob');
  workflowId = await rest.createWorkflow(ann.as, 'Pinned');
  await rest.addMember(ann.as, workflowId, bob, 'editor');
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

describe('pins in the live document', () => {
  it("a hostile client cannot forge `by`: Bob's pin signed as Ann reaches everyone (and the store) as Bob's", async () => {
    const annClient = client(ann);
    const bobClient = client(bob);
    await Promise.all([annClient.synced(), bobClient.synced()]);
    addNode(annClient.doc, { id: 'a', type: 'set', position: { x: 0, y: 0 } });
    addNode(annClient.doc, { id: 'b', type: 'set', position: { x: 200, y: 0 } });
    await waitFor('Bob to see the nodes', () => bobClient.doc.getMap('nodes').size === 2);

    // A raw write as a modified client would make it, claiming Ann pinned it.
    bobClient.doc.transact(() => {
      pinsMap(bobClient.doc).set('a', { items: [{ n: 1 }], by: ann.user.id, at: 1, source: 'typed' });
    });
    await waitFor('Ann to see the pin as Bob’s', () => readPins(annClient.doc).a?.by === bob.user.id);
    await waitFor('Bob’s own copy to be corrected', () => readPins(bobClient.doc).a?.by === bob.user.id);
    expect(readPins(annClient.doc).a?.items).toEqual([{ n: 1 }]);

    // An honest pin keeps its author, and nothing rewrites it.
    pinNode(annClient.doc, 'b', [{ m: 2 }], { by: ann.user.id, source: 'typed' });
    await waitFor('Bob to see Ann’s pin', () => readPins(bobClient.doc).b?.by === ann.user.id);

    // Who changed this names the pinner.
    await expect
      .poll(
        async () => {
          const res = await rest.call<{ changes: ChangeDto[] }>(
            'GET',
            `/api/workflows/${workflowId}/changes?target=${encodeURIComponent('node:a:pin')}`,
            { as: ann.as },
          );
          return res.body.changes.map((c) => c.user.name);
        },
        { timeout: 10_000, interval: 100 },
      )
      .toEqual(['Bob']);

    // What the store keeps is the corrected pin: a fresh room (after unload) reads Bob.
    for (const c of [annClient, bobClient]) c.destroy();
    await waitFor('the room to unload', () => t.server.rooms.peek(workflowId) === undefined);
    const again = client(ann);
    await again.synced();
    await waitFor('the pins to load', () => readPins(again.doc).a !== undefined);
    expect(readPins(again.doc).a?.by).toBe(bob.user.id);
    expect(readPins(again.doc).b?.by).toBe(ann.user.id);
    again.destroy();
    await waitFor('the room to unload again', () => t.server.rooms.peek(workflowId) === undefined);
  });

  it('the server repairs: an ill-formed pin, and a pin whose node another person deleted, are gone for everyone', async () => {
    const annClient = client(ann);
    const bobClient = client(bob);
    await Promise.all([annClient.synced(), bobClient.synced()]);
    await waitFor('the nodes to load', () => annClient.doc.getMap('nodes').size === 2);
    // Over Ann's pin, not beside it: two concurrent writes of a key keep one of them, either.
    await waitFor('Bob to have the pins', () => readPins(bobClient.doc).b !== undefined);
    bobClient.doc.transact(() => {
      pinsMap(bobClient.doc).set('b', { items: 'not a list', by: bob.user.id, at: 1, source: 'typed' });
    });
    await waitFor('the bad pin to be removed for Ann', () => !pinsMap(annClient.doc).has('b'));
    await waitFor('and for Bob', () => !pinsMap(bobClient.doc).has('b'));
    deleteNode(annClient.doc, 'a');
    await waitFor('the pin of the deleted node to go', () => !pinsMap(bobClient.doc).has('a'));
    expect(pinsMap(annClient.doc).has('a')).toBe(false);
  });

  it('export carries the pins and import writes them back, pinned by the importer; a version never carries them', async () => {
    const body = {
      weft: 1,
      name: 'Exchange',
      nodes: [{ id: 'a', name: 'A', type: 'set', typeVersion: 1, position: { x: 0, y: 0 } }],
      edges: [],
      pins: { a: [{ n: 1 }, { n: 2 }] },
    };
    const imported = await rest.call<{ id: string; warnings: unknown[] }>('POST', '/api/workflows/import', {
      as: bob.as,
      body,
    });
    expect(imported.status).toBe(201);
    expect(imported.body.warnings).toEqual([]);
    const id = imported.body.id;
    const exported = await rest.call('GET', `/api/workflows/${id}/export`, { as: bob.as });
    expect(exported.status).toBe(200);
    expect(exported.body.pins).toEqual({ a: [{ n: 1 }, { n: 2 }] });
    const c = connectClient(t.wsUrl, id, { token: bob.token });
    clients.push(c);
    await c.synced();
    await waitFor('the pin', () => readPins(c.doc).a !== undefined);
    expect(readPins(c.doc).a).toMatchObject({ by: bob.user.id, source: 'import', items: [{ n: 1 }, { n: 2 }] });
  });
});
