import { join as joinPath } from 'node:path';
import * as Y from 'yjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '#shared/log.ts';
import { origins } from '#shared/origins.ts';
import { openDatabase, type OpenedDatabase } from '../../src/db/open.ts';
import type { RoomHooks } from '../../src/rooms/room.ts';
import { RoomManager } from '../../src/rooms/room-manager.ts';
import type { StoredDoc } from '../../src/storage/doc-store.ts';
import { SqliteDocStore } from '../../src/storage/sqlite-doc-store.ts';
import { ProtocolClient } from '../helpers/protocol-client.ts';
import { startRedis, type ThrowawayRedis } from '../helpers/redis.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { busKinds, HoldingBus, settle } from './bus-kinds.ts';

/**
 * A document of an old layout loaded on two instances at once
 * (docs/plans/scale-out.md §5.9): the migration step creates a nested type
 * (set-if-absent, as DOC8 asks). Two instances migrating at once would each
 * create one, Yjs keeps one of them, and what a client typed into the other
 * is lost. Under the bus's lock the second instance reads the first one's
 * migration before it decides, and finds nothing left to do.
 */

let redis: ThrowawayRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

/** Layout 1 has no `notes`; layout 2 adds the Y.Text. */
const layoutHooks = (migrations: { count: number }): RoomHooks => ({
  schemaVersion: (doc) => {
    const v = doc.getMap('meta').get('v');
    return typeof v === 'number' ? v : null;
  },
  isCurrentSchema: (version) => version === 2,
  afterLoad: (_docId, doc) => {
    const meta = doc.getMap('meta');
    if (meta.get('v') !== 1) return;
    migrations.count += 1;
    doc.transact(() => {
      if (!meta.has('notes')) meta.set('notes', new Y.Text());
      meta.set('v', 2);
    }, origins.migration);
  },
});

/** Both instances read the old document before either goes on: the race, every time. */
class BarrierStore extends SqliteDocStore {
  constructor(
    db: ConstructorParameters<typeof SqliteDocStore>[0],
    private readonly barrier: { waiting: number; release: () => void; reached: Promise<void> },
  ) {
    super(db);
  }
  override async load(docId: string): Promise<StoredDoc> {
    const stored = await super.load(docId);
    this.barrier.waiting += 1;
    if (this.barrier.waiting === 2) this.barrier.release();
    await this.barrier.reached;
    return stored;
  }
}

describe.each(busKinds(() => redis.url))('layout migration under a lock, $name', ({ buses: makeBuses }) => {
  let dir: ReturnType<typeof tempDir>;
  let databases: OpenedDatabase[];
  let instances: RoomManager[];
  let buses: HoldingBus[];
  let closeBuses: () => Promise<void>;
  const clients: ProtocolClient[] = [];
  const migrations = { count: 0 };

  beforeEach(async () => {
    dir = tempDir();
    migrations.count = 0;
    const made = makeBuses(2);
    closeBuses = made.close;
    const file = joinPath(dir.path, 'weft.db');
    databases = made.buses.map(() => openDatabase({ file }));
    const old = new Y.Doc();
    old.getMap('meta').set('v', 1);
    old.getArray('list').push(['x']);
    await new SqliteDocStore((databases[0] as OpenedDatabase).db).append('doc', [
      { authorId: null, createdAt: 1, data: Y.encodeStateAsUpdate(old) },
    ]);
    let release = (): void => {};
    const reached = new Promise<void>((resolve) => {
      release = resolve;
    });
    const barrier = { waiting: 0, release, reached };
    // News of commits waits until the test lets it go: clients type before either instance hears the other.
    buses = made.buses.map((bus) => new HoldingBus(bus));
    for (const bus of buses) bus.holdIf = (message) => message.t === 'updates';
    instances = buses.map(
      (bus, i) =>
        new RoomManager({
          store: new BarrierStore((databases[i] as OpenedDatabase).db, barrier),
          logger: silentLogger,
          unloadDelayMs: 0,
          compactEvery: 25,
          bus,
          headsProbeMs: 60_000,
          hooks: layoutHooks(migrations),
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
    client.membership = await (instances[i] as RoomManager).join('doc', client, {
      userId: `u${clientID}`,
      role: 'editor',
    });
    client.hello();
    return client;
  };

  const notes = (doc: Y.Doc) => doc.getMap('meta').get('notes');
  const text = (doc: Y.Doc) => {
    const value = notes(doc);
    return value instanceof Y.Text ? value.toJSON() : '';
  };

  it('two instances loading the old document at once migrate it once; edits typed into its new text all survive', async () => {
    const [a, b] = await Promise.all([join(0, 1), join(1, 2)]);
    const drain = async () => {
      for (const rooms of instances) await rooms.peek('doc')?.drain();
    };
    await settle([a, b], () => notes(a.doc) instanceof Y.Text && notes(b.doc) instanceof Y.Text, 'migrated', drain);
    // Both read the old layout (the barrier), yet only one migrated: the other read its commit under the lock.
    expect(migrations.count).toBe(1);
    (notes(a.doc) as Y.Text).insert(0, 'typed on A. ');
    (notes(b.doc) as Y.Text).insert(0, 'typed on B. ');
    await settle([a, b], () => true, 'typing committed', drain);
    for (const bus of buses) bus.release();
    await settle([a, b], () => text(a.doc).length > 12 && text(a.doc) === text(b.doc), 'converged', drain);
    expect(text(a.doc)).toContain('typed on A.');
    expect(text(a.doc)).toContain('typed on B.');
    const loaded = await new SqliteDocStore((databases[1] as OpenedDatabase).db).load('doc');
    const stored = new Y.Doc();
    if (loaded.snapshot) Y.applyUpdate(stored, loaded.snapshot);
    for (const u of loaded.updates) Y.applyUpdate(stored, u.data);
    expect(text(stored)).toBe(text(a.doc));
    expect(stored.getMap('meta').get('v')).toBe(2);
  });
});
