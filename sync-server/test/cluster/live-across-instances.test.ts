import { join as joinPath } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '#shared/log.ts';
import type { NodeEventMessage } from '#shared/protocol/engine.ts';
import { openDatabase, type OpenedDatabase } from '../../src/db/open.ts';
import { LiveStatus } from '../../src/executions/live-status.ts';
import { LocalBusHub } from '../../src/cluster/local-room-bus.ts';
import { RoomManager } from '../../src/rooms/room-manager.ts';
import { SqliteDocStore } from '../../src/storage/sqlite-doc-store.ts';
import { ProtocolClient } from '../helpers/protocol-client.ts';
import { startRedis, type ThrowawayRedis } from '../helpers/redis.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { busKinds, HoldingBus, serverEntry, settle } from './bus-kinds.ts';

/**
 * Live status across instances (docs/plans/scale-out.md §5.7): what one
 * instance's LiveStatus reports (an execution's node events, the trigger
 * state, test listening) reaches the clients of the workflow's room on every
 * instance, and a room loaded later starts from the current state. Each
 * instance merges what it hears, so order and duplicates do not matter.
 */

let redis: ThrowawayRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

const event = (nodeId: string, status: NodeEventMessage['status'], startedAt: number): NodeEventMessage => ({
  nodeId,
  name: nodeId,
  status,
  runIndex: 0,
  startedAt,
  ...(status === 'running' ? {} : { durationMs: 5, itemsOut: { main: 1 } }),
});

