import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '#shared/log.ts';
import type { RoomMessage } from '../../src/cluster/room-bus.ts';
import { RedisRoomBus } from '../../src/cluster/redis-room-bus.ts';
import { startRedis, type ThrowawayRedis } from '../helpers/redis.ts';
import { runRoomBusContract } from './room-bus.contract.ts';

let redis: ThrowawayRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

let prefixes = 0;
const busesOn = (prefix: string) =>
  (['a', 'b', 'c'] as const).map(
    (instanceId) => new RedisRoomBus({ url: redis.url, instanceId, logger: silentLogger, prefix }),
  ) as [RedisRoomBus, RedisRoomBus, RedisRoomBus];

runRoomBusContract('redis (throwaway redis-server)', () => {
  // A prefix per test: tests share one Redis and must not hear each other.
  const buses = busesOn(`t${++prefixes}:`);
  return Promise.resolve({
    buses,
    teardown: async () => {
      await Promise.all(buses.map((b) => b.close()));
    },
  });
});

describe('RedisRoomBus when Redis misbehaves', () => {
  it('drops a malformed message on its channel and goes on delivering', async () => {
    const [a, b] = busesOn('junk:');
    const raw = new Redis(redis.url);
    try {
      const got: RoomMessage[] = [];
      await b.subscribe('doc', (m) => got.push(m));
      await raw.publish('junk:doc:doc', Buffer.from([250, 1, 2, 3]));
      await raw.publish('junk:doc:doc', 'not even binary');
      a.publish('doc', { t: 'awarenessQuery', from: 'a' });
      const deadline = Date.now() + 5_000;
      while (got.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(got).toEqual([{ t: 'awarenessQuery', from: 'a' }]);
    } finally {
      raw.disconnect();
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('publishing while Redis is down neither throws nor queues; after it is back, listeners are told to catch up and delivery resumes', async () => {
    const own = await startRedis();
    const a = new RedisRoomBus({ url: own.url, instanceId: 'a', logger: silentLogger });
    const b = new RedisRoomBus({ url: own.url, instanceId: 'b', logger: silentLogger });
    try {
      const got: RoomMessage[] = [];
      let reconnects = 0;
      b.onReconnect(() => (reconnects += 1));
      await b.subscribe('doc', (m) => got.push(m));
      await own.kill();
      for (let i = 0; i < 100; i++) a.publish('doc', { t: 'updates', from: 'a', firstSeq: i + 1, lastSeq: i + 1 });
      await own.restart();
      const deadline = Date.now() + 15_000;
      while (reconnects === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(reconnects).toBe(1);
      // Nothing published during the outage arrives late (it was dropped, not queued).
      await new Promise((r) => setTimeout(r, 300));
      expect(got).toEqual([]);
      let sent = 0;
      while (got.length === 0 && Date.now() < deadline) {
        a.publish('doc', { t: 'awarenessQuery', from: 'a' });
        sent += 1;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(got[0]).toEqual({ t: 'awarenessQuery', from: 'a' });
      expect(sent).toBeGreaterThan(0);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await own.stop();
    }
  }, 30_000);

  it('a lock whose holder died lapses after its lifetime; releasing never deletes a lock another holds', async () => {
    const [a, b] = busesOn('locks:');
    const raw = new Redis(redis.url);
    try {
      // A holder that died mid-migration: its lock is there, nobody renews it.
      await raw.set('locks:lock:doc:1', 'dead-holder', 'PX', 300);
      const asked = Date.now();
      const waited = await a.withLock('doc:1', 300, () => Promise.resolve(Date.now() - asked));
      expect(waited).toBeGreaterThanOrEqual(200);
      expect(await raw.exists('locks:lock:doc:1')).toBe(0);
      // B's lock lapsed while it ran (renewal could not reach it); another took it: B's release leaves it.
      await b.withLock('doc:2', 300, async () => {
        await raw.set('locks:lock:doc:2', 'someone-else');
      });
      expect(await raw.get('locks:lock:doc:2')).toBe('someone-else');
    } finally {
      raw.disconnect();
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('loading the saved live states folds those of other instances into its own; an unreadable one stays', async () => {
    const [a, b, c] = busesOn('fold:');
    const raw = new Redis(redis.url);
    try {
      const run = (version: number) =>
        ({ v: 1, execution: { createdAt: 1, version, value: { id: 'ex', status: 'running', nodes: {} } } }) as const;
      a.saveLive('doc', run(3));
      b.saveLive('doc', { v: 1, trigger: { at: 1, value: { active: true, publishedHash: null } } });
      await raw.hset('fold:live:doc', 'newer-instance', JSON.stringify({ v: 2, whatever: true }));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const expected = { ...run(3), trigger: { at: 1, value: { active: true, publishedHash: null } } };
      expect(await c.loadLive('doc')).toEqual(expected);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await raw.hkeys('fold:live:doc')).sort()).toEqual(['c', 'newer-instance']);
      expect(await a.loadLive('doc')).toEqual(expected);
      expect(await raw.ttl('fold:live:doc')).toBeGreaterThan(3000);
    } finally {
      raw.disconnect();
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});
