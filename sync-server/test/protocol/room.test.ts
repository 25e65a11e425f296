import { join as joinPath } from 'node:path';
import * as decoding from 'lib0/decoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkflowRole } from '#shared/api/common.ts';
import { silentLogger } from '#shared/log.ts';
import { CloseCodes } from '#shared/protocol/close-codes.ts';
import { MessageType, SyncMessageType } from '#shared/protocol/messages.ts';
import {
  addNode,
  CURRENT_SCHEMA_VERSION,
  docSchemaVersion,
  initWorkflowDoc,
  metaMap,
  migrateDoc,
  readNodes,
  toDefinition,
  type DocMigration,
} from '#shared/schema/index.ts';
import { openDatabase, type OpenedDatabase } from '../../src/db/open.ts';
import { ProtocolError } from '../../src/rooms/connection.ts';
import type { RoomHooks } from '../../src/rooms/room.ts';
import { RoomManager } from '../../src/rooms/room-manager.ts';
import { SqliteDocStore } from '../../src/storage/sqlite-doc-store.ts';
import { workflowRoomHooks } from '../../src/workflows/room-hooks.ts';
import { SqliteWorkflowStore } from '../../src/workflows/sqlite-workflow-store.ts';
import { GatedStore } from '../helpers/gated-store.ts';
import { ProtocolClient } from '../helpers/protocol-client.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/** Room rules SYNC1–SYNC6 (shared/SPEC.md) over in-memory connections and a real SQLite store. */

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

let dir: ReturnType<typeof tempDir>;
let database: OpenedDatabase;
let store: GatedStore;
let rooms: RoomManager;
const clients: ProtocolClient[] = [];

const manager = (options: Partial<ConstructorParameters<typeof RoomManager>[0]> = {}) =>
  new RoomManager({ store, logger: silentLogger, unloadDelayMs: 60_000, compactEvery: 1000, ...options });

beforeEach(() => {
  dir = tempDir();
  database = openDatabase({ file: joinPath(dir.path, 'weft.db') });
  store = new GatedStore(new SqliteDocStore(database.db));
  rooms = manager();
});

afterEach(async () => {
  store.open();
  await rooms.shutdown();
  for (const c of clients.splice(0)) c.destroy();
  await database.close();
  dir.remove();
});

const join = async (
  docId: string,
  clientID: number,
  role: WorkflowRole = 'editor',
  userId = `user${clientID}`,
): Promise<ProtocolClient> => {
  const client = new ProtocolClient(clientID);
  clients.push(client);
  client.membership = await rooms.join(docId, client, { userId, role });
  client.hello();
  return client;
};

/** Lets the room commit and everyone answer until nothing moves. */
const settle = async (docId: string, ...peers: ProtocolClient[]) => {
  for (let i = 0; i < 20; i++) {
    await nextTurn();
    await rooms.peek(docId)?.drain();
    if (peers.every((p) => p.inbox.length === 0)) return;
    for (const p of peers) p.process();
  }
};

const seed = async (docId: string, build: (doc: Y.Doc) => void) => {
  const doc = new Y.Doc();
  build(doc);
  await store.append(docId, [{ authorId: null, createdAt: 1, data: Y.encodeStateAsUpdate(doc) }]);
};

