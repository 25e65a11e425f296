import type { Logger } from '#shared/log.ts';
import type { RoomBus } from '../cluster/room-bus.ts';
import type { DocStore } from '../storage/doc-store.ts';
import type { ClientContext, RoomConnection } from './connection.ts';
import { Room, type Member, type RoomHooks } from './room.ts';

export interface RoomManagerOptions {
  store: DocStore;
  logger: Logger;
  /** How long an empty room stays loaded before it is unloaded (a reconnect within it is instant). */
  unloadDelayMs: number;
  compactEvery: number;
  /** See RoomOptions.flushIntervalMs. */
  flushIntervalMs?: number;
  /** The same hooks for every room, or the hooks for each document (a workflow and its discussion differ). */
  hooks?: RoomHooks | ((docId: string) => RoomHooks);
  /** Shares rooms with other instances (see RoomOptions.bus). */
  bus?: RoomBus;
  /**
   * With a bus: how often the loaded rooms' seqs are compared with the
   * store's heads, in one query, so a room that missed news (a message lost,
   * an instance that died between its commit and its publish) catches up.
   */
  headsProbeMs?: number;
}

interface Slot {
  room: Room | undefined;
  loading: Promise<Room>;
  /** Sockets plus in-flight server-side operations holding the room. */
  holders: number;
  unloadTimer: NodeJS.Timeout | undefined;
  unloading: Promise<void> | undefined;
}

/** Told of each room once it has loaded, and once it is unloaded (it is closed by then). */
export interface RoomWatcher {
  loaded(room: Room): void;
  unloaded(docId: string, room: Room): void;
}

/** A socket's place in a room, returned by join. */
export interface Membership {
  readonly room: Room;
  receive(data: Uint8Array): void;
  leave(): void;
}

/**
 * Loads rooms on first use and unloads them after the last holder leaves
 * (after `unloadDelayMs`). Two joins racing for an unloaded document share one
 * load; a join that arrives while a room unloads waits and loads it afresh.
 */
export class RoomManager {
  private readonly slots = new Map<string, Slot>();
  private shuttingDown = false;
  private readonly probe: NodeJS.Timeout | undefined;
  private readonly stopReconnect: (() => void) | undefined;
  private readonly watchers = new Set<RoomWatcher>();

  constructor(private readonly options: RoomManagerOptions) {
    const { bus } = options;
    if (!bus) return;
    // Subscriptions may have missed messages while the bus was away: every room reads what it lacks.
    this.stopReconnect = bus.onReconnect(() => {
      for (const slot of this.slots.values()) void slot.room?.catchUpNow();
    });
    this.probe = setInterval(() => void this.probeHeads(), options.headsProbeMs ?? 5_000);
    this.probe.unref();
  }

  /** Rooms behind the store's heads catch up (anti-entropy for news that never arrived). */
  private async probeHeads(): Promise<void> {
    const rooms = [...this.slots.values()].flatMap((slot) => (slot.room ? [slot.room] : []));
    if (rooms.length === 0) return;
    try {
      const heads = await this.options.store.heads(rooms.map((room) => room.docId));
      for (const room of rooms) if ((heads.get(room.docId) ?? 0) > room.appliedSeq) void room.catchUpNow();
    } catch (error) {
      this.options.logger.warn({ err: error }, 'comparing rooms with the stored heads failed');
    }
  }

  /** Until the returned function is called, `watcher` hears of rooms loading and unloading. */
  watch(watcher: RoomWatcher): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  private tell(docId: string, what: (watcher: RoomWatcher) => void): void {
    for (const watcher of [...this.watchers]) {
      try {
        what(watcher);
      } catch (error) {
        this.options.logger.error({ err: error, docId }, 'a room watcher failed');
      }
    }
  }

  /** Number of loaded (or loading) rooms. */
  get loadedCount(): number {
    return this.slots.size;
  }

  /** Ids of the rooms loaded right now (documents someone has open, or had a moment ago). */
  loadedIds(): string[] {
    return [...this.slots.keys()];
  }

  /** The room if it is loaded right now (no load is started). */
  peek(docId: string): Room | undefined {
    return this.slots.get(docId)?.room;
  }

  private hooksFor(docId: string): { hooks?: RoomHooks } {
    const { hooks } = this.options;
    if (!hooks) return {};
    return { hooks: typeof hooks === 'function' ? hooks(docId) : hooks };
  }

