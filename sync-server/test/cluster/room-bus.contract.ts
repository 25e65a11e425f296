import { describe, expect, it } from 'vitest';
import type { RoomBus, RoomMessage } from '../../src/cluster/room-bus.ts';

/**
 * What rooms rely on from a bus, for every implementation: a message reaches
 * every other instance subscribed to its document, intact, and never its
 * sender; documents stay apart; leaving stops delivery and joining again
 * starts it (Hocuspocus #131 lost exactly that).
 */
export const runRoomBusContract = (
  name: string,
  setup: () => Promise<{ buses: [RoomBus, RoomBus, RoomBus]; teardown: () => Promise<void> }>,
): void => {
  const inbox = () => {
    const got: RoomMessage[] = [];
    const waiters: (() => void)[] = [];
    return {
      got,
      on: (message: RoomMessage) => {
        got.push(message);
        for (const w of waiters.splice(0)) w();
      },
      /** Resolves once `n` messages arrived (or rejects after 5 s). */
      until: (n: number) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`got ${got.length} of ${n} messages`)), 5_000);
          const check = () => {
            if (got.length >= n) {
              clearTimeout(timer);
              resolve();
            } else waiters.push(check);
          };
          check();
        }),
    };
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

  describe(`RoomBus contract: ${name}`, () => {
    const withBuses = (fn: (buses: [RoomBus, RoomBus, RoomBus]) => Promise<void>) => async () => {
      const { buses, teardown } = await setup();
      try {
        await fn(buses);
      } finally {
        await teardown();
      }
    };

    it(
      'every kind of message reaches every other subscribed instance intact, and never its sender',
      withBuses(async ([a, b, c]) => {
        const [ina, inb, inc] = [inbox(), inbox(), inbox()];
        await a.subscribe('doc', ina.on);
        await b.subscribe('doc', inb.on);
        await c.subscribe('doc', inc.on);
        const messages: RoomMessage[] = [
          {
            t: 'updates',
            from: a.instanceId,
            firstSeq: 7,
            lastSeq: 8,
            data: [new Uint8Array([1, 2]), new Uint8Array([])],
          },
          { t: 'updates', from: a.instanceId, firstSeq: 9, lastSeq: 90 },
          { t: 'awareness', from: a.instanceId, update: new Uint8Array([0, 255, 3]) },
          { t: 'awarenessQuery', from: a.instanceId },
          {
            t: 'live',
            from: a.instanceId,
            state: {
              v: 1,
              execution: {
                createdAt: 1,
                version: 1,
                value: { id: 'ex1', status: 'running', nodes: { n1: { status: 'running', runs: 1, at: 5 } } },
              },
              trigger: { at: 2, value: { active: true, publishedHash: 'h' } },
              testWebhook: { at: 3, value: null },
            },
          },
          { t: 'evict', from: a.instanceId, code: 4404, reason: 'workflow deleted' },
        ];
        for (const m of messages) a.publish('doc', m);
        await Promise.all([inb.until(messages.length), inc.until(messages.length)]);
        await settle();
        expect(inb.got).toEqual(messages);
        expect(inc.got).toEqual(messages);
        expect(ina.got).toEqual([]);
      }),
    );

    it(
      'keeps documents apart, and two rooms of one instance on one document both hear',
      withBuses(async ([a, b]) => {
        const [first, second, other] = [inbox(), inbox(), inbox()];
        await b.subscribe('doc', first.on);
        await b.subscribe('doc', second.on);
        await b.subscribe('other', other.on);
        a.publish('doc', { t: 'awarenessQuery', from: a.instanceId });
        await Promise.all([first.until(1), second.until(1)]);
        await settle();
        expect(other.got).toEqual([]);
      }),
    );

    it(
      'leaving stops delivery; joining again starts it, also right after leaving',
      withBuses(async ([a, b]) => {
        const first = inbox();
        const leave = await b.subscribe('doc', first.on);
        a.publish('doc', { t: 'awarenessQuery', from: a.instanceId });
        await first.until(1);
        await leave();
        a.publish('doc', { t: 'awarenessQuery', from: a.instanceId });
        await settle();
        expect(first.got).toHaveLength(1);
        // Leave and join at once: the join must win however the two commands interleave.
        const again = inbox();
        const leaveAgain = await b.subscribe('doc', again.on);
        const pending = leaveAgain();
        const third = inbox();
        const rejoin = b.subscribe('doc', third.on);
        await pending;
        await rejoin;
        a.publish('doc', { t: 'awarenessQuery', from: a.instanceId });
        await third.until(1);
        expect(again.got).toEqual([]);
      }),
    );

    it(
      'saved live states: each instance keeps its own, loading merges them, forgetting drops them all',
      withBuses(async ([a, b, c]) => {
        expect(await c.loadLive('doc')).toBeUndefined();
        const run = (version: number) =>
          ({
            v: 1,
            execution: { createdAt: 1, version, value: { id: 'ex', status: 'running', nodes: {} } },
          }) as const;
        a.saveLive('doc', { ...run(2), trigger: { at: 1, value: { active: true, publishedHash: 'h' } } });
        // B saves later but knows less: its save must not undo what A saved.
        b.saveLive('doc', run(1));
        b.saveLive('other', { v: 1, testWebhook: { at: 1, value: null } });
        await settle();
        expect(await c.loadLive('doc')).toEqual({
          ...run(2),
          trigger: { at: 1, value: { active: true, publishedHash: 'h' } },
        });
        c.forgetLive('doc');
        await settle();
        expect(await a.loadLive('doc')).toBeUndefined();
        expect(await a.loadLive('other')).toEqual({ v: 1, testWebhook: { at: 1, value: null } });
      }),
    );

    it(
      'a lock has one holder at a time across instances, renewed while it is held; other keys do not wait',
      withBuses(async ([a, b, c]) => {
        const events: string[] = [];
        const hold = (bus: RoomBus, name: string, ms: number) =>
          bus.withLock('doc:1', 150, async () => {
            events.push(`${name} in`);
            await new Promise((resolve) => setTimeout(resolve, ms));
            events.push(`${name} out`);
            return name;
          });
        // A holds it for three of its lifetimes: without renewal B would get in meanwhile.
        const first = hold(a, 'a', 450);
        await new Promise((resolve) => setTimeout(resolve, 20));
        const second = hold(b, 'b', 10);
        const other = c.withLock('doc:2', 150, () => Promise.resolve(events.push('other')));
        await other;
        expect(events).toEqual(['a in', 'other']);
        expect(await Promise.all([first, second])).toEqual(['a', 'b']);
        expect(events).toEqual(['a in', 'other', 'a out', 'b in', 'b out']);
        // A failing holder releases it too.
        await expect(a.withLock('doc:1', 150, () => Promise.reject(new Error('migration failed')))).rejects.toThrow(
          'migration failed',
        );
        expect(await b.withLock('doc:1', 150, () => Promise.resolve('again'))).toBe('again');
      }),
    );

    it(
      'a handler that throws harms neither the bus nor the other handlers',
      withBuses(async ([a, b]) => {
        const good = inbox();
        await b.subscribe('doc', () => {
          throw new Error('a broken room');
        });
        await b.subscribe('doc', good.on);
        a.publish('doc', { t: 'awarenessQuery', from: a.instanceId });
        a.publish('doc', { t: 'awarenessQuery', from: a.instanceId });
        await good.until(2);
      }),
    );
  });
};
