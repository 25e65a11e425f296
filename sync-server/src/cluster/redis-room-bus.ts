import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Logger } from '#shared/log.ts';
import type { RoomBus, RoomMessage } from './room-bus.ts';
import { decodeRoomMessage, encodeRoomMessage } from './room-bus.ts';
import { mergeLive, parseLiveState, type LiveState } from './live-state.ts';

export interface RedisRoomBusOptions {
  url: string;
  instanceId: string;
  logger: Logger;
  /** Channel names start with it, so several Weft clusters can share one Redis (default "weft:"). */
  prefix?: string;
}

/** Logs a repeating failure once per this long, not once per message. */
const LOG_EVERY_MS = 10_000;

/** How long a first read waits for Redis to answer at all, while the server starts. */
const FIRST_CONNECT_WAIT_MS = 2_000;

/** How long a saved live state outlives its last save (docs/plans/scale-out.md §5.7). */
const LIVE_TTL_SECONDS = 3600;

/** A lock is renewed and released only by the holder whose token it still holds (a lapsed one may be another's). */
const RENEW_LOCK = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
/**
 * Folds the other instances' saved live states into this one's (they are
 * merged already), so entries of instances long gone do not pile up: only
 * if this instance's entry is still what was read, and only entries still
 * as read are deleted (a save that came in between stays).
 * ARGV: own field, its value as read ('' if none), the merge, then field/value-as-read pairs.
 */
const FOLD_LIVE = `
if (redis.call('hget', KEYS[1], ARGV[1]) or '') ~= ARGV[2] then return 0 end
redis.call('hset', KEYS[1], ARGV[1], ARGV[3])
for i = 4, #ARGV, 2 do
  if redis.call('hget', KEYS[1], ARGV[i]) == ARGV[i + 1] then redis.call('hdel', KEYS[1], ARGV[i]) end
end
return 1`;
const RELEASE_LOCK = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * The bus on Redis pub/sub: one channel per document, binary messages, two
 * connections (a subscribed connection can do nothing else). Publishing while
 * Redis is away fails at once instead of queueing without bound: the news is
 * lost, the database is not, and receivers find the gap by seq or by the
 * heads probe. When the subscriber reconnects (ioredis subscribes again by
 * itself), `onReconnect` listeners catch up on what they may have missed.
 */
export class RedisRoomBus implements RoomBus {
  readonly instanceId: string;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly prefix: string;
  private readonly handlers = new Map<string, Set<(message: RoomMessage) => void>>();
  /** The SUBSCRIBE/UNSUBSCRIBE of each channel, in order, so a quick leave and rejoin cannot cross. */
  private readonly pending = new Map<string, Promise<void>>();
  /** Each subscribed document's SUBSCRIBE, which later subscribers of it wait for too. */
  private readonly subscribed = new Map<string, Promise<void>>();
  private readonly reconnectListeners = new Set<() => void>();
  private readonly lastLogged = new Map<string, number>();
  private readyOnce = false;
  private publisherReady = false;
  private readonly earlySaves = new Map<string, LiveState>();
  private readonly publisherReadyListeners = new Set<() => void>();

  constructor(private readonly options: RedisRoomBusOptions) {
    this.instanceId = options.instanceId;
    this.prefix = options.prefix ?? 'weft:';
    this.publisher = new Redis(options.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.subscriber = new Redis(options.url, { maxRetriesPerRequest: null });
    for (const [name, connection] of [
      ['publisher', this.publisher],
      ['subscriber', this.subscriber],
    ] as const) {
      connection.on('error', (error: Error) => this.warn(`redis ${name}`, error));
    }
    this.publisher.once('ready', () => {
      this.publisherReady = true;
      for (const [docId, state] of this.earlySaves) this.saveLive(docId, state);
      this.earlySaves.clear();
      for (const fn of this.publisherReadyListeners) fn();
      this.publisherReadyListeners.clear();
    });
    this.subscriber.on('ready', () => {
      if (!this.readyOnce) {
        this.readyOnce = true;
        return;
      }
      this.options.logger.info({}, 'redis bus reconnected; rooms catch up');
      for (const fn of [...this.reconnectListeners]) {
        try {
          fn();
        } catch (error) {
          this.options.logger.error({ err: error }, 'a bus reconnect listener failed');
        }
      }
    });
    this.subscriber.on('messageBuffer', (channel: Buffer, payload: Buffer) => this.deliver(channel, payload));
  }

  private channel(docId: string): string {
    return `${this.prefix}doc:${docId}`;
  }

  private warn(what: string, error: unknown): void {
    const now = Date.now();
    if (now - (this.lastLogged.get(what) ?? 0) < LOG_EVERY_MS) return;
    this.lastLogged.set(what, now);
    this.options.logger.warn({ err: error }, `${what} failed`);
  }

  private deliver(channel: Buffer, payload: Buffer): void {
    const name = channel.toString();
    if (!name.startsWith(`${this.prefix}doc:`)) return;
    const handlers = this.handlers.get(name.slice(this.prefix.length + 4));
    if (!handlers || handlers.size === 0) return;
    const message = decodeRoomMessage(new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength));
    if (!message) {
      this.warn('reading a bus message', new Error(`malformed message on ${name}`));
      return;
    }
    if (message.from === this.instanceId) return;
    for (const handler of [...handlers]) {
      try {
        handler(message);
      } catch (error) {
        this.options.logger.error({ err: error, channel: name }, 'handling a bus message failed');
      }
    }
  }