  private async acquire(docId: string): Promise<{ room: Room; slot: Slot }> {
    if (this.shuttingDown) throw new Error('server is shutting down');
    let slot = this.slots.get(docId);
    while (slot?.unloading) {
      await slot.unloading;
      slot = this.slots.get(docId);
    }
    if (!slot) {
      const loading = Room.load({
        docId,
        store: this.options.store,
        logger: this.options.logger,
        compactEvery: this.options.compactEvery,
        flushIntervalMs: this.options.flushIntervalMs ?? 0,
        ...this.hooksFor(docId),
        ...(this.options.bus ? { bus: this.options.bus } : {}),
      });
      const created: Slot = { room: undefined, loading, holders: 0, unloadTimer: undefined, unloading: undefined };
      slot = created;
      this.slots.set(docId, created);
      loading.then(
        (room) => {
          created.room = room;
          room.onFail = () => void this.unload(docId, created);
          room.onEvict = (code, reason) => void this.evictHere(docId, code, reason);
          this.tell(docId, (watcher) => watcher.loaded(room));
        },
        (error: unknown) => {
          this.options.logger.error({ err: error, docId }, 'loading a document failed');
          if (this.slots.get(docId) === created) this.slots.delete(docId);
        },
      );
    }
    slot.holders += 1;
    clearTimeout(slot.unloadTimer);
    slot.unloadTimer = undefined;
    try {
      return { room: slot.room ?? (await slot.loading), slot };
    } catch (error) {
      slot.holders -= 1;
      throw error;
    }
  }

  /** Releases a hold on the slot it was taken on (a later slot for the same id is not touched). */
  private release(docId: string, slot: Slot): void {
    if (this.slots.get(docId) !== slot) return;
    slot.holders -= 1;
    if (slot.holders > 0 || slot.unloading) return;
    clearTimeout(slot.unloadTimer);
    slot.unloadTimer = setTimeout(() => {
      if (slot.holders === 0) void this.unload(docId, slot);
    }, this.options.unloadDelayMs);
    slot.unloadTimer.unref();
  }

  private unload(docId: string, slot: Slot): Promise<void> {
    if (slot.unloading) return slot.unloading;
    clearTimeout(slot.unloadTimer);
    slot.unloading = (async () => {
      let room: Room | undefined;
      try {
        room = slot.room ?? (await slot.loading.catch(() => undefined));
        await room?.close();
      } catch (error) {
        this.options.logger.error({ err: error, docId }, 'unloading a document failed');
      } finally {
        if (this.slots.get(docId) === slot) this.slots.delete(docId);
        const gone = room;
        if (gone) this.tell(docId, (watcher) => watcher.unloaded(docId, gone));
      }
    })();
    return slot.unloading;
  }

  /** Loads the document if needed and adds the socket to its room. */
  async join(docId: string, conn: RoomConnection, ctx: ClientContext): Promise<Membership> {
    const { room, slot } = await this.acquire(docId);
    let member: Member;
    try {
      member = room.join(conn, ctx);
    } catch (error) {
      this.release(docId, slot);
      throw error;
    }
    let left = false;
    return {
      room,
      receive: (data) => room.receive(member, data),
      leave: () => {
        if (left) return;
        left = true;
        room.leave(member);
        this.release(docId, slot);
      },
    };
  }

  /** Runs `fn` with the loaded room held (server-side reads and edits). */
  async withRoom<T>(docId: string, fn: (room: Room) => Promise<T> | T): Promise<T> {
    const { room, slot } = await this.acquire(docId);
    try {
      return await fn(room);
    } finally {
      this.release(docId, slot);
    }
  }

  /**
   * Folds into their snapshots the logs a killed server left (every room folds
   * its log when it unloads, so what is left at startup was not): a document
   * with a log past its snapshot must be decoded and re-encoded before its
   * first reply, which in a process that just started (nothing compiled by
   * the JIT yet) took 170–320 ms for a 499-update tail on a 205 KB document
   * (docs/benchmarks.md › bench:sync). Run before the server listens, that
   * first reply is the stored snapshot. Only without a bus: other instances
   * are live and fold their own rooms' logs. A document that fails is logged
   * and left as it is (its next load replays the log, as before).
   */
  async foldLogs(minUpdates: number): Promise<{ folded: number; failed: number }> {
    if (this.options.bus) return { folded: 0, failed: 0 };
    let folded = 0;
    let failed = 0;
    for (const docId of await this.options.store.withLogs(minUpdates)) {
      try {
        await this.withRoom(docId, (room) => room.foldLog());
        // Unloaded at once: nobody has it open, and a room loaded from a snapshot answers a
        // newcomer with its bytes, where a decoded one encodes the document first.
        const slot = this.slots.get(docId);
        if (slot && slot.holders === 0) await this.unload(docId, slot);
        folded += 1;
      } catch (error) {
        failed += 1;
        this.options.logger.error({ err: error, docId }, 'folding a log left at startup failed');
      }
    }
    return { folded, failed };
  }

  /** Closes every socket of a document and unloads it now, on every instance (the workflow was deleted). */
  async evict(docId: string, code: number, reason: string): Promise<void> {
    this.options.bus?.publish(docId, { t: 'evict', from: this.options.bus.instanceId, code, reason });
    await this.evictHere(docId, code, reason);
  }

  private async evictHere(docId: string, code: number, reason: string): Promise<void> {
    const slot = this.slots.get(docId);
    if (!slot) return;
    const room = slot.room ?? (await slot.loading.catch(() => undefined));
    room?.closeAll(code, reason);
    await this.unload(docId, slot);
  }

  /** Closes every socket (1001), commits and compacts every room. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    clearInterval(this.probe);
    this.stopReconnect?.();
    await Promise.all([...this.slots.entries()].map(([docId, slot]) => this.unload(docId, slot)));
  }
}
