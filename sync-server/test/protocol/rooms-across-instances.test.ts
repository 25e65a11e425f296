import { join as joinPath } from 'node:path';
import * as Y from 'yjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '#shared/log.ts';
import { CloseCodes } from '#shared/protocol/close-codes.ts';
import { LocalBusHub } from '../../src/cluster/local-room-bus.ts';
import { RedisRoomBus } from '../../src/cluster/redis-room-bus.ts';
import type { RoomBus, RoomMessage } from '../../src/cluster/room-bus.ts';
import type { LiveState } from '../../src/cluster/live-state.ts';
import { openDatabase, type OpenedDatabase } from '../../src/db/open.ts';
import { RoomManager } from '../../src/rooms/room-manager.ts';
import { SqliteDocStore } from '../../src/storage/sqlite-doc-store.ts';
import { ProtocolClient } from '../helpers/protocol-client.ts';
import { startRedis, type ThrowawayRedis } from '../helpers/redis.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * One document open on several instances (docs/plans/scale-out.md §5): each
 * instance has its own RoomManager and database handle, and they share news
 * through a bus — in one process (LocalBusHub) and over a real Redis. What
 * clients on different instances see must converge, and the store must hold
 * everything any of them saw, even when news is lost.
 */

let redis: ThrowawayRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

/** A bus that can be told to lose what it publishes, as a network or a dying instance would. */
class LossyBus implements RoomBus {
  dropping = false;
  constructor(private readonly inner: RoomBus) {}
  get instanceId() {
    return this.inner.instanceId;
  }
  subscribe(docId: string, on: (m: RoomMessage) => void) {
    return this.inner.subscribe(docId, on);
  }
  publish(docId: string, message: RoomMessage) {
    if (!this.dropping) this.inner.publish(docId, message);
  }
  onReconnect(fn: () => void) {
    return this.inner.onReconnect(fn);
  }
  saveLive(docId: string, state: LiveState) {
    this.inner.saveLive(docId, state);
  }
  loadLive(docId: string) {
    return this.inner.loadLive(docId);
  }
  forgetLive(docId: string) {
    this.inner.forgetLive(docId);
  }
  withLock<T>(key: string, ttlMs: number, fn: () => Promise<T>) {
    return this.inner.withLock(key, ttlMs, fn);
  }
  close() {
    return this.inner.close();
  }
}

const kinds: { name: string; buses: (n: number) => { buses: RoomBus[]; close: () => Promise<void> } }[] = [
  {
    name: 'in one process',
    buses: (n) => {
      const hub = new LocalBusHub();
      return { buses: Array.from({ length: n }, (_, i) => hub.bus(`i${i}`)), close: () => Promise.resolve() };
    },
  },
  {
    name: 'over Redis',
    buses: (n) => {
      const prefix = `rooms${Math.random().toString(36).slice(2)}:`;
      const buses = Array.from(
        { length: n },
        (_, i) => new RedisRoomBus({ url: redis.url, instanceId: `i${i}`, logger: silentLogger, prefix }),
      );
      return {
        buses,
        close: async () => {
          await Promise.all(buses.map((b) => b.close()));
        },
      };
    },
  },
];

