import { silentLogger } from '#shared/log.ts';
import { LocalBusHub } from '../../src/cluster/local-room-bus.ts';
import { RedisRoomBus } from '../../src/cluster/redis-room-bus.ts';
import type { RoomBus, RoomMessage } from '../../src/cluster/room-bus.ts';
import type { ProtocolClient } from '../helpers/protocol-client.ts';

/** The two buses the cluster tests run on: one process (LocalBusHub) and a real Redis. */
export const busKinds = (
  redisUrl: () => string,
): { name: string; buses: (n: number) => { buses: RoomBus[]; close: () => Promise<void> } }[] => [
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
      // A prefix per test: tests share one Redis and must not hear each other.
      const prefix = `t${Math.random().toString(36).slice(2)}:`;
      const buses = Array.from(
        { length: n },
        (_, i) => new RedisRoomBus({ url: redisUrl(), instanceId: `i${i}`, logger: silentLogger, prefix }),
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

/** Lets rooms, buses and clients run until `until` holds (bounded, then throws naming `what`). */
export const settle = async (
  clients: readonly ProtocolClient[],
  until: () => boolean,
  what: string,
  drain: () => Promise<void> = () => Promise.resolve(),
): Promise<void> => {
  const deadline = Date.now() + 8_000;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    await drain();
    for (const c of clients) c.process();
    if (until()) return;
  }
  throw new Error(`not settled within 8 s: ${what}`);
};

/** The room server's awareness entry as a client sees it (exactly one is expected). */
export const serverEntry = (client: ProtocolClient): unknown => {
  const entries = [...client.awareness.getStates().values()].filter((s) => (s as { server?: unknown }).server === true);
  if (entries.length > 1) throw new Error(`a client sees ${entries.length} server entries`);
  return entries[0];
};

/** A bus that holds what it receives while told to, until the test delivers it (in any order, or twice). */
export class HoldingBus implements RoomBus {
  holdIf: ((message: RoomMessage) => boolean) | undefined;
  readonly held: { on: (m: RoomMessage) => void; message: RoomMessage }[] = [];
  constructor(private readonly inner: RoomBus) {}
  get instanceId() {
    return this.inner.instanceId;
  }
  subscribe(docId: string, on: (m: RoomMessage) => void) {
    return this.inner.subscribe(docId, (message) => {
      if (this.holdIf?.(message)) this.held.push({ on, message });
      else on(message);
    });
  }
  /** Stops holding and delivers what was held, in the order it came. */
  release(): void {
    this.holdIf = undefined;
    for (const { on, message } of this.held.splice(0)) on(message);
  }
  publish(docId: string, message: RoomMessage) {
    this.inner.publish(docId, message);
  }
  onReconnect(fn: () => void) {
    return this.inner.onReconnect(fn);
  }
  saveLive(...args: Parameters<RoomBus['saveLive']>) {
    this.inner.saveLive(...args);
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