  /** Runs `step` after the channel's previous SUBSCRIBE/UNSUBSCRIBE (which may have failed). */
  private inOrder(channel: string, step: () => Promise<unknown>): Promise<void> {
    const next = (this.pending.get(channel) ?? Promise.resolve()).then(step).then(() => undefined);
    const settled = next.catch(() => undefined);
    this.pending.set(channel, settled);
    void settled.then(() => {
      if (this.pending.get(channel) === settled) this.pending.delete(channel);
    });
    return next;
  }

  async subscribe(docId: string, on: (message: RoomMessage) => void): Promise<() => Promise<void>> {
    const channel = this.channel(docId);
    let handlers = this.handlers.get(docId);
    if (!handlers) {
      this.handlers.set(docId, (handlers = new Set()));
      this.subscribed.set(
        docId,
        this.inOrder(channel, () => this.subscriber.subscribe(channel)),
      );
    }
    handlers.add(on);
    try {
      await this.subscribed.get(docId);
    } catch (error) {
      handlers.delete(on);
      if (handlers.size === 0 && this.handlers.get(docId) === handlers) {
        this.handlers.delete(docId);
        this.subscribed.delete(docId);
      }
      throw error;
    }
    return async () => {
      const current = this.handlers.get(docId);
      if (!current?.delete(on) || current.size > 0) return;
      this.handlers.delete(docId);
      this.subscribed.delete(docId);
      await this.inOrder(channel, () => this.subscriber.unsubscribe(channel)).catch((error: unknown) =>
        this.warn('redis unsubscribe', error),
      );
    };
  }

  publish(docId: string, message: RoomMessage): void {
    let payload: Buffer;
    try {
      const bytes = encodeRoomMessage(message);
      payload = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (error) {
      this.warn('encoding a bus message', error);
      return;
    }
    this.publisher.publish(this.channel(docId), payload).catch((error: unknown) => this.warn('redis publish', error));
  }

  saveLive(docId: string, state: LiveState): void {
    if (!this.publisherReady) {
      // Before the first connection (a server starting): keep the latest per document, not a queue.
      this.earlySaves.set(docId, state);
      return;
    }
    const key = `${this.prefix}live:${docId}`;
    this.publisher
      .multi()
      .hset(key, this.instanceId, JSON.stringify(state))
      .expire(key, LIVE_TTL_SECONDS)
      .exec()
      .catch((error: unknown) => this.warn('saving live state', error));
  }

  async loadLive(docId: string): Promise<LiveState | undefined> {
    let entries: Record<string, string>;
    try {
      await this.firstReady();
      entries = await this.publisher.hgetall(`${this.prefix}live:${docId}`);
    } catch (error) {
      this.warn('loading live state', error);
      return undefined;
    }
    let merged: LiveState | undefined;
    for (const json of Object.values(entries)) {
      const state = parseLiveState(json);
      if (state) merged = mergeLive(merged, state);
    }
    // An entry this instance cannot read (a newer version's) is left alone.
    const others = Object.entries(entries).filter(
      ([field, json]) => field !== this.instanceId && parseLiveState(json) !== undefined,
    );
    if (merged && others.length > 0) {
      this.publisher
        .eval(
          FOLD_LIVE,
          1,
          `${this.prefix}live:${docId}`,
          this.instanceId,
          entries[this.instanceId] ?? '',
          JSON.stringify(merged),
          ...others.flat(),
        )
        .catch((error: unknown) => this.warn('folding saved live states', error));
    }
    return merged;
  }

  /** Resolves once the publisher has connected for the first time, or after a while (the command then fails). */
  private firstReady(): Promise<void> {
    if (this.publisherReady) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, FIRST_CONNECT_WAIT_MS);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.publisherReadyListeners.add(done);
    });
  }

  forgetLive(docId: string): void {
    this.earlySaves.delete(docId);
    this.publisher
      .del(`${this.prefix}live:${docId}`)
      .catch((error: unknown) => this.warn('forgetting live state', error));
  }

  /**
   * SET NX PX with a random token, asked again every few ms while another
   * holds it (a dead holder's lock lapses after `ttlMs`); renewed at a third
   * of `ttlMs` while `fn` runs; released by compare-and-delete. Waiting gives
   * up after four lifetimes of the lock, or when Redis cannot be reached for
   * as long: the caller then fails rather than run unguarded.
   */
  async withLock<T>(key: string, ttlMs: number, fn: () => Promise<T>): Promise<T> {
    const name = `${this.prefix}lock:${key}`;
    const token = randomUUID();
    await this.firstReady();
    const deadline = Date.now() + 4 * ttlMs;
    for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
      let error: unknown;
      try {
        if ((await this.publisher.set(name, token, 'PX', ttlMs, 'NX')) === 'OK') break;
      } catch (failure) {
        error = failure;
      }
      if (Date.now() > deadline)
        throw new Error(`lock ${key} not taken within ${4 * ttlMs} ms`, error === undefined ? {} : { cause: error });
      await sleep(wait);
    }
    const renew = setInterval(
      () => {
        this.publisher
          .eval(RENEW_LOCK, 1, name, token, ttlMs)
          .catch((error: unknown) => this.warn('renewing a lock', error));
      },
      Math.max(1, Math.floor(ttlMs / 3)),
    );
    try {
      return await fn();
    } finally {
      clearInterval(renew);
      await this.publisher
        .eval(RELEASE_LOCK, 1, name, token)
        .catch((error: unknown) => this.warn('releasing a lock', error));
    }
  }

  onReconnect(fn: () => void): () => void {
    this.reconnectListeners.add(fn);
    return () => this.reconnectListeners.delete(fn);
  }

  async close(): Promise<void> {
    this.reconnectListeners.clear();
    this.handlers.clear();
    this.subscribed.clear();
    await Promise.all([this.publisher, this.subscriber].map((c) => c.quit().catch(() => c.disconnect())));
  }
}