describe.each(kinds)('rooms across instances, $name', ({ buses: makeBuses }) => {
  let dir: ReturnType<typeof tempDir>;
  let databases: OpenedDatabase[];
  let instances: { rooms: RoomManager; bus: LossyBus }[];
  let closeBuses: () => Promise<void>;
  const clients: ProtocolClient[] = [];

  /** Three instances on one database; `headsProbeMs` long by default, so a test sees which path repaired what. */
  const launch = async ({ headsProbeMs = 60_000 }: { headsProbeMs?: number } = {}) => {
    const made = makeBuses(3);
    closeBuses = made.close;
    const file = joinPath(dir.path, 'weft.db');
    databases = made.buses.map(() => openDatabase({ file }));
    instances = made.buses.map((raw, i) => {
      const bus = new LossyBus(raw);
      const rooms = new RoomManager({
        store: new SqliteDocStore((databases[i] as OpenedDatabase).db),
        logger: silentLogger,
        unloadDelayMs: 0,
        compactEvery: 25,
        bus,
        headsProbeMs,
      });
      return { rooms, bus };
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
  };

  beforeEach(() => {
    dir = tempDir();
    databases = [];
    instances = [];
    closeBuses = () => Promise.resolve();
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await Promise.all(instances.map((i) => i.rooms.shutdown()));
    await closeBuses();
    for (const database of databases) await database.close();
    dir.remove();
  });

  const join = async (instance: number, clientID: number) => {
    const client = new ProtocolClient(clientID);
    clients.push(client);
    client.membership = await (instances[instance] as { rooms: RoomManager }).rooms.join('doc', client, {
      userId: `u${clientID}`,
      role: 'editor',
    });
    client.hello();
    return client;
  };

  /** Lets every room, bus and client run until nothing moves (bounded). */
  const settle = async (peers: ProtocolClient[], until: () => boolean, what: string) => {
    const deadline = Date.now() + 8_000;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      for (const instance of instances) await instance.rooms.peek('doc')?.drain();
      for (const p of peers) p.process();
      if (until()) return;
    }
    throw new Error(`not settled within 8 s: ${what}`);
  };

  const list = (c: ProtocolClient) => c.doc.getArray<string>('list').toArray().sort();
  const stored = async () => {
    const loaded = await new SqliteDocStore((databases[0] as OpenedDatabase).db).load('doc');
    const doc = new Y.Doc();
    if (loaded.snapshot) Y.applyUpdate(doc, loaded.snapshot);
    for (const u of loaded.updates) Y.applyUpdate(doc, u.data);
    return doc.getArray<string>('list').toArray().sort();
  };

  it('clients on three instances editing at once converge, and the store holds every edit', async () => {
    await launch();
    const peers = [await join(0, 1), await join(1, 2), await join(2, 3), await join(0, 4)];
    await settle(peers, () => true, 'joins');
    const expected: string[] = [];
    for (let round = 0; round < 20; round++) {
      peers.forEach((p, i) => {
        const item = `${i}-${round}`;
        expected.push(item);
        p.doc.getArray<string>('list').push([item]);
      });
      if (round % 5 === 0) await settle(peers, () => true, 'a round');
    }
    expected.sort();
    await settle(peers, () => peers.every((p) => list(p).length === expected.length), 'every edit everywhere');
    for (const p of peers) expect(list(p)).toEqual(expected);
    expect(await stored()).toEqual(expected);
    // Each edit reached each client once: a room catching up after another instance's commit does
    // not send its own commits again.
    expect(peers.map((p) => p.duplicateItems)).toEqual([0, 0, 0, 0]);
  });

  it('a room that reads a gap back from the store relays only what it lacked, not its own commits again', async () => {
    await launch();
    const a = await join(0, 1);
    const c = await join(0, 3);
    const b = await join(1, 2);
    await settle([a, b, c], () => true, 'joins');
    // Instance 1's news is lost: instance 0 learns of B's commit only from the seq its own commit gets.
    (instances[1] as { bus: LossyBus }).bus.dropping = true;
    b.doc.getArray<string>('list').push(['from b']);
    await settle([a, b, c], () => true, "B's commit");
    a.doc.getArray<string>('list').push(['from a']);
    await settle([a, b, c], () => [a, c].every((p) => list(p).length === 2), 'the gap read back');
    expect(list(c)).toEqual(['from a', 'from b']);
    expect([a.duplicateItems, c.duplicateItems]).toEqual([0, 0]);
  });

  it('news that is lost is found missing by the seq of the next message', async () => {
    await launch();
    const a = await join(0, 1);
    const b = await join(1, 2);
    await settle([a, b], () => true, 'joins');
    const lossy = (instances[0] as { bus: LossyBus }).bus;
    lossy.dropping = true;
    a.doc.getArray<string>('list').push(['lost']);
    await settle([a, b], () => true, 'the lost commit');
    expect(list(b)).toEqual([]);
    lossy.dropping = false;
    // The next message from A skips a seq: B reads the gap back from the store.
    a.doc.getArray<string>('list').push(['after']);
    await settle([a, b], () => list(b).length === 2, 'gap filled');
    expect(list(b)).toEqual(['after', 'lost']);
  });

  it('when nothing follows a lost message (its instance died after committing), the heads probe finds the gap', async () => {
    await launch({ headsProbeMs: 200 });
    const a = await join(0, 1);
    const b = await join(1, 2);
    await settle([a, b], () => true, 'joins');
    (instances[0] as { bus: LossyBus }).bus.dropping = true;
    a.doc.getArray<string>('list').push(['lost']);
    await settle([a, b], () => list(b).length === 1, 'probe caught up');
    expect(list(b)).toEqual(['lost']);
  });

  it('awareness crosses instances; a socket leaving removes its state everywhere; the server entry never travels', async () => {
    await launch();
    const a = await join(0, 1);
    const b = await join(1, 2);
    await settle([a, b], () => true, 'joins');
    a.setPresence({ user: { name: 'Ann' }, cursor: 3 });
    await settle([a, b], () => b.awareness.getStates().has(1), 'presence on B');
    expect(b.awareness.getStates().get(1)).toEqual({ user: { name: 'Ann' }, cursor: 3 });
    // A room's own (server) entry stays on its instance.
    instances[0]?.rooms.peek('doc')?.awareness.setLocalState({ server: true, note: 'instance 0' });
    instances[1]?.rooms.peek('doc')?.awareness.setLocalState({ server: true, note: 'instance 1' });
    await settle([a, b], () => true, 'server entries');
    const serverEntries = (c: ProtocolClient) =>
      [...c.awareness.getStates().values()].filter((s) => (s as { server?: unknown }).server === true);
    expect(serverEntries(b)).toEqual([{ server: true, note: 'instance 1' }]);
    expect(serverEntries(a)).toEqual([{ server: true, note: 'instance 0' }]);
    // A late joiner on a third instance learns who is there (the awareness query on load).
    const c = await join(2, 3);
    await settle([a, b, c], () => c.awareness.getStates().has(1), 'presence for a late joiner');
    a.membership?.leave();
    await settle([b, c], () => !b.awareness.getStates().has(1) && !c.awareness.getStates().has(1), 'removal');
  });

  it('deleting the workflow on one instance closes its sockets on every instance', async () => {
    await launch();
    const a = await join(0, 1);
    const b = await join(1, 2);
    await settle([a, b], () => true, 'joins');
    await instances[0]?.rooms.evict('doc', CloseCodes.notFound, 'workflow deleted');
    await settle([a, b], () => b.closed !== undefined, 'eviction on B');
    expect(a.closed?.code).toBe(CloseCodes.notFound);
    expect(b.closed?.code).toBe(CloseCodes.notFound);
  });

  it('a room that unloads and loads again on one instance keeps hearing the others (Hocuspocus #131)', async () => {
    await launch();
    const a = await join(0, 1);
    let b = await join(1, 2);
    await settle([a, b], () => true, 'joins');
    b.membership?.leave();
    await settle([a], () => instances[1]?.rooms.peek('doc') === undefined, 'unload on B');
    b = await join(1, 3);
    await settle([a, b], () => true, 'rejoin');
    a.doc.getArray<string>('list').push(['after-reload']);
    await settle([a, b], () => list(b).includes('after-reload'), 'edit after reload');
  });
});
