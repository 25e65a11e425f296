import { silentLogger, type Logger } from '#shared/log.ts';
import type { RoomBus, RoomMessage } from './room-bus.ts';
import { decodeRoomMessage, encodeRoomMessage } from './room-bus.ts';
import { mergeLive, parseLiveState, type LiveState } from './live-state.ts';

/**
 * Instances in one process sharing one in-memory bus: the single-process
 * default (one instance, nobody to tell) and the way room tests run several
 * RoomManagers side by side without Redis. Messages go through the same
 * binary codec as on Redis, and are delivered on a later turn, as a network
 * would. Saved live states and locks live in the hub, shared by its buses
 * (live states kept until forgotten: a test or one process, not an hour).
 */
export class LocalBusHub {
  private readonly subscribers = new Map<string, Set<{ instanceId: string; on: (m: RoomMessage) => void }>>();
  private readonly reconnectListeners = new Set<() => void>();
  /** Per document, each instance's saved live state (JSON, as Redis would hold it). */
  private readonly live = new Map<string, Map<string, string>>();
  /** Per lock key, the tail of the line of holders. */
  private readonly locks = new Map<string, Promise<void>>();

  constructor(private readonly logger: Logger = silentLogger) {}

  bus(instanceId: string): RoomBus {
    const listeners = new Set<() => void>();
    return {
      instanceId,
      subscribe: (docId, on) => {
        const entry = { instanceId, on };
        let set = this.subscribers.get(docId);
        if (!set) this.subscribers.set(docId, (set = new Set()));
        set.add(entry);
        return Promise.resolve(() => {
          set.delete(entry);
          if (set.size === 0 && this.subscribers.get(docId) === set) this.subscribers.delete(docId);
          return Promise.resolve();
        });
      },
      publish: (docId, message) => {
        const bytes = encodeRoomMessage(message);
        setImmediate(() => {
          for (const entry of this.subscribers.get(docId) ?? []) {
            if (entry.instanceId === instanceId) continue;
            const copy = decodeRoomMessage(bytes);
            if (!copy) continue;
            try {
              entry.on(copy);
            } catch (error) {
              this.logger.error({ err: error, docId }, 'handling a bus message failed');
            }
          }
        });
      },
      onReconnect: (fn) => {
        listeners.add(fn);
        this.reconnectListeners.add(fn);
        return () => {
          listeners.delete(fn);
          this.reconnectListeners.delete(fn);
        };
      },
      saveLive: (docId, state) => {
        let entries = this.live.get(docId);
        if (!entries) this.live.set(docId, (entries = new Map<string, string>()));
        entries.set(instanceId, JSON.stringify(state));
      },
      loadLive: (docId) => {
        let merged: LiveState | undefined;
        for (const json of this.live.get(docId)?.values() ?? []) {
          const state = parseLiveState(json);
          if (state) merged = mergeLive(merged, state);
        }
        return Promise.resolve(merged);
      },
      forgetLive: (docId) => {
        this.live.delete(docId);
      },
      withLock: (key, _ttlMs, fn) => this.withLock(key, fn),
      close: () => {
        for (const fn of listeners) this.reconnectListeners.delete(fn);
        return Promise.resolve();
      },
    };
  }

  private async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.locks.get(key) ?? Promise.resolve();
    let release = (): void => {};
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = before.then(() => mine);
    this.locks.set(key, tail);
    await before;
    try {
      return await fn();
    } finally {
      release();
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }

  /** For tests: as if every instance's connection to the bus had dropped and come back. */
  reconnectAll(): void {
    for (const fn of [...this.reconnectListeners]) {
      try {
        fn();
      } catch (error) {
        this.logger.error({ err: error }, 'a bus reconnect listener failed');
      }
    }
  }
}