describe('room', () => {
  it('SYNC2: relays an update to every other member and never back to its sender', async () => {
    const a = await join('doc', 1);
    const b = await join('doc', 2);
    const c = await join('doc', 3);
    await settle('doc', a, b, c);
    a.doc.getMap('m').set('k', 'from a');
    await settle('doc', a, b, c);
    expect(b.doc.getMap('m').get('k')).toBe('from a');
    expect(c.doc.getMap('m').get('k')).toBe('from a');
    expect(a.receivedUpdates).toBe(0);
    expect(b.receivedUpdates).toBe(1);
  });

  it('SYNC1: nobody receives an update before the store has committed it', async () => {
    const a = await join('doc', 1);
    const b = await join('doc', 2);
    await settle('doc', a, b);
    store.close();
    a.doc.getMap('m').set('k', 1);
    await nextTurn();
    await nextTurn();
    expect(store.appendCalls).toBeGreaterThan(0);
    b.process();
    expect(b.doc.getMap('m').get('k')).toBeUndefined();
    // A newcomer asking for the document meanwhile is not answered with uncommitted state either.
    const c = await join('doc', 3);
    c.process();
    expect(c.doc.getMap('m').get('k')).toBeUndefined();
    store.open();
    await settle('doc', a, b, c);
    expect(b.doc.getMap('m').get('k')).toBe(1);
    expect(c.doc.getMap('m').get('k')).toBe(1);
    expect((await store.load('doc')).updates.length).toBeGreaterThan(0);
  });

  it('SYNC3: the first sync reply after a cold load carries the whole stored document', async () => {
    await seed('doc', (doc) => {
      initWorkflowDoc(doc, { name: 'Stored' });
      for (let i = 0; i < 50; i++) addNode(doc, { type: 'noOp', position: { x: i, y: 0 } });
    });
    const a = await join('doc', 1);
    // The first message answering our step 1 is a complete step 2.
    await nextTurn();
    const replies = a.inbox.filter((m) => {
      const d = decoding.createDecoder(m);
      return decoding.readVarUint(d) === MessageType.sync && decoding.readVarUint(d) === SyncMessageType.step2;
    });
    expect(replies).toHaveLength(1);
    a.process();
    expect(readNodes(a.doc)).toHaveLength(50);
    expect(toDefinition(a.doc).name).toBe('Stored');
  });

  it('SYNC4: a member its hooks keep from writing receives edits, but its own updates are neither applied, stored nor relayed', async () => {
    rooms = manager({ hooks: { mayWrite: (_docId, ctx) => ctx.role !== 'viewer' } });
    const editor = await join('doc', 1);
    const viewer = await join('doc', 2, 'viewer');
    await settle('doc', editor, viewer);
    editor.doc.getMap('m').set('k', 'edit');
    await settle('doc', editor, viewer);
    expect(viewer.doc.getMap('m').get('k')).toBe('edit');
    const before = (await store.load('doc')).lastSeq;
    viewer.doc.getMap('m').set('k', 'vandalism');
    viewer.doc.getMap('m').set('other', true);
    await settle('doc', editor, viewer);
    expect(editor.doc.getMap('m').get('k')).toBe('edit');
    expect(editor.doc.getMap('m').has('other')).toBe(false);
    expect(rooms.peek('doc')?.doc.getMap('m').get('k')).toBe('edit');
    expect((await store.load('doc')).lastSeq).toBe(before);
    // Awareness still flows from the viewer.
    viewer.setPresence({ name: 'Viv' });
    await settle('doc', editor, viewer);
    expect(editor.awareness.getStates().get(2)).toEqual({ name: 'Viv' });
  });

  it('held, then merged: an update dropped for now is not stored; once the member may write it is sent step 1 and the held edits are stored', async () => {
    let locked = false;
    rooms = manager({
      hooks: {
        mayWrite: (_docId, ctx) => ctx.role === 'owner' || (!locked && ctx.role === 'editor'),
        holdsBack: (_docId, ctx) => ctx.role === 'editor',
      },
    });
    const owner = await join('doc', 1, 'owner');
    const editor = await join('doc', 2, 'editor');
    const viewer = await join('doc', 3, 'viewer');
    await settle('doc', owner, editor, viewer);
    locked = true;
    rooms.peek('doc')?.writeAccessChanged();
    expect(editor.inbox).toEqual([]);
    const before = (await store.load('doc')).lastSeq;
    editor.doc.getMap('m').set('held', 1);
    editor.doc.getMap('m').set('held too', 2);
    viewer.doc.getMap('m').set('never', true);
    owner.doc.getMap('m').set('owner', 'writes');
    await settle('doc', owner, editor, viewer);
    const stored = new Y.Doc();
    for (const u of (await store.load('doc')).updates) Y.applyUpdate(stored, u.data);
    expect(stored.getMap('m').toJSON()).toEqual({ owner: 'writes' });
    expect((await store.load('doc')).lastSeq).toBe(before + 1);
    expect(editor.doc.getMap('m').get('owner')).toBe('writes');
    expect(owner.doc.getMap('m').has('held')).toBe(false);
    // Unlocked: the editor alone is asked for its state, and its held edits come in.
    locked = false;
    rooms.peek('doc')?.writeAccessChanged();
    const isStep1 = (m: Uint8Array) => m[0] === MessageType.sync && m[1] === SyncMessageType.step1;
    expect(editor.inbox.filter(isStep1)).toHaveLength(1);
    expect(viewer.inbox.filter(isStep1)).toHaveLength(0);
    expect(owner.inbox.filter(isStep1)).toHaveLength(0);
    await settle('doc', owner, editor, viewer);
    expect(owner.doc.getMap('m').toJSON()).toEqual({ owner: 'writes', held: 1, 'held too': 2 });
    const after = new Y.Doc();
    for (const u of (await store.load('doc')).updates) Y.applyUpdate(after, u.data);
    expect(after.getMap('m').toJSON()).toEqual({ owner: 'writes', held: 1, 'held too': 2 });
    // Asked once: a second change of rules finds nobody held or newly allowed.
    rooms.peek('doc')?.writeAccessChanged();
    expect(editor.inbox.filter(isStep1)).toHaveLength(0);
  });

  it('a member who joined unable to write gets step 1 when it may', async () => {
    let locked = true;
    rooms = manager({
      hooks: { mayWrite: () => !locked, holdsBack: () => true },
    });
    const a = await join('doc', 1);
    await settle('doc', a);
    a.doc.getMap('m').set('offline', 'edit');
    await settle('doc', a);
    expect((await store.load('doc')).updates).toHaveLength(0);
    locked = false;
    rooms.peek('doc')?.writeAccessChanged();
    await settle('doc', a);
    const stored = new Y.Doc();
    for (const u of (await store.load('doc')).updates) Y.applyUpdate(stored, u.data);
    expect(stored.getMap('m').get('offline')).toBe('edit');
  });

  it('SYNC5: when a socket leaves, the awareness it controlled is removed for everyone', async () => {
    const a = await join('doc', 1);
    const b = await join('doc', 2);
    a.setPresence({ name: 'Ann', cursor: { x: 1, y: 2 } });
    await settle('doc', a, b);
    expect(b.awareness.getStates().get(1)).toEqual({ name: 'Ann', cursor: { x: 1, y: 2 } });
    a.membership?.leave();
    await settle('doc', b);
    expect(b.awareness.getStates().has(1)).toBe(false);
  });

  it('a socket cannot speak for awareness ids another user controls', async () => {
    const a = await join('doc', 1, 'editor', 'alice');
    const b = await join('doc', 2, 'editor', 'bob');
    const c = await join('doc', 3, 'editor', 'carol');
    a.setPresence({ name: 'Alice' });
    await settle('doc', a, b, c);
    // Bob forges an update for Alice's client id with a higher clock (and a null state: "left").
    const forged = new ProtocolClient(1);
    forged.awareness.setLocalState({ name: 'Alice (forged)' });
    forged.awareness.setLocalState(null);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MessageType.awareness);
    const inner = encoding.createEncoder();
    encoding.writeVarUint(inner, 1);
    encoding.writeVarUint(inner, 1);
    encoding.writeVarUint(inner, 99);
    encoding.writeVarString(inner, 'null');
    encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
    b.toRoom(encoding.toUint8Array(e));
    forged.destroy();
    await settle('doc', a, b, c);
    expect(c.awareness.getStates().get(1)).toEqual({ name: 'Alice' });
  });

  it('a client cannot speak as the server: its id and states marked `server` are not relayed', async () => {
    const a = await join('doc', 1);
    const b = await join('doc', 2);
    await settle('doc', a, b);
    const room = rooms.peek('doc');
    room?.awareness.setLocalState({ server: true, execution: { id: 'real', status: 'running', nodes: {} } });
    await settle('doc', a, b);
    const serverId = room?.awareness.clientID ?? -1;
    expect(b.awareness.getStates().get(serverId)).toMatchObject({ execution: { id: 'real' } });

    // A fake run status in the client's own state, and an update written as the server's id.
    a.setPresence({ server: true, execution: { id: 'fake', status: 'succeeded', nodes: {} } });
    const forged = new ProtocolClient(serverId);
    forged.awareness.setLocalState({ server: true, execution: { id: 'forged', status: 'failed', nodes: {} } });
    for (let i = 0; i < 50; i++) forged.awareness.setLocalState({ server: true, n: i });
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MessageType.awareness);
    encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(forged.awareness, [serverId]));
    a.toRoom(encoding.toUint8Array(e));
    forged.destroy();
    a.setPresence({ name: 'Ann' });
    await settle('doc', a, b);

    expect(b.awareness.getStates().get(1)).toEqual({ name: 'Ann' });
    expect(b.awareness.getStates().get(serverId)).toMatchObject({ execution: { id: 'real' } });
    expect(room?.awareness.getStates().get(serverId)).toMatchObject({ execution: { id: 'real' } });
  });

  it('SYNC6: a malformed message throws ProtocolError for that socket; the room and the others carry on', async () => {
    const a = await join('doc', 1);
    const b = await join('doc', 2);
    await settle('doc', a, b);
    const bad = [
      new Uint8Array([]),
      new Uint8Array([9]),
      new Uint8Array([0, 7]),
      new Uint8Array([0, 2, 5, 1, 2]),
      new Uint8Array([0, 2, 3, 255, 255, 255]),
      new Uint8Array([1, 3, 1, 1, 1]),
      new Uint8Array([0, 0, 1, 0, 42]),
    ];
    for (const frame of bad) expect(() => a.membership?.receive(frame)).toThrow(ProtocolError);
    b.doc.getMap('m').set('still', 'works');
    await settle('doc', a, b);
    expect(a.doc.getMap('m').get('still')).toBe('works');
  });

  it('a failed commit closes the room with 4500, relays nothing, and a reconnect recovers the edit', async () => {
    const a = await join('doc', 1);
    const b = await join('doc', 2);
    await settle('doc', a, b);
    store.failNext = new Error('disk full');
    a.doc.getMap('m').set('k', 'lost?');
    await settle('doc', a, b);
    expect(a.closed?.code).toBe(CloseCodes.internalError);
    expect(b.closed?.code).toBe(CloseCodes.internalError);
    expect(b.doc.getMap('m').get('k')).toBeUndefined();
    // The sender still has its edit; reconnecting syncs it into a freshly loaded room.
    await nextTurn();
    const a2 = new ProtocolClient(1);
    clients.push(a2);
    Y.applyUpdate(a2.doc, Y.encodeStateAsUpdate(a.doc));
    a2.membership = await rooms.join('doc', a2, { userId: 'user1', role: 'editor' });
    a2.hello();
    const b2 = await join('doc', 4);
    await settle('doc', a2, b2);
    expect(b2.doc.getMap('m').get('k')).toBe('lost?');
  });

  it('loads a document once for concurrent joins, unloads it after the last leaves, and reloads it intact', async () => {
    rooms = manager({ unloadDelayMs: 0, compactEvery: 5 });
    const [a, b] = await Promise.all([join('doc', 1), join('doc', 2)]);
    expect(store.loadCalls).toBe(1);
    await settle('doc', a, b);
    for (let i = 0; i < 12; i++) a.doc.getArray<number>('list').push([i]);
    await settle('doc', a, b);
    a.membership?.leave();
    b.membership?.leave();
    for (let i = 0; i < 50 && rooms.loadedCount > 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(rooms.loadedCount).toBe(0);
    // Unloading compacted the log into one snapshot.
    expect(await store.stats('doc')).toMatchObject({ updateCount: 0 });
    const c = await join('doc', 3);
    await settle('doc', c);
    expect(store.loadCalls).toBe(2);
    expect(c.doc.getArray('list').toArray()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('compacts the log into a snapshot once it passes the bound', async () => {
    rooms = manager({ compactEvery: 10 });
    const a = await join('doc', 1);
    await settle('doc', a);
    for (let i = 0; i < 25; i++) {
      a.doc.getArray<number>('list').push([i]);
      await settle('doc', a);
    }
    const stats = await store.stats('doc');
    expect(stats.snapshotBytes).toBeGreaterThan(0);
    expect(stats.updateCount).toBeLessThan(10);
    const loaded = await store.load('doc');
    const doc = new Y.Doc();
    if (loaded.snapshot) Y.applyUpdate(doc, loaded.snapshot);
    for (const u of loaded.updates) Y.applyUpdate(doc, u.data);
    expect(doc.getArray('list').length).toBe(25);
  });

  it('a room that finds another writer committed in between takes those updates, relays them, and compacts nothing it lacks', async () => {
    // Two rooms for one document, as two server instances would hold (each with its own database handle).
    const second = openDatabase({ file: joinPath(dir.path, 'weft.db') });
    const other = new RoomManager({
      store: new SqliteDocStore(second.db),
      logger: silentLogger,
      unloadDelayMs: 0,
      compactEvery: 1000,
    });
    try {
      await seed('two', (doc) => doc.getArray<number>('list').push([0]));
      const a = await join('two', 1);
      const b = new ProtocolClient(2);
      clients.push(b);
      b.membership = await other.join('two', b, { userId: 'user2', role: 'editor' });
      b.hello();
      await settle('two', a);
      for (let i = 0; i < 20 && b.inbox.length > 0; i++) b.process();
      a.doc.getArray<number>('list').push([1]);
      await settle('two', a);
      // The second room has not heard of 1; its next commit finds seq 2 taken and catches up.
      b.doc.getArray<number>('list').push([2]);
      for (let i = 0; i < 20; i++) {
        await nextTurn();
        await other.peek('two')?.drain();
        b.process();
      }
      expect(b.doc.getArray<number>('list').toArray().sort()).toEqual([0, 1, 2]);
      b.membership.leave();
      await other.shutdown();
      // Its unload compacted up to the head, with both writers' updates in the snapshot.
      const loaded = await store.load('two');
      expect(loaded.updates).toEqual([]);
      const doc = new Y.Doc();
      if (loaded.snapshot) Y.applyUpdate(doc, loaded.snapshot);
      expect(doc.getArray<number>('list').toArray().sort()).toEqual([0, 1, 2]);
    } finally {
      await other.shutdown();
      await second.close();
    }
  });

  it('repairs a merge that produced duplicate names, for everyone including the senders', async () => {
    const workflows = new SqliteWorkflowStore(database.db);
    rooms = manager({ hooks: workflowRoomHooks({ store: workflows, logger: silentLogger }) });
    await seed('doc', (doc) => initWorkflowDoc(doc, { name: 'Names' }));
    const a = await join('doc', 1);
    const b = await join('doc', 2);
    await settle('doc', a, b);
    // Both add "HTTP Request" before seeing each other's node.
    a.doc.transact(() => addNode(a.doc, { id: 'aaa', type: 'httpRequest', position: { x: 0, y: 0 } }));
    b.doc.transact(() => addNode(b.doc, { id: 'bbb', type: 'httpRequest', position: { x: 0, y: 100 } }));
    await settle('doc', a, b);
    const names = (c: ProtocolClient) => Object.fromEntries(readNodes(c.doc).map((n) => [n.id, n.name]));
    expect(names(a)).toEqual({ aaa: 'HTTP Request', bbb: 'HTTP Request1' });
    expect(names(b)).toEqual(names(a));
  });

  it('loads a snapshot and a log tail of concurrent edits into the document replaying them one by one gives', async () => {
    // Three writers edit the same text, map and array, each seeing the others only now and then,
    // as a server killed before it compacted leaves them: the tail is applied in one transaction.
    const writers = [1, 2, 3].map((id) => {
      const doc = new Y.Doc();
      doc.clientID = id;
      return doc;
    });
    const log: Uint8Array[] = [];
    for (const w of writers) w.on('update', (u: Uint8Array) => log.push(u));
    const [w1, w2, w3] = writers as [Y.Doc, Y.Doc, Y.Doc];
    w1.getText('t').insert(0, 'hello world');
    w1.getArray<number>('list').push([1, 2, 3, 4]);
    const share = (from: Y.Doc, to: Y.Doc) => Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
    share(w1, w2);
    share(w1, w3);
    const snapshotUpto = log.length;
    const snapshot = Y.encodeStateAsUpdate(w1);
    for (let round = 0; round < 40; round++) {
      w1.getText('t').insert(round % 5, `a${round}`);
      w2.getText('t').delete(0, 1);
      w2.getMap('m').set('k', `w2 ${round}`);
      w3.getMap('m').set('k', `w3 ${round}`);
      if (w3.getArray('list').length > 0) w3.getArray('list').delete(0, 1);
      w3.getArray<number>('list').insert(0, [round]);
      if (round % 7 === 0) share(w2, w3);
      if (round % 11 === 0) share(w3, w1);
    }
    const records = log.map((data) => ({ authorId: null, createdAt: 1, data }));
    await store.append('tail', records);
    await store.compact('tail', {
      data: snapshot,
      stateVector: Y.encodeStateVector(w1),
      uptoSeq: snapshotUpto,
      schemaVersion: null,
    });
    const expected = new Y.Doc();
    Y.applyUpdate(expected, snapshot);
    for (const u of log.slice(snapshotUpto)) Y.applyUpdate(expected, u);
    expect((await store.load('tail')).updates.length).toBeGreaterThan(100);

    const a = await join('tail', 9);
    await settle('tail', a);
    expect(a.doc.getText('t').toJSON()).toBe(expected.getText('t').toJSON());
    expect(a.doc.getMap('m').toJSON()).toEqual(expected.getMap('m').toJSON());
    expect(a.doc.getArray('list').toArray()).toEqual(expected.getArray('list').toArray());
    expect(Y.decodeStateVector(Y.encodeStateVector(a.doc))).toEqual(Y.decodeStateVector(Y.encodeStateVector(expected)));
    // And the room keeps working on it: an edit after the load reaches a second member.
    const b = await join('tail', 10);
    await settle('tail', a, b);
    a.doc.getText('t').insert(0, '>');
    await settle('tail', a, b);
    expect(b.doc.getText('t').toJSON()).toBe(`>${expected.getText('t').toJSON()}`);
  });

  it('folds the logs a killed server left into their snapshots, and leaves a document made and never opened alone', async () => {
    const writer = new Y.Doc();
    const log: Uint8Array[] = [];
    writer.on('update', (u: Uint8Array) => log.push(u));
    for (let i = 0; i < 30; i++) writer.getArray<number>('list').push([i]);
    await store.append('crashed', [{ authorId: null, createdAt: 1, data: log[0] as Uint8Array }]);
    await store.compact('crashed', {
      data: log[0] as Uint8Array,
      stateVector: new Uint8Array([0]),
      uptoSeq: 1,
      schemaVersion: null,
    });
    await store.append(
      'crashed',
      log.slice(1).map((data) => ({ authorId: null, createdAt: 1, data })),
    );
    await seed('made', (doc) => doc.getMap('m').set('k', 'v'));
    expect(await rooms.foldLogs(2)).toEqual({ folded: 1, failed: 0 });
    expect(rooms.loadedCount).toBe(0);
    expect(await store.stats('crashed')).toMatchObject({ updateCount: 0 });
    expect(await store.stats('made')).toMatchObject({ updateCount: 1 });
    // The snapshot holds the whole document, and a newcomer is answered from it.
    const loaded = await store.load('crashed');
    expect(loaded.snapshotSeq).toBe(30);
    const a = await join('crashed', 1);
    await settle('crashed', a);
    expect(a.doc.getArray('list').toArray()).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  describe('SYNC3: a cold room (only a snapshot stored)', () => {
    const compacted = async (docId: string) => {
      const doc = new Y.Doc();
      initWorkflowDoc(doc, { name: 'Cold' });
      for (let i = 0; i < 30; i++) addNode(doc, { type: 'noOp', position: { x: i, y: 0 } });
      const update = Y.encodeStateAsUpdate(doc);
      await store.append(docId, [{ authorId: null, createdAt: 1, data: update }]);
      await store.compact(docId, {
        data: update,
        stateVector: Y.encodeStateVector(doc),
        uptoSeq: 1,
        schemaVersion: CURRENT_SCHEMA_VERSION,
      });
      return { doc, update };
    };

    const firstStep2 = (client: ProtocolClient): Uint8Array | undefined => {
      for (const m of client.inbox) {
        const d = decoding.createDecoder(m);
        if (decoding.readVarUint(d) === MessageType.sync && decoding.readVarUint(d) === SyncMessageType.step2) {
          return decoding.readVarUint8Array(d);
        }
      }
      return undefined;
    };

    it('answers a newcomer with the stored snapshot itself, then decodes it', async () => {
      const { update } = await compacted('cold');
      const a = await join('cold', 1);
      // Answered in the same turn, from the stored bytes.
      expect(Array.from(firstStep2(a) ?? [])).toEqual(Array.from(update));
      a.process();
      expect(readNodes(a.doc)).toHaveLength(30);
      await nextTurn();
      expect(readNodes(rooms.peek('cold')?.doc ?? new Y.Doc())).toHaveLength(30);
    });

    it('answers a client that already holds part of the document with the exact difference', async () => {
      const { doc } = await compacted('cold');
      const returning = new ProtocolClient(9);
      clients.push(returning);
      Y.applyUpdate(returning.doc, Y.encodeStateAsUpdate(doc));
      addNode(returning.doc, { id: 'offline', type: 'set', position: { x: 0, y: 0 } });
      returning.membership = await rooms.join('cold', returning, { userId: 'u9', role: 'editor' });
      returning.hello();
      const other = await join('cold', 2);
      await settle('cold', returning, other);
      expect(readNodes(other.doc).map((n) => n.id)).toContain('offline');
      expect(readNodes(returning.doc)).toHaveLength(31);
    });

    it('an edit arriving while cold lands on the stored document, not on an empty one', async () => {
      await compacted('cold');
      const a = await join('cold', 1);
      a.process();
      addNode(a.doc, { id: 'early', type: 'set', position: { x: 0, y: 0 } });
      await settle('cold', a);
      const b = await join('cold', 2);
      await settle('cold', a, b);
      expect(readNodes(b.doc)).toHaveLength(31);
      const loaded = await store.load('cold');
      const fromStore = new Y.Doc();
      if (loaded.snapshot) Y.applyUpdate(fromStore, loaded.snapshot);
      for (const u of loaded.updates) Y.applyUpdate(fromStore, u.data);
      expect(readNodes(fromStore)).toHaveLength(31);
    });

    it('closing a room that never decoded its snapshot leaves the stored snapshot as it was', async () => {
      const { update } = await compacted('cold');
      rooms = manager({ unloadDelayMs: 0 });
      const a = await join('cold', 1);
      a.membership?.leave();
      await rooms.shutdown();
      const loaded = await store.load('cold');
      expect(Array.from(loaded.snapshot ?? [])).toEqual(Array.from(update));
    });
  });

  describe('SYNC1 and SYNC3 with a document layout migration: only a current snapshot is served unread', () => {
    // A layout version 2 that this test defines, so a real migration runs (the app has none yet).
    const toV2: DocMigration = { id: 2, name: 'AddChecked', up: (doc) => metaMap(doc).set('checked', true) };
    const hooks: RoomHooks = {
      schemaVersion: (doc) => docSchemaVersion(doc) ?? null,
      isCurrentSchema: (version) => version === 2,
      afterLoad: (_docId, doc) => void migrateDoc(doc, [toV2], 2),
    };

    /** A workflow stored as a snapshot only, at layout version 1, recorded as `recorded`. */
    const storedAtV1 = async (docId: string, recorded: number | null) => {
      const doc = new Y.Doc();
      initWorkflowDoc(doc, { name: 'Old' });
      addNode(doc, { id: 'kept', type: 'noOp', position: { x: 0, y: 0 } });
      const update = Y.encodeStateAsUpdate(doc);
      await store.append(docId, [{ authorId: null, createdAt: 1, data: update }]);
      await store.compact(docId, {
        data: update,
        stateVector: Y.encodeStateVector(doc),
        uptoSeq: 1,
        schemaVersion: recorded,
      });
      return update;
    };

    const fromStore = async (docId: string) => {
      const loaded = await store.load(docId);
      const doc = new Y.Doc();
      if (loaded.snapshot) Y.applyUpdate(doc, loaded.snapshot);
      for (const u of loaded.updates) Y.applyUpdate(doc, u.data);
      return { loaded, doc };
    };

    it('an older snapshot is migrated, and the migration stored, before the first newcomer hears anything', async () => {
      await storedAtV1('old', 1);
      rooms = manager({ hooks });
      store.close();
      const client = new ProtocolClient(1);
      clients.push(client);
      let joined = false;
      const joining = rooms.join('old', client, { userId: 'u1', role: 'editor' }).then((m) => {
        joined = true;
        return m;
      });
      for (let i = 0; i < 5; i++) await nextTurn();
      // The migration's commit is in flight: the room must not exist for anyone yet.
      expect(store.appendCalls).toBe(2);
      expect(joined).toBe(false);
      expect(client.inbox).toHaveLength(0);
      store.open();
      client.membership = await joining;
      client.hello();
      await settle('old', client);
      expect(metaMap(client.doc).get('checked')).toBe(true);
      expect(docSchemaVersion(client.doc)).toBe(2);
      expect(readNodes(client.doc).map((n) => n.id)).toEqual(['kept']);
      const { doc } = await fromStore('old');
      expect(docSchemaVersion(doc)).toBe(2);
    });

    it('a migration that cannot be stored fails the load: nobody is answered from it, and the next load migrates again', async () => {
      await storedAtV1('old', 1);
      rooms = manager({ hooks });
      store.failNext = new Error('disk full');
      const client = new ProtocolClient(1);
      clients.push(client);
      await expect(rooms.join('old', client, { userId: 'u1', role: 'editor' })).rejects.toThrow(/migration/);
      expect(client.inbox).toHaveLength(0);
      expect(docSchemaVersion((await fromStore('old')).doc)).toBe(1);
      const again = await join('old', 2);
      await settle('old', again);
      expect(docSchemaVersion(again.doc)).toBe(2);
      expect(docSchemaVersion((await fromStore('old')).doc)).toBe(2);
    });

    it('a snapshot stored before versions were recorded is decoded once, then recorded at unload and served cold', async () => {
      // At version 2 already, but stored without the version (every snapshot before this change).
      const doc = new Y.Doc();
      initWorkflowDoc(doc, { name: 'Unrecorded' });
      migrateDoc(doc, [toV2], 2);
      const update = Y.encodeStateAsUpdate(doc);
      await store.append('un', [{ authorId: null, createdAt: 1, data: update }]);
      await store.compact('un', {
        data: update,
        stateVector: Y.encodeStateVector(doc),
        uptoSeq: 1,
        schemaVersion: null,
      });
      rooms = manager({ hooks, unloadDelayMs: 0 });
      const a = await join('un', 1);
      await settle('un', a);
      expect(store.appendCalls).toBe(1); // nothing to migrate, nothing written
      a.membership?.leave();
      await rooms.shutdown();
      const { loaded } = await fromStore('un');
      expect(loaded.snapshotSchemaVersion).toBe(2);
      expect(loaded.updates).toEqual([]);

      // Recorded now: the next room answers a newcomer with the stored bytes, unread.
      rooms = manager({ hooks });
      const b = await join('un', 2);
      const step2 = b.inbox
        .map((m) => decoding.createDecoder(m))
        .find((d) => decoding.readVarUint(d) === MessageType.sync && decoding.readVarUint(d) === SyncMessageType.step2);
      expect(Array.from(step2 ? decoding.readVarUint8Array(step2) : [])).toEqual(Array.from(loaded.snapshot ?? []));
    });
  });
});