describe.each(busKinds(() => redis.url))('live status across instances, $name', ({ buses: makeBuses }) => {
  let dir: ReturnType<typeof tempDir>;
  let databases: OpenedDatabase[];
  let instances: { rooms: RoomManager; live: LiveStatus; bus: HoldingBus }[];
  let closeBuses: () => Promise<void>;
  const clients: ProtocolClient[] = [];

  beforeEach(async () => {
    dir = tempDir();
    const made = makeBuses(3);
    closeBuses = made.close;
    const file = joinPath(dir.path, 'weft.db');
    databases = made.buses.map(() => openDatabase({ file }));
    instances = made.buses.map((raw, i) => {
      const bus = new HoldingBus(raw);
      const rooms = new RoomManager({
        store: new SqliteDocStore((databases[i] as OpenedDatabase).db),
        logger: silentLogger,
        unloadDelayMs: 0,
        compactEvery: 25,
        bus,
        headsProbeMs: 60_000,
      });
      return { rooms, live: new LiveStatus(rooms, bus), bus };
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await Promise.all(instances.map((i) => i.rooms.shutdown()));
    await closeBuses();
    for (const database of databases) await database.close();
    dir.remove();
  });

  const instance = (i: number) => instances[i] as { rooms: RoomManager; live: LiveStatus; bus: HoldingBus };

  const join = async (i: number, clientID: number) => {
    const client = new ProtocolClient(clientID);
    clients.push(client);
    client.membership = await instance(i).rooms.join('wf', client, { userId: `u${clientID}`, role: 'editor' });
    client.hello();
    return client;
  };

  const runOnA = () => {
    const { live } = instance(0);
    live.started('wf', 'ex1', 1_000);
    live.node('wf', 'ex1', event('n1', 'running', 2_000));
    live.node('wf', 'ex1', event('n1', 'succeeded', 2_000));
    live.node('wf', 'ex1', event('n2', 'running', 2_010));
    live.node('wf', 'ex1', event('n2', 'failed', 2_010));
    live.finished('wf', 'ex1', 'failed', 'n2 broke');
  };

  const finishedRun = {
    id: 'ex1',
    status: 'failed',
    error: 'n2 broke',
    nodes: {
      n1: { status: 'succeeded', runs: 1, itemsOut: { main: 1 }, durationMs: 5, at: 2_005 },
      n2: { status: 'failed', runs: 1, itemsOut: { main: 1 }, durationMs: 5, at: 2_015 },
    },
  };

  it("a client on B sees the node statuses of A's run; a room loaded later on C starts from the current state", async () => {
    const b = await join(1, 2);
    await settle([b], () => true, 'join');
    runOnA();
    instance(0).live.trigger('wf', { active: true, publishedHash: 'h1' });
    await settle(
      [b],
      () => (serverEntry(b) as { execution?: { status: string } } | undefined)?.execution?.status === 'failed',
      'the run on B',
    );
    expect(serverEntry(b)).toEqual({
      server: true,
      execution: finishedRun,
      trigger: { active: true, publishedHash: 'h1' },
    });
    // Another writer's field merges in beside A's: C starts listening for a test event.
    instance(2).live.listening('wf', { expiresAt: 9_999, paths: ['hook'] });
    await settle([b], () => (serverEntry(b) as { testWebhook?: unknown }).testWebhook !== undefined, 'listening on B');
    // C never had the room loaded while all this happened: it starts from the saved state.
    const c = await join(2, 3);
    const expected = {
      server: true,
      execution: finishedRun,
      trigger: { active: true, publishedHash: 'h1' },
      testWebhook: { expiresAt: 9_999, paths: ['hook'] },
    };
    await settle([b, c], () => (serverEntry(c) as { execution?: unknown } | undefined)?.execution !== undefined, 'C');
    expect(serverEntry(c)).toEqual(expected);
    expect(serverEntry(b)).toEqual(expected);
    // Listening stops on C: the stop travels too.
    instance(2).live.listening('wf', null);
    await settle([b], () => (serverEntry(b) as { testWebhook?: unknown }).testWebhook === undefined, 'stop on B');
    // A later execution replaces the ended one everywhere.
    instance(1).live.started('wf', 'ex2', 3_000);
    await settle([b, c], () => (serverEntry(c) as { execution: { id: string } }).execution.id === 'ex2', 'ex2 on C');
    expect((serverEntry(b) as { execution: unknown }).execution).toEqual({ id: 'ex2', status: 'queued', nodes: {} });
  });

  it('news delivered out of order and twice ends in the same state as in order (seeded)', async () => {
    const a = await join(0, 1);
    const b = await join(1, 2);
    await settle([a, b], () => true, 'joins');
    const { bus } = instance(1);
    bus.holdIf = (message) => message.t === 'live';
    runOnA();
    instance(2).live.trigger('wf', { active: true, publishedHash: 'h1' });
    instance(2).live.trigger('wf', { active: false, publishedHash: 'h1' });
    // A hears C's news about when B does; one more turn after that, everything is held on B.
    await settle([a], () => (serverEntry(a) as { trigger?: { active: boolean } }).trigger?.active === false, 'A');
    await settle([a], () => true, 'B holds the news');
    expect(new Set(bus.held.map((h) => JSON.stringify(h.message))).size).toBe(8);
    expect(serverEntry(b)).toBeUndefined();
    const seed = 7_261_204;
    console.log(`live news shuffle seed ${seed}`);
    let s = seed;
    const random = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const news = [...bus.held, ...bus.held.filter(() => random() < 0.5)].sort(() => random() - 0.5);
    bus.holdIf = undefined;
    for (const { on, message } of news) on(message);
    await settle([a, b], () => true, 'delivery');
    expect(serverEntry(b)).toEqual({
      server: true,
      execution: finishedRun,
      trigger: { active: false, publishedHash: 'h1' },
    });
    // A shows the same merge (it heard C's news in order).
    expect(serverEntry(a)).toEqual(serverEntry(b));
  });
});

describe('live status when the bus was away', () => {
  it('news lost meanwhile is read back from the saved state on reconnect', async () => {
    const dir = tempDir();
    const database = openDatabase({ file: joinPath(dir.path, 'weft.db') });
    const hub = new LocalBusHub();
    const [a, b] = [0, 1].map((i) => {
      const bus = new HoldingBus(hub.bus(`i${i}`));
      const rooms = new RoomManager({
        store: new SqliteDocStore(database.db),
        logger: silentLogger,
        unloadDelayMs: 0,
        compactEvery: 25,
        bus,
      });
      return { rooms, bus, live: new LiveStatus(rooms, bus) };
    }) as [
      { rooms: RoomManager; bus: HoldingBus; live: LiveStatus },
      { rooms: RoomManager; bus: HoldingBus; live: LiveStatus },
    ];
    const client = new ProtocolClient(2);
    try {
      client.membership = await b.rooms.join('wf', client, { userId: 'u2', role: 'editor' });
      client.hello();
      await settle([client], () => true, 'join');
      b.bus.holdIf = (message) => message.t === 'live';
      a.live.started('wf', 'ex1', 1_000);
      a.live.finished('wf', 'ex1', 'succeeded');
      await settle([client], () => b.bus.held.length > 0, 'news sent');
      // Lost, as pub/sub loses what is published while a subscriber is disconnected.
      b.bus.held.splice(0);
      b.bus.holdIf = undefined;
      await settle([client], () => true, 'nothing arrives');
      expect(serverEntry(client)).toBeUndefined();
      hub.reconnectAll();
      await settle([client], () => serverEntry(client) !== undefined, 'read back on reconnect');
      expect(serverEntry(client)).toEqual({ server: true, execution: { id: 'ex1', status: 'succeeded', nodes: {} } });
    } finally {
      client.destroy();
      await Promise.all([a.rooms.shutdown(), b.rooms.shutdown()]);
      await database.close();
      dir.remove();
    }
  });
});
