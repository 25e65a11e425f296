import { join as joinPath } from 'node:path';
import * as Y from 'yjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '#shared/log.ts';
import { addNode, connect, deleteNode, initWorkflowDoc, readNodes, readStoredEdges } from '#shared/schema/index.ts';
import { openDatabase, type OpenedDatabase } from '../../src/db/open.ts';
import { RoomManager } from '../../src/rooms/room-manager.ts';
import { SqliteDocStore } from '../../src/storage/sqlite-doc-store.ts';
import { workflowRoomHooks } from '../../src/workflows/room-hooks.ts';
import { SqliteWorkflowStore } from '../../src/workflows/sqlite-workflow-store.ts';
import { ProtocolClient } from '../helpers/protocol-client.ts';
import { startRedis, type ThrowawayRedis } from '../helpers/redis.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { busKinds, settle } from './bus-kinds.ts';

/**
 * Repairs with several writers (docs/plans/scale-out.md §5.10, SPEC DOC4,
 * DOC5): two edits each valid alone, made on two instances at once, conflict
 * only once merged. Each instance repairs after applying the other's commit;
 * both write the same repair (the rule is deterministic), so every replica
 * and the store end repaired.
 */

let redis: ThrowawayRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

describe.each(busKinds(() => redis.url))('repairs across instances, $name', ({ buses: makeBuses }) => {
  let dir: ReturnType<typeof tempDir>;
  let databases: OpenedDatabase[];
  let instances: RoomManager[];
  let closeBuses: () => Promise<void>;
  const clients: ProtocolClient[] = [];

  beforeEach(async () => {
    dir = tempDir();
    const made = makeBuses(2);
    closeBuses = made.close;
    const file = joinPath(dir.path, 'weft.db');
    databases = made.buses.map(() => openDatabase({ file }));
    const first = databases[0] as OpenedDatabase;
    // The document as a created workflow has it: initialised, with one node the edges below can use.
    const doc = new Y.Doc();
    initWorkflowDoc(doc, { name: 'Flow' });
    addNode(doc, { id: 'trigger', type: 'manualTrigger', position: { x: 0, y: 0 } });
    await new SqliteDocStore(first.db).append('wf', [
      { authorId: null, createdAt: 1, data: Y.encodeStateAsUpdate(doc) },
    ]);
    instances = made.buses.map(
      (bus, i) =>
        new RoomManager({
          store: new SqliteDocStore((databases[i] as OpenedDatabase).db),
          logger: silentLogger,
          unloadDelayMs: 0,
          compactEvery: 25,
          bus,
          headsProbeMs: 60_000,
          hooks: workflowRoomHooks({
            store: new SqliteWorkflowStore((databases[i] as OpenedDatabase).db),
            logger: silentLogger,
          }),
        }),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await Promise.all(instances.map((rooms) => rooms.shutdown()));
    await closeBuses();
    for (const database of databases) await database.close();
    dir.remove();
  });

  const join = async (i: number, clientID: number) => {
    const client = new ProtocolClient(clientID);
    clients.push(client);
    client.membership = await (instances[i] as RoomManager).join('wf', client, {
      userId: `u${clientID}`,
      role: 'editor',
    });
    client.hello();
    return client;
  };

  const drainAll = async () => {
    for (const rooms of instances) await rooms.peek('wf')?.drain();
  };

  const names = (doc: Y.Doc) =>
    readNodes(doc)
      .map((n) => n.name)
      .sort();

  const stored = async () => {
    const loaded = await new SqliteDocStore((databases[1] as OpenedDatabase).db).load('wf');
    const doc = new Y.Doc();
    if (loaded.snapshot) Y.applyUpdate(doc, loaded.snapshot);
    for (const u of loaded.updates) Y.applyUpdate(doc, u.data);
    return doc;
  };

  it('two nodes named alike, created on two instances at once, end with unique names everywhere (DOC4)', async () => {
    const a = await join(0, 1);
    const b = await join(1, 2);
    await settle([a, b], () => readNodes(b.doc).length === 1, 'joins', drainAll);
    // Both sent before either hears the other: each is valid alone on its own instance.
    addNode(a.doc, { id: 'aaa', type: 'httpRequest', name: 'HTTP Request', position: { x: 1, y: 0 } });
    addNode(b.doc, { id: 'bbb', type: 'httpRequest', name: 'HTTP Request', position: { x: 2, y: 0 } });
    const unique = (doc: Y.Doc) => readNodes(doc).length === 3 && new Set(names(doc)).size === 3;
    await settle([a, b], () => unique(a.doc) && unique(b.doc), 'repaired on both instances', drainAll);
    expect(names(a.doc)).toEqual(names(b.doc));
    // The lower id keeps the name.
    expect(readNodes(a.doc).find((n) => n.id === 'aaa')?.name).toBe('HTTP Request');
    expect(names(await stored())).toEqual(names(a.doc));
    const fresh = await join(1, 3);
    await settle([fresh], () => readNodes(fresh.doc).length === 3, 'a fresh client', drainAll);
    expect(names(fresh.doc)).toEqual(names(a.doc));
  });

  it('an edge to a node deleted on the other instance at once is removed everywhere (DOC5)', async () => {
    const a = await join(0, 1);
    const b = await join(1, 2);
    addNode(a.doc, { id: 'target', type: 'httpRequest', position: { x: 1, y: 0 } });
    await settle([a, b], () => readNodes(b.doc).length === 2, 'the target node on B', drainAll);
    connect(a.doc, { source: 'trigger', sourceHandle: 'main', target: 'target', targetHandle: 'main' });
    deleteNode(b.doc, 'target');
    const clean = (doc: Y.Doc) => readNodes(doc).length === 1 && readStoredEdges(doc).length === 0;
    await settle([a, b], () => clean(a.doc) && clean(b.doc), 'no dangling edge', drainAll);
    expect(clean(await stored())).toBe(true);
  });
});
