import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageType, SyncMessageType } from '#shared/protocol/messages.ts';
import { restClient } from '../helpers/rest.ts';
import { startTestServer, type TestServer } from '../helpers/test-server.ts';
import { waitFor } from '../helpers/yws-client.ts';

/**
 * SYNC2 through real sockets when commits carry several members' updates: a
 * room relays a batch to its members in one write each, the same joined
 * frames for everyone who sent nothing in it (http/sync-upgrade.ts
 * WriteBatcher). Every member must still get every other member's update
 * exactly once, and never its own.
 */

let t: TestServer;
let token: string;
let workflowId: string;

beforeAll(async () => {
  t = await startTestServer();
  await t.listen();
  const rest = restClient(t.baseUrl);
  const owner = await rest.signup('owner@example.com');
  token = owner.token;
  workflowId = await rest.createWorkflow(owner.as, 'Batches');
});
afterAll(async () => {
  await t.close();
});

interface Peer {
  ws: WebSocket;
  doc: Y.Doc;
  /** Marks of the updates it received, as "sender:n". */
  received: string[];
}

const MEMBERS = 8;
const ROUNDS = 25;

/** The strings an update inserts (each edit below sets one). */
const marksOf = (update: Uint8Array): string[] =>
  Y.decodeUpdate(update).structs.flatMap((s) =>
    s instanceof Y.Item && s.content instanceof Y.ContentAny ? s.content.arr.filter((v) => typeof v === 'string') : [],
  );

const peer = (): Promise<Peer> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(`${t.wsUrl}/${workflowId}?token=${token}`, { perMessageDeflate: false });
    const doc = new Y.Doc();
    const received: string[] = [];
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'remote') return;
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, MessageType.sync);
      encoding.writeVarUint(e, SyncMessageType.update);
      encoding.writeVarUint8Array(e, update);
      ws.send(encoding.toUint8Array(e));
    });
    ws.on('message', (data: Buffer) => {
      const d = decoding.createDecoder(new Uint8Array(data));
      if (decoding.readVarUint(d) !== MessageType.sync) return;
      const sub = decoding.readVarUint(d);
      if (sub === SyncMessageType.step1) return;
      const update = decoding.readVarUint8Array(d);
      if (sub === SyncMessageType.update) received.push(...marksOf(update));
      Y.applyUpdate(doc, update, 'remote');
      if (sub === SyncMessageType.step2) resolve({ ws, doc, received });
    });
    ws.once('error', reject);
    ws.once('open', () => {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, MessageType.sync);
      encoding.writeVarUint(e, SyncMessageType.step1);
      encoding.writeVarUint8Array(e, Y.encodeStateVector(doc));
      ws.send(encoding.toUint8Array(e));
    });
  });

describe('relaying batches', () => {
  it('every member gets each other member’s update once and none of its own, when commits carry several', async () => {
    const peers = await Promise.all(Array.from({ length: MEMBERS }, () => peer()));
    // Every member edits in the same turn, round after round: the room reads several of them
    // before it commits, so a commit carries updates of several senders.
    for (let round = 0; round < ROUNDS; round++) {
      peers.forEach((p, i) => p.doc.getMap('m').set(`k${i}`, `${i}:${round}`));
      await new Promise((r) => setImmediate(r));
    }
    const expected = (i: number) =>
      peers.flatMap((_, j) => (j === i ? [] : Array.from({ length: ROUNDS }, (__, r) => `${j}:${r}`))).sort();
    await waitFor('every member to receive every other member’s updates', () =>
      peers.every((p, i) => p.received.length >= expected(i).length),
    );
    // A moment more for anything extra (an echo, a duplicate) to arrive.
    await new Promise((r) => setTimeout(r, 200));
    peers.forEach((p, i) => expect([...p.received].sort()).toEqual(expected(i)));
    for (const p of peers) p.ws.close();
  });
});
